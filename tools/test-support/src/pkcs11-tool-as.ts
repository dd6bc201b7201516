// pkcs11-tool, an independent PKCS#11 client, logged in to one of a test service's tokens with its user PIN.
import { pkcs11ToolAsUser } from "@open-scws/softhsm";
import type { TestService } from "./test-service.js";

/** Runs `pkcs11-tool --token-label <label> --login --pin <its PIN> ...args` and returns its output. */
export function pkcs11ToolAs(t: Pick<TestService, "sandbox" | "tokens">, label: string, ...args: string[]): string {
  const token = t.tokens[label];
  if (!token) throw new Error(`the test service has no token labelled ${label}`);
  return pkcs11ToolAsUser(t.sandbox, token, args);
}
