#!/usr/bin/env node
// The open-scws command's entry (package.json "bin"): runs the built CLI. In a clone where the service is not built
// yet (right after `npm ci`), it builds it first, so that `npx open-scws help` works as the README says.
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";

const cli = fileURLToPath(new URL("../dist/cli.js", import.meta.url));
const repoRoot = fileURLToPath(new URL("../../..", import.meta.url));
if (!existsSync(cli) && existsSync(`${repoRoot}turbo.json`)) {
  console.error("open-scws is not built yet: building it (npx turbo run build --filter=@open-scws/server...)");
  // The build's output goes to standard error: standard output is the command's own (such as --json).
  const built = spawnSync("npx", ["--no-install", "turbo", "run", "build", "--filter=@open-scws/server...", "--output-logs=errors-only"], {
    cwd: repoRoot,
    stdio: ["ignore", 2, 2],
    env: { ...process.env, TURBO_TELEMETRY_DISABLED: "1", REDOCLY_TELEMETRY: "off", REDOCLY_SUPPRESS_UPDATE_NOTICE: "true" },
  });
  if (built.status !== 0) process.exit(built.status ?? 1);
}
await import(cli);
