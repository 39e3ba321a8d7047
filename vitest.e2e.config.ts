import { defineConfig } from "vitest/config";

// Browser specs: one Convene server (built web app, fresh embedded database, demo data) for the run,
// driven by Debian's Chromium through playwright-core.
export default defineConfig({
  test: {
    include: ["tests/e2e/**/*.spec.ts"],
    globalSetup: ["tests/e2e/global-setup.ts"],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    fileParallelism: false,
  },
});
