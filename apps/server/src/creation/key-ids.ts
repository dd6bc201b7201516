// Key identities: the ckId a key pair gets when the caller names none, and whether two public keys are the same.
import { createHash, createPublicKey } from "node:crypto";
import { AsnConvert } from "@peculiar/asn1-schema";
import { SubjectPublicKeyInfo } from "@peculiar/asn1-x509";

/**
 * The SHA-1 of the subjectPublicKey bits of a SubjectPublicKeyInfo: what RFC 5280 section 4.2.1.2 (method 1)
 * makes a certificate's subject key identifier, so that keys, certificates and CAs' records agree on it.
 */
export function keyIdOf(spki: Uint8Array): Uint8Array {
  const info = AsnConvert.parse(spki, SubjectPublicKeyInfo);
  return new Uint8Array(createHash("sha1").update(new Uint8Array(info.subjectPublicKey)).digest());
}

/** A public key's identity: its JWK's key members, so that encodings (RSA-PSS OIDs, parameters) do not matter. */
function identityOf(spki: Uint8Array): string | undefined {
  try {
    const { kty, n, e, crv, x, y } = createPublicKey({ key: Buffer.from(spki), format: "der", type: "spki" }).export({ format: "jwk" });
    return JSON.stringify([kty, n, e, crv, x, y]);
  } catch {
    return undefined;
  }
}

/** Whether two SubjectPublicKeyInfo hold the same public key. */
export function samePublicKey(a: Uint8Array, b: Uint8Array): boolean {
  const identity = identityOf(a);
  return identity !== undefined && identity === identityOf(b);
}
