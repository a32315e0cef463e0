import { defineProject } from "vitest/config";

export default defineProject({
  test: {
    name: "kubectl",
    include: ["src/**/*.test.ts"],
  },
});
