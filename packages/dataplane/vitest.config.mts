import { defineProject } from "vitest/config";

export default defineProject({
  test: {
    name: "dataplane",
    include: ["src/**/*.test.ts"],
  },
});
