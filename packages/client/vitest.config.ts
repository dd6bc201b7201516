import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["src/**/*.test.{ts,js}"],
    setupFiles: ["src/testing/validation-on.ts"],
    typecheck: { enabled: true, include: ["src/**/*.test.ts"] },
    // Each test file is its own process: SoftHSM reads its configuration once per process.
    pool: "forks",
    testTimeout: 20_000,
    hookTimeout: 30_000,
  },
});
