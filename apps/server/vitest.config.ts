import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";
import { softHsmTests } from "../../vitest.softhsm.js";

export default defineConfig({
  // @open-scws/test-support drives the @open-scws/server it is given: here, this package's source, not its dist.
  resolve: { alias: { "@open-scws/server": fileURLToPath(new URL("./src/index.ts", import.meta.url)) } },
  test: softHsmTests,
});
