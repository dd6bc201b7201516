// BER-TLV as PIV uses it (SP 800-73-4 part 1, appendix; ISO 7816-4 §5.2): multi-byte tags, definite lengths.

/** One decoded TLV: tag as an unsigned integer (0x5FC105, 0x7C, ...), value bytes. */
export interface Tlv {
  tag: number;
  value: Buffer;
}

function tagBytes(tag: number): Buffer {
  const bytes: number[] = [];
  let rest = tag;
  do {
    bytes.unshift(rest & 0xff);
    rest = Math.floor(rest / 256);
  } while (rest > 0);
  return Buffer.from(bytes);
}

/** Encodes a BER length (short form below 128, else 81 xx / 82 xx xx). */
export function berLength(length: number): Buffer {
  if (length < 0x80) return Buffer.from([length]);
  if (length < 0x100) return Buffer.from([0x81, length]);
  if (length < 0x10000) return Buffer.from([0x82, length >> 8, length & 0xff]);
  throw new RangeError(`TLV value too long: ${length} bytes`);
}

/** Encodes one TLV; the value may be several buffers, concatenated. */
export function tlv(tag: number, ...value: Buffer[]): Buffer {
  const body = Buffer.concat(value);
  return Buffer.concat([tagBytes(tag), berLength(body.length), body]);
}

/** Decodes a sequence of TLVs; throws on truncated input so callers answer 6A 80. */
export function parseTlvs(data: Buffer): Tlv[] {
  const out: Tlv[] = [];
  let i = 0;
  while (i < data.length) {
    // Padding bytes 00/FF between objects are allowed by ISO 7816-4 §5.2.2.
    if (data[i] === 0x00 || data[i] === 0xff) {
      i++;
      continue;
    }
    let tag = data[i++]!;
    if ((tag & 0x1f) === 0x1f) {
      let next: number;
      do {
        if (i >= data.length) throw new TlvError("truncated tag");
        next = data[i++]!;
        tag = tag * 256 + next;
      } while (next & 0x80);
    }
    if (i >= data.length) throw new TlvError("missing length");
    let length = data[i++]!;
    if (length === 0x81 || length === 0x82) {
      const count = length - 0x80;
      if (i + count > data.length) throw new TlvError("truncated length");
      length = count === 1 ? data[i]! : data.readUInt16BE(i);
      i += count;
    } else if (length > 0x80) {
      throw new TlvError("unsupported length form");
    }
    if (i + length > data.length) throw new TlvError("truncated value");
    out.push({ tag, value: data.subarray(i, i + length) });
    i += length;
  }
  return out;
}

/** Returns the value of the first TLV with this tag, or undefined. */
export function findTlv(tlvs: readonly Tlv[], tag: number): Buffer | undefined {
  return tlvs.find((t) => t.tag === tag)?.value;
}

/** Thrown for malformed TLV data (answered as 6A 80, incorrect data). */
export class TlvError extends Error {}
