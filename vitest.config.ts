import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["src/**/*.test.ts"],
    testTimeout: 30_000,
    // A hook starts a whole community (migrations, the demo seed); on a shared, busy machine that has
    // taken over a minute, and a hook that times out says nothing about the code under test.
    hookTimeout: 180_000,
    // Two cores: more workers than that only adds contention for PGlite's WASM and argon2.
    maxWorkers: 2,
  },
});
