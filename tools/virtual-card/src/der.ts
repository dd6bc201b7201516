// Just enough DER (X.690) to write a self-signed X.509 certificate (RFC 5280 §4.1) for a card slot.
import { createPublicKey, type KeyObject, sign } from "node:crypto";
import { tlv } from "./tlv.js";

function oid(dotted: string): Buffer {
  const parts = dotted.split(".").map(Number);
  const bytes = [40 * parts[0]! + parts[1]!];
  for (const part of parts.slice(2)) {
    const chunk = [part & 0x7f];
    for (let rest = Math.floor(part / 128); rest > 0; rest = Math.floor(rest / 128)) chunk.unshift((rest & 0x7f) | 0x80);
    bytes.push(...chunk);
  }
  return tlv(0x06, Buffer.from(bytes));
}

const sequence = (...items: Buffer[]) => tlv(0x30, ...items);
const integer = (bytes: Buffer) => tlv(0x02, bytes[0]! & 0x80 ? Buffer.concat([Buffer.from([0]), bytes]) : bytes);
const utcTime = (date: Date) => tlv(0x17, Buffer.from(`${date.toISOString().slice(2, 19).replace(/[-:T]/g, "")}Z`));
const generalizedTime = (date: Date) => tlv(0x18, Buffer.from(`${date.toISOString().slice(0, 19).replace(/[-:T]/g, "")}Z`));
const name = (commonName: string) => sequence(tlv(0x31, sequence(oid("2.5.4.3"), tlv(0x0c, Buffer.from(commonName, "utf8")))));

/** Key usage bits (RFC 5280 §4.2.1.3) by name, as the card's slots use them. */
export const KEY_USAGE = { digitalSignature: 0x80, nonRepudiation: 0x40, keyEncipherment: 0x20, keyAgreement: 0x08 } as const;

/** Writes a self-signed certificate (DER) for `privateKey`, with `keyUsage` as a critical extension. */
export function selfSignedCertificate(privateKey: KeyObject, commonName: string, keyUsage: number, serial: Buffer): Buffer {
  const isRsa = privateKey.asymmetricKeyType === "rsa";
  const algorithm = isRsa ? sequence(oid("1.2.840.113549.1.1.11"), Buffer.from([0x05, 0x00])) : sequence(oid("1.2.840.10045.4.3.2"));
  const spki = createPublicKey(privateKey).export({ type: "spki", format: "der" });
  const notBefore = new Date(Date.UTC(2025, 0, 1));
  const notAfter = new Date(Date.UTC(2055, 0, 1));
  const usage = tlv(0x03, Buffer.from([0x00, keyUsage]));
  const extensions = tlv(0xa3, sequence(sequence(oid("2.5.29.15"), Buffer.from([0x01, 0x01, 0xff]), tlv(0x04, usage))));
  const tbs = sequence(
    tlv(0xa0, integer(Buffer.from([2]))),
    integer(serial),
    algorithm,
    name(commonName),
    sequence(utcTime(notBefore), generalizedTime(notAfter)),
    name(commonName),
    spki,
    extensions,
  );
  return sequence(tbs, algorithm, tlv(0x03, Buffer.from([0]), sign("sha256", tbs, privateKey)));
}
