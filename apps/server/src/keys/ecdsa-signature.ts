// ECDSA signatures in both forms: PKCS#11's raw r||s (PKCS#11 v3.1 section 6.3.1) and X.509's DER
// ECDSA-Sig-Value (RFC 5480 section 2.2 / SEC 1), converted by @peculiar/asn1-ecc.
import { ScwsError } from "@open-scws/errors";
import { ECDSASigValue } from "@peculiar/asn1-ecc";
import { AsnConvert } from "@peculiar/asn1-schema";

function unsigned(integer: ArrayBuffer, size: number): Uint8Array {
  let bytes = new Uint8Array(integer);
  while (bytes.length > size && bytes[0] === 0) bytes = bytes.subarray(1);
  if (bytes.length > size) throw new Error("integer longer than the curve");
  const padded = new Uint8Array(size);
  padded.set(bytes, size - bytes.length);
  return padded;
}

/** An unsigned big-endian integer as the content of a DER INTEGER: no leading zeros, and a 00 when the top bit is set. */
function derIntegerContent(unsignedBytes: Uint8Array): ArrayBuffer {
  let start = 0;
  while (start < unsignedBytes.length - 1 && unsignedBytes[start] === 0) start += 1;
  const trimmed = unsignedBytes.subarray(start);
  const content = new Uint8Array(trimmed.length + ((trimmed[0]! & 0x80) !== 0 ? 1 : 0));
  content.set(trimmed, content.length - trimmed.length);
  return content.buffer;
}

/** A raw r||s signature as DER. */
export function rawToDer(raw: Uint8Array): Uint8Array {
  const half = raw.length / 2;
  const value = new ECDSASigValue({ r: derIntegerContent(raw.subarray(0, half)), s: derIntegerContent(raw.subarray(half)) });
  return new Uint8Array(AsnConvert.serialize(value));
}

/** A DER signature as raw r||s, each half `size` bytes; CKR_SIGNATURE_LEN_RANGE when it is not DER or too long. */
export function derToRaw(der: Uint8Array, size: number): Uint8Array {
  try {
    const value = AsnConvert.parse(der, ECDSASigValue);
    const raw = new Uint8Array(size * 2);
    raw.set(unsigned(value.r, size), 0);
    raw.set(unsigned(value.s, size), size);
    return raw;
  } catch {
    throw new ScwsError("CKR_SIGNATURE_LEN_RANGE", {
      message: "The signature is not a DER ECDSA-Sig-Value for this key.",
      customData: { field: "/body/signature" },
    });
  }
}
