import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

export default defineConfig({
  // @open-scws/test-support drives the @open-scws/server it is given: here, this package's source, not its dist.
  resolve: { alias: { "@open-scws/server": fileURLToPath(new URL("./src/index.ts", import.meta.url)) } },
  test: {
    include: ["src/**/*.test.ts"],
    // Each test file is its own process: SoftHSM reads its configuration once per process.
    pool: "forks",
    testTimeout: 20_000,
    hookTimeout: 30_000,
  },
});
