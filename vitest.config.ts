import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    // Parser workers and the CLI run from dist/, which `npm test` builds first.
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: "forks",
  },
});
