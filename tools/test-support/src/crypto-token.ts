// A token with keys made by pkcs11-tool (OpenSC), connected and logged in, for the cryptography contract tests.
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { pkcs11Tool } from "@open-scws/softhsm";
import { openssl } from "./fixtures.js";
import { startTestService, type TestService, type TestServiceOptions } from "./test-service.js";
import { connectByLabel, login } from "./token-session.js";

/** The keys pkcs11-tool makes, by label: RSA-2048 and EC P-256 pairs, an AES-256 key, and an always-authenticate EC pair. */
export const KEY_LABELS = ["rsa", "ec", "aes", "ec-always"] as const;

/** A running service with a logged-in connection to a token holding those keys. */
export interface CryptoToken {
  readonly t: TestService;
  readonly tokenId: string;
  /** The id of the object with this label and type. */
  idOf(type: "publicKey" | "privateKey" | "secretKey", label: string): Promise<string>;
  /** Writes a public key (PEM, read through the service) to a file for openssl, and returns its path. */
  publicKeyFile(label: string): Promise<string>;
  /** Writes bytes to a file in the sandbox and returns its path. */
  file(name: string, content: Uint8Array | string): string;
  /** Runs openssl in the sandbox. */
  openssl(args: readonly string[]): string;
}

/** Starts a service over a token with pkcs11-tool's keys, connects and logs in; `options` go to startTestService. */
export async function startCryptoToken(label: string, options: Pick<TestServiceOptions, "decorateHost" | "configure"> = {}): Promise<CryptoToken> {
  const t = await startTestService({ ...options, tokenLabels: [label] });
  const { pin } = t.tokens[label]!;
  const as = (...args: string[]) => pkcs11Tool(t.sandbox, ["--token-label", label, "--login", "--pin", pin, ...args]);
  as("--keypairgen", "--key-type", "rsa:2048", "--id", "01", "--label", "rsa");
  as("--keypairgen", "--key-type", "EC:prime256v1", "--id", "02", "--label", "ec");
  as("--keygen", "--key-type", "AES:32", "--id", "03", "--label", "aes");
  as("--keypairgen", "--key-type", "EC:prime256v1", "--id", "04", "--label", "ec-always", "--always-auth");
  const tokenId = await connectByLabel(t, label);
  await login(t, tokenId, pin);

  const idOf = async (type: "publicKey" | "privateKey" | "secretKey", keyLabel: string) => {
    const { data } = await t.client.GET("/v1/tokens/{tokenId}/objects", { params: { path: { tokenId }, query: { type, label: keyLabel } } });
    const id = data?.objects[0]?.id;
    if (!id) throw new Error(`no ${type} labelled ${keyLabel}`);
    return id;
  };
  const file = (name: string, content: Uint8Array | string) => {
    const path = join(t.sandbox.dir, name);
    writeFileSync(path, content);
    return path;
  };
  return {
    t,
    tokenId,
    idOf,
    file,
    openssl: (args) => openssl(t.sandbox.dir, args),
    async publicKeyFile(keyLabel) {
      const objectId = await idOf("publicKey", keyLabel);
      const { data } = await t.client.GET("/v1/tokens/{tokenId}/objects/{objectId}/value", { params: { path: { tokenId, objectId } } });
      return file(`${keyLabel}.pub.pem`, data!.value);
    },
  };
}
