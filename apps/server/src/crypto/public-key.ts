// A public key's SubjectPublicKeyInfo from its PKCS#11 components, encoded by Node's crypto (via JWK), not by hand.
import { createPublicKey, type JsonWebKey } from "node:crypto";
import { curveOfEcParams, ecPointOf } from "./ec-curves.js";

/** The components PKCS#11 stores for an RSA or EC public key. */
export type PublicKeyComponents =
  | { readonly algorithm: "RSA"; readonly modulus: Uint8Array; readonly publicExponent: Uint8Array }
  | { readonly algorithm: "EC"; readonly ecParams: Uint8Array; readonly ecPoint: Uint8Array };

const base64url = (bytes: Uint8Array) => Buffer.from(bytes).toString("base64url");

function jwkOf(components: PublicKeyComponents): JsonWebKey {
  if (components.algorithm === "RSA") return { kty: "RSA", n: base64url(components.modulus), e: base64url(components.publicExponent) };
  const curve = curveOfEcParams(components.ecParams)?.curve;
  if (!curve) throw new Error("the key's curve has no name this service can export");
  const point = ecPointOf(components.ecPoint);
  const size = (point.length - 1) / 2;
  return { kty: "EC", crv: curve.name, x: base64url(point.subarray(1, 1 + size)), y: base64url(point.subarray(1 + size)) };
}

/** The DER SubjectPublicKeyInfo of a public key. */
export function spkiOf(components: PublicKeyComponents): Uint8Array {
  return new Uint8Array(createPublicKey({ key: jwkOf(components), format: "jwk" }).export({ type: "spki", format: "der" }));
}
