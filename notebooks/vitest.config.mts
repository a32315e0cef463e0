import { defineProject } from "vitest/config";

export default defineProject({
  test: {
    name: "notebooks",
    include: ["lib/**/*.test.ts"],
  },
});
