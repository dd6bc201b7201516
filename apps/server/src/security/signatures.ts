// Checks an application's signature of a challenge with its registered key: Ed25519, ECDSA (SHA-256, -384 or
// -512 by curve, as JOSE's ES256/ES384/ES512; DER or raw r||s) or RSA PKCS#1 v1.5 with SHA-256.
import { createPublicKey, type KeyObject, verify } from "node:crypto";

const EC_HASH: Readonly<Record<string, string>> = { prime256v1: "sha256", secp384r1: "sha384", secp521r1: "sha512" };
const EC_COORDINATE_BYTES: Readonly<Record<string, number>> = { prime256v1: 32, secp384r1: 48, secp521r1: 66 };

/** The text an application signs for a challenge. */
export function environmentMessage(challengeHex: string): string {
  return `open-scws-environment:${challengeHex.toLowerCase()}`;
}

/** The text the service signs for a client's challenge (mutual mode). */
export function serviceMessage(clientChallengeHex: string): string {
  return `open-scws-service:${clientChallengeHex.toLowerCase()}`;
}

/** Whether `signature` is the key's signature of `message`; a malformed signature is simply not valid. */
export function verifySignature(publicKey: KeyObject | string, message: string, signature: Uint8Array): boolean {
  const key = typeof publicKey === "string" ? createPublicKey(publicKey) : publicKey;
  const data = Buffer.from(message, "utf8");
  try {
    switch (key.asymmetricKeyType) {
      case "ed25519":
        return verify(null, data, key, signature);
      case "ec": {
        const curve = key.asymmetricKeyDetails?.namedCurve ?? "";
        const hash = EC_HASH[curve];
        if (!hash) return false;
        const raw = signature.length === 2 * (EC_COORDINATE_BYTES[curve] ?? 0);
        return verify(hash, data, { key, dsaEncoding: raw ? "ieee-p1363" : "der" }, signature);
      }
      case "rsa":
        return verify("sha256", data, key, signature);
      default:
        return false;
    }
  } catch {
    return false;
  }
}
