import { defineProject } from "vitest/config";

export default defineProject({
  test: {
    name: "kube-proxy",
    include: ["src/**/*.test.ts"],
  },
});
