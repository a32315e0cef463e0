import { defineConfig } from "vitest/config";

// One root run covers every package; each package keeps its own small
// config so `vitest run` also works inside a single package.
export default defineConfig({
  test: {
    projects: ["packages/*/vitest.config.mts", "notebooks/vitest.config.mts"],
  },
});
