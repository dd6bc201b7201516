// Runs OpenSC's pkcs11-tool, an independent PKCS#11 client, against a sandbox's tokens.
import { execFileSync } from "node:child_process";
import { type SoftHsmSandbox, type SoftHsmToken, softHsmModule } from "./sandbox.js";

/** Runs `pkcs11-tool --module <module> ...args` with the sandbox's environment and returns its output. */
export function pkcs11Tool(sandbox: SoftHsmSandbox, args: readonly string[], module = softHsmModule): string {
  return execFileSync("pkcs11-tool", ["--module", module, ...args], {
    env: { ...process.env, ...sandbox.env },
    encoding: "utf8",
    stdio: ["ignore", "pipe", "pipe"],
  });
}

/** Runs `pkcs11-tool --token-label <label> --login --pin <its user PIN> ...args` on one of the sandbox's tokens. */
export function pkcs11ToolAsUser(sandbox: SoftHsmSandbox, token: Pick<SoftHsmToken, "label" | "pin">, args: readonly string[]): string {
  return pkcs11Tool(sandbox, ["--token-label", token.label, "--login", "--pin", token.pin, ...args]);
}
