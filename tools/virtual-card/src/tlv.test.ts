import { describe, expect, it } from "vitest";
import { berLength, findTlv, parseTlvs, TlvError, tlv } from "./tlv.js";

describe("BER-TLV", () => {
  it("encodes lengths in short, 81 and 82 forms", () => {
    expect(berLength(0x7f)).toEqual(Buffer.from([0x7f]));
    expect(berLength(0x80)).toEqual(Buffer.from([0x81, 0x80]));
    expect(berLength(0x1234)).toEqual(Buffer.from([0x82, 0x12, 0x34]));
  });

  it("round-trips multi-byte tags (5F C1 05, 7F 49) and long values", () => {
    const encoded = Buffer.concat([tlv(0x5fc105, Buffer.alloc(300, 1)), tlv(0x7f49, tlv(0x86, Buffer.from([4])))]);
    const decoded = parseTlvs(encoded);
    expect(decoded.map((t) => t.tag)).toEqual([0x5fc105, 0x7f49]);
    expect(findTlv(decoded, 0x5fc105)).toHaveLength(300);
    expect(findTlv(parseTlvs(findTlv(decoded, 0x7f49)!), 0x86)).toEqual(Buffer.from([4]));
  });

  it("throws TlvError on a value longer than the data", () => {
    expect(() => parseTlvs(Buffer.from("5310aa", "hex"))).toThrow(TlvError);
    expect(() => parseTlvs(Buffer.from("5f", "hex"))).toThrow(TlvError);
  });
});
