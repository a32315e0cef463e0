import { defineProject } from "vitest/config";

export default defineProject({
  test: {
    name: "notebooks",
    include: ["lib/**/*.test.ts"],
    // The pictures' PNG rendering loads the CJK fonts (~40 MB) per picture.
    testTimeout: 30_000,
  },
});
