import { defineConfig } from "vitest/config";

// The stack tests start pcscd and OpenSC processes: give them room on a shared 2-core machine.
export default defineConfig({ test: { include: ["src/**/*.test.ts"], testTimeout: 60_000, hookTimeout: 120_000 } });
