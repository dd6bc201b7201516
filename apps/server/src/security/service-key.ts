// The service's own Ed25519 key, which signs clients' challenges in mutual mode so that an application can
// tell the genuine service from an impostor listening on the port. Made on first start when not configured.
import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, type KeyObject, sign } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import { serviceMessage } from "./signatures.js";

/** The service key. */
export interface ServiceKey {
  /** Names the key: the first 16 hex digits of the SHA-256 of its SubjectPublicKeyInfo. */
  readonly keyId: string;
  readonly publicKeyPem: string;
  /** The service's proof for a client's challenge. */
  prove(clientChallengeHex: string): { cryptogram: string; keyId: string; algorithm: "Ed25519" };
}

function serviceKeyOf(privateKey: KeyObject): ServiceKey {
  const publicKey = createPublicKey(privateKey);
  if (publicKey.asymmetricKeyType !== "ed25519") throw new Error("the service key must be an Ed25519 key");
  const spki = publicKey.export({ type: "spki", format: "der" });
  const keyId = createHash("sha256").update(spki).digest("hex").slice(0, 16);
  return {
    keyId,
    publicKeyPem: publicKey.export({ type: "spki", format: "pem" }) as string,
    prove(clientChallengeHex) {
      const cryptogram = sign(null, Buffer.from(serviceMessage(clientChallengeHex), "utf8"), privateKey).toString("hex");
      return { cryptogram, keyId, algorithm: "Ed25519" };
    },
  };
}

/** Loads the service key from `file`, making it (readable by the owner only) when the file does not exist. */
export function loadOrCreateServiceKey(file: string): ServiceKey {
  if (!existsSync(file)) {
    const { privateKey } = generateKeyPairSync("ed25519");
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, privateKey.export({ type: "pkcs8", format: "pem" }), { mode: 0o600 });
  }
  return serviceKeyOf(createPrivateKey(readFileSync(file)));
}
