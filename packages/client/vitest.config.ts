import { defineConfig } from "vitest/config";
import { softHsmTests } from "../../vitest.softhsm.js";

export default defineConfig({
  test: {
    ...softHsmTests,
    include: ["src/**/*.test.{ts,js}"],
    setupFiles: ["src/testing/validation-on.ts"],
    typecheck: { enabled: true, include: ["src/**/*.test.ts"] },
  },
});
