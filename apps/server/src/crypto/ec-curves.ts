// Named elliptic curves: their OIDs (RFC 5480 section 2.1.1.1, SEC 2) and the names JOSE and the spec use.
import { ECParameters } from "@peculiar/asn1-ecc";
import { AsnConvert, OctetString } from "@peculiar/asn1-schema";

/** A curve the service knows by name. */
export interface NamedCurve {
  readonly name: "P-256" | "P-384" | "P-521" | "secp256k1";
  readonly oid: string;
  readonly sizeBits: number;
}

/** The curves the service names; others are reported by OID. */
export const NAMED_CURVES: readonly NamedCurve[] = [
  { name: "P-256", oid: "1.2.840.10045.3.1.7", sizeBits: 256 },
  { name: "P-384", oid: "1.3.132.0.34", sizeBits: 384 },
  { name: "P-521", oid: "1.3.132.0.35", sizeBits: 521 },
  { name: "secp256k1", oid: "1.3.132.0.10", sizeBits: 256 },
];

/** The curve an EC key's CKA_EC_PARAMS names (DER ECParameters), or its OID when unnamed here. */
export function curveOfEcParams(ecParams: Uint8Array): { oid: string; curve?: NamedCurve } | undefined {
  try {
    const parameters = AsnConvert.parse(ecParams, ECParameters);
    if (!parameters.namedCurve) return undefined;
    const oid = parameters.namedCurve;
    return { oid, curve: NAMED_CURVES.find((candidate) => candidate.oid === oid) };
  } catch {
    return undefined;
  }
}

/** The DER ECParameters naming a curve, for CKA_EC_PARAMS. */
export function ecParamsOf(curve: NamedCurve): Uint8Array {
  return new Uint8Array(AsnConvert.serialize(new ECParameters({ namedCurve: curve.oid })));
}

/** Whether bytes are an uncompressed EC point (04 || x || y) for a curve of 256, 384 or 521 bits. */
function isUncompressedPoint(value: Uint8Array): boolean {
  return value[0] === 0x04 && [65, 97, 133].includes(value.length);
}

/**
 * The uncompressed point (04 || x || y) of CKA_EC_POINT, which PKCS#11 v3.1 section 2.3.3 defines as a DER
 * OCTET STRING around the point; some modules return the bare point, which is accepted too.
 */
export function ecPointOf(value: Uint8Array): Uint8Array {
  try {
    const inner = new Uint8Array(AsnConvert.parse(value, OctetString).buffer);
    if (isUncompressedPoint(inner)) return inner;
  } catch {
    // Not DER: a bare point, checked below.
  }
  if (isUncompressedPoint(value)) return value;
  throw new Error("CKA_EC_POINT holds no uncompressed point");
}
