import { defineProject } from "vitest/config";

export default defineProject({
  test: {
    name: "apiserver",
    include: ["src/**/*.test.ts"],
  },
});
