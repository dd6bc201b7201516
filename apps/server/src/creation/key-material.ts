// What the token needs to hold an imported private key: its PKCS#11 components (PKCS#11 v3.1 sections 2.1.4
// and 2.3.4) read from a PKCS#8 PrivateKeyInfo by Node's crypto, after checking the key is of a type the
// service imports. Key bytes live only in these objects, for the time of one import.
import { createPrivateKey, createPublicKey } from "node:crypto";
import { id_ecPublicKey } from "@peculiar/asn1-ecc";
import { PrivateKeyInfo } from "@peculiar/asn1-pkcs8";
import { AsnConvert, OctetString } from "@peculiar/asn1-schema";
import { curveOfEcParams, ecParamsOf, type NamedCurve } from "../crypto/ec-curves.js";

const ID_RSA_ENCRYPTION = "1.2.840.113549.1.1.1";

/** Names of key types the service does not import, for the error message. */
const KEY_TYPE_NAMES: Readonly<Record<string, string>> = {
  "1.2.840.10040.4.1": "DSA",
  "1.2.840.113549.1.1.10": "RSA-PSS",
  "1.3.101.110": "X25519",
  "1.3.101.111": "X448",
  "1.3.101.112": "Ed25519",
  "1.3.101.113": "Ed448",
  "1.2.840.113549.1.3.1": "Diffie-Hellman",
};

/** A private key the service can import, with its public key. */
export type KeyMaterial =
  | {
      readonly algorithm: "RSA";
      readonly sizeBits: number;
      readonly spki: Uint8Array;
      readonly modulus: Uint8Array;
      readonly publicExponent: Uint8Array;
      readonly privateExponent: Uint8Array;
      readonly prime1: Uint8Array;
      readonly prime2: Uint8Array;
      readonly exponent1: Uint8Array;
      readonly exponent2: Uint8Array;
      readonly coefficient: Uint8Array;
    }
  | {
      readonly algorithm: "EC";
      readonly curve: NamedCurve;
      readonly sizeBits: number;
      readonly spki: Uint8Array;
      readonly ecParams: Uint8Array;
      /** CKA_EC_POINT: the uncompressed point in a DER OCTET STRING. */
      readonly ecPoint: Uint8Array;
      readonly privateValue: Uint8Array;
    };

/** A key the service does not import, by type (`unsupportedType`) or because it cannot be read (`invalid`). */
export class KeyMaterialError extends Error {
  constructor(
    readonly reason: "unsupportedType" | "invalid",
    message: string,
  ) {
    super(message);
  }
}

const bytes = (base64url: string | undefined) => new Uint8Array(Buffer.from(base64url ?? "", "base64url"));

/** The components of an RSA or named-curve EC private key. Throws KeyMaterialError. */
export function keyMaterialOf(pkcs8: Uint8Array): KeyMaterial {
  let info: PrivateKeyInfo;
  try {
    info = AsnConvert.parse(pkcs8, PrivateKeyInfo);
  } catch {
    throw new KeyMaterialError("invalid", "the private key cannot be read");
  }
  const oid = info.privateKeyAlgorithm.algorithm;
  let curve: NamedCurve | undefined;
  if (oid === id_ecPublicKey) {
    const named = info.privateKeyAlgorithm.parameters ? curveOfEcParams(new Uint8Array(info.privateKeyAlgorithm.parameters)) : undefined;
    curve = named?.curve;
    if (!curve) throw new KeyMaterialError("unsupportedType", `EC keys on the curve ${named?.oid ?? "(explicit parameters)"} are not supported`);
  } else if (oid !== ID_RSA_ENCRYPTION) {
    throw new KeyMaterialError("unsupportedType", `${KEY_TYPE_NAMES[oid] ?? oid} keys are not supported; RSA and EC keys are`);
  }
  let key: ReturnType<typeof createPrivateKey>;
  try {
    key = createPrivateKey({ key: Buffer.from(pkcs8), format: "der", type: "pkcs8" });
  } catch {
    throw new KeyMaterialError("invalid", "the private key cannot be read");
  }
  const jwk = key.export({ format: "jwk" });
  const spki = new Uint8Array(createPublicKey(key).export({ type: "spki", format: "der" }));
  if (curve) {
    const point = Buffer.concat([Buffer.from([0x04]), bytes(jwk.x), bytes(jwk.y)]);
    return {
      algorithm: "EC",
      curve,
      sizeBits: curve.sizeBits,
      spki,
      ecParams: ecParamsOf(curve),
      ecPoint: new Uint8Array(AsnConvert.serialize(new OctetString(point))),
      privateValue: bytes(jwk.d),
    };
  }
  return {
    algorithm: "RSA",
    sizeBits: key.asymmetricKeyDetails?.modulusLength ?? 0,
    spki,
    modulus: bytes(jwk.n),
    publicExponent: bytes(jwk.e),
    privateExponent: bytes(jwk.d),
    prime1: bytes(jwk.p),
    prime2: bytes(jwk.q),
    exponent1: bytes(jwk.dp),
    exponent2: bytes(jwk.dq),
    coefficient: bytes(jwk.qi),
  };
}
