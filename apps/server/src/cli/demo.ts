// `open-scws demo-token`: makes (or finds) the demo SoftHSM token in the data folder.
import { resolve } from "node:path";
import type { ServiceConfig } from "../config/service-config.js";
import { DEMO_TOKEN_LABEL, ensureDemoToken } from "../demo/demo-token.js";
import { type Command, configuredCommand } from "./options.js";

/** Makes the demo token if needed and points SoftHSM at it (SOFTHSM2_CONF) for this process; `say` prints the notes. */
export function prepareDemoToken(dataDir: string, say: (line: string) => void = console.log): void {
  const demo = ensureDemoToken(dataDir);
  process.env.SOFTHSM2_CONF = demo.softHsmConf;
  if (demo.created) {
    say(`Made the demo token "${DEMO_TOKEN_LABEL}" in ${dataDir}. Its PINs are shown this once:`);
    say(`  user PIN: ${demo.token.pin}\n  SO PIN:   ${demo.token.soPin}`);
    say(`(They are also kept in ${resolve(dataDir, "demo-token.json")}, readable only by you.)`);
  } else {
    say(`Using the demo token "${DEMO_TOKEN_LABEL}" in ${dataDir} (its PINs are in demo-token.json there).`);
  }
}

/**
 * Whether a command that looks at tokens uses the demo token, by the rule `npm start` follows: asked for with --demo,
 * or nothing names a module (no --config, SCWS_CONFIG or SCWS_PKCS11_MODULE).
 */
export function usesDemoToken(values: { demo?: boolean | undefined; config?: string | undefined }, env: NodeJS.ProcessEnv = process.env): boolean {
  return values.demo === true || (!values.config && !env.SCWS_CONFIG && !env.SCWS_PKCS11_MODULE);
}

/** The development registration `--demo` adds: pages of the service's own origins get environments without a signature. */
export const DEMO_APPLICATION_ID = "demo";

/**
 * The configuration with the demo's development registration, which trusts the service's own origins (where the
 * demo page is served); unchanged when the configuration registers "demo" itself or the port is chosen at start.
 */
export function withDemoApplication(config: ServiceConfig): ServiceConfig {
  if (config.applications.some((application) => application.id === DEMO_APPLICATION_ID) || config.listen.port === 0) return config;
  const scheme = config.tls ? "https" : "http";
  const hosts = ["127.0.0.1", "localhost", "[::1]"];
  const origins = hosts.map((host) => `${scheme}://${host}:${config.listen.port}`);
  return { ...config, applications: [...config.applications, { id: DEMO_APPLICATION_ID, origins, trustOrigin: true }] };
}

export const demoTokenCommand: Command = configuredCommand(
  "make the demo SoftHSM token in the data folder (its PINs are printed once)",
  "demo-token [--config FILE] [--data-dir DIR]",
  (loaded) => {
    prepareDemoToken(resolve(loaded.config.dataDir));
    return 0;
  },
);
