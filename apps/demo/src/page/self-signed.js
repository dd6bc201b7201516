// A self-signed X.509 v3 certificate (RFC 5280) for an EC P-256 key on the token: the page encodes the
// TBSCertificate in DER (X.690), the token signs it through the service (ECDSA with SHA-256, DER signature), and
// the page wraps the two. It shows that the API is enough to make a certificate without any key leaving the token.

const ECDSA_WITH_SHA256 = "1.2.840.10045.4.3.2";
const COMMON_NAME = "2.5.4.3";
const BASIC_CONSTRAINTS = "2.5.29.19";
const KEY_USAGE = "2.5.29.15";
const DAY_MS = 86_400_000;

function concat(parts) {
  const out = new Uint8Array(parts.reduce((sum, part) => sum + part.length, 0));
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}

/** A DER length: short form below 128, else the long form (X.690 section 8.1.3). */
function lengthOf(n) {
  if (n < 0x80) return [n];
  const bytes = [];
  for (let rest = n; rest > 0; rest = Math.floor(rest / 256)) bytes.unshift(rest % 256);
  return [0x80 | bytes.length, ...bytes];
}

function tlv(tag, ...contents) {
  const body = concat(contents);
  return concat([new Uint8Array([tag, ...lengthOf(body.length)]), body]);
}

const sequence = (...contents) => tlv(0x30, ...contents);
const set = (...contents) => tlv(0x31, ...contents);
const explicit = (number, ...contents) => tlv(0xa0 + number, ...contents);
const octets = (...contents) => tlv(0x04, ...contents);
const boolean = (value) => tlv(0x01, new Uint8Array([value ? 0xff : 0x00]));
const ascii = (text) => new Uint8Array([...text].map((character) => character.charCodeAt(0)));

function oid(dotted) {
  const [first, second, ...rest] = dotted.split(".").map(Number);
  const bytes = [40 * first + second];
  for (const arc of rest) {
    const chunk = [arc % 128];
    for (let high = Math.floor(arc / 128); high > 0; high = Math.floor(high / 128)) chunk.unshift(0x80 | (high % 128));
    bytes.push(...chunk);
  }
  return tlv(0x06, new Uint8Array(bytes));
}

/** A non-negative INTEGER from big-endian bytes: leading zeros dropped, one added when the top bit is set. */
function unsigned(bytes) {
  let start = 0;
  while (start < bytes.length - 1 && bytes[start] === 0) start += 1;
  const trimmed = bytes.subarray(start);
  return tlv(0x02, trimmed[0] & 0x80 ? concat([new Uint8Array([0]), trimmed]) : trimmed);
}

/** UTCTime through 2049, GeneralizedTime after, as RFC 5280 section 4.1.2.5 requires. */
function time(date) {
  const digits = `${date.toISOString().slice(0, 19).replace(/[-:T]/g, "")}Z`;
  return date.getUTCFullYear() < 2050 ? tlv(0x17, ascii(digits.slice(2))) : tlv(0x18, ascii(digits));
}

const name = (commonName) => sequence(set(sequence(oid(COMMON_NAME), tlv(0x0c, new TextEncoder().encode(commonName)))));

/** The DER bytes of a PEM block (a public key or a certificate). */
export function derOfPem(pem) {
  const base64 = pem.replace(/-----(BEGIN|END) [A-Z ]+-----/g, "").replace(/\s+/g, "");
  return Uint8Array.from(atob(base64), (character) => character.charCodeAt(0));
}

/**
 * Builds a self-signed end-entity certificate for digital signatures; `sign(tbs)` must return the ECDSA-SHA256
 * signature of its argument in DER, as `privateKey.hashAndSign(tbs, "sha256", { signatureFormat: "der" })` does.
 * @param {{ publicKeyDer: Uint8Array, commonName: string, sign: (tbs: Uint8Array) => Promise<ArrayBuffer | Uint8Array>, days?: number, now?: Date }} options
 * @returns {Promise<Uint8Array>} the certificate, DER
 */
export async function selfSignedCertificate({ publicKeyDer, commonName, sign, days = 365, now = new Date() }) {
  const algorithm = sequence(oid(ECDSA_WITH_SHA256));
  const serial = crypto.getRandomValues(new Uint8Array(16));
  serial[0] = (serial[0] & 0x7f) | 0x01; // positive and never zero (RFC 5280 section 4.1.2.2)
  const validity = sequence(time(now), time(new Date(now.getTime() + days * DAY_MS)));
  const extensions = explicit(
    3,
    sequence(
      sequence(oid(BASIC_CONSTRAINTS), boolean(true), octets(sequence())),
      // digitalSignature only: a BIT STRING of one byte with 7 unused bits.
      sequence(oid(KEY_USAGE), boolean(true), octets(tlv(0x03, new Uint8Array([0x07, 0x80])))),
    ),
  );
  const version = explicit(0, unsigned(new Uint8Array([2])));
  const tbs = sequence(version, unsigned(serial), algorithm, name(commonName), validity, name(commonName), publicKeyDer, extensions);
  const signature = new Uint8Array(await sign(tbs));
  return sequence(tbs, algorithm, tlv(0x03, new Uint8Array([0]), signature));
}
