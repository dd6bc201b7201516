// The demo token: a SoftHSM token in the service's data folder, made on first use, for trying the service
// without a card. Its PINs are printed once, when it is made, and kept only in a file readable by its owner.
import { chmodSync, existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { SoftHsmSandbox, type SoftHsmToken } from "@open-scws/softhsm";

/** The demo token's label. */
export const DEMO_TOKEN_LABEL = "open-scws-demo";

/** The demo token and the SoftHSM configuration that holds it. */
export interface DemoToken {
  readonly token: SoftHsmToken;
  /** The value for SOFTHSM2_CONF. */
  readonly softHsmConf: string;
  /** Whether it was made just now (and its PINs should be shown). */
  readonly created: boolean;
}

/** Finds the demo token in `dataDir`, or makes it. */
export function ensureDemoToken(dataDir: string): DemoToken {
  const sandbox = SoftHsmSandbox.inFolder(join(dataDir, "softhsm"));
  const secretsFile = join(dataDir, "demo-token.json");
  if (existsSync(secretsFile)) {
    return { token: JSON.parse(readFileSync(secretsFile, "utf8")) as SoftHsmToken, softHsmConf: sandbox.confPath, created: false };
  }
  const token = sandbox.initToken(DEMO_TOKEN_LABEL);
  writeFileSync(secretsFile, `${JSON.stringify(token, null, 2)}\n`, { mode: 0o600 });
  chmodSync(secretsFile, 0o600);
  return { token, softHsmConf: sandbox.confPath, created: true };
}
