#!/usr/bin/env node
// The open-scws command. `start [--demo] [--data-dir DIR]` runs the service (on the demo token with --demo);
// `demo-token [--data-dir DIR]` makes the demo token. Configuration comes from the environment.
import { resolve } from "node:path";
import { parseArgs } from "node:util";
import { configFromEnvironment } from "./config/service-config.js";
import { DEMO_TOKEN_LABEL, ensureDemoToken } from "./demo/demo-token.js";
import { startService } from "./server.js";

const { positionals, values } = parseArgs({
  allowPositionals: true,
  options: { demo: { type: "boolean", default: false }, "data-dir": { type: "string", default: process.env.SCWS_DATA_DIR ?? "data" } },
});
const command = positionals[0] ?? "start";
const dataDir = resolve(values["data-dir"]);

function prepareDemoToken(): void {
  const demo = ensureDemoToken(dataDir);
  process.env.SOFTHSM2_CONF = demo.softHsmConf;
  if (demo.created) {
    console.log(`Made the demo token "${DEMO_TOKEN_LABEL}" in ${dataDir}. Its PINs are shown this once:`);
    console.log(`  user PIN: ${demo.token.pin}\n  SO PIN:   ${demo.token.soPin}`);
    console.log(`(They are also kept in ${resolve(dataDir, "demo-token.json")}, readable only by you.)`);
  } else {
    console.log(`Using the demo token "${DEMO_TOKEN_LABEL}" in ${dataDir} (its PINs are in demo-token.json there).`);
  }
}

async function start(): Promise<void> {
  if (values.demo) prepareDemoToken();
  const service = await startService({ ...configFromEnvironment(), dataDir });
  console.log(`\nopen SCWS is ready at ${service.url}/v1/service`);
  for (const signal of ["SIGINT", "SIGTERM"] as const) {
    process.once(signal, () => {
      service.close().then(
        () => process.exit(0),
        () => process.exit(1),
      );
    });
  }
}

switch (command) {
  case "start":
    await start();
    break;
  case "demo-token":
    prepareDemoToken();
    break;
  default:
    console.error(`Unknown command "${command}". Commands: start [--demo] [--data-dir DIR], demo-token [--data-dir DIR].`);
    process.exit(2);
}
