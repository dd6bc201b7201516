// Vitest options shared by the packages whose tests provision SoftHSM tokens; each package's vitest.config.ts uses them.
import type { ViteUserConfig } from "vitest/config";

/** The `test` options of a package whose tests run over SoftHSM tokens. */
export const softHsmTests = {
  include: ["src/**/*.test.ts"],
  // Each test file is its own process: SoftHSM reads its configuration once per process.
  pool: "forks",
  testTimeout: 20_000,
  hookTimeout: 30_000,
} satisfies ViteUserConfig["test"];
