import { describe, expect, it } from "vitest";
import { readBool, readText, readUlong, toHex } from "./attribute-codec.js";

describe("attribute decoding", () => {
  it.each([
    [Uint8Array.of(1), true],
    [Uint8Array.of(0), false],
    [Uint8Array.of(), undefined],
    [null, undefined],
  ])("reads CK_BBOOL %j as %s", (bytes, expected) => expect(readBool(bytes)).toBe(expected));

  it.each([
    [Uint8Array.of(3, 0, 0, 0, 0, 0, 0, 0), 3],
    [Uint8Array.of(0x1f, 0x01, 0, 0), 0x11f],
    [Uint8Array.of(1, 2, 3), undefined],
  ])("reads CK_ULONG %j as %s", (bytes, expected) => expect(readUlong(bytes)).toBe(expected));

  it("reads a CK_ULONG from a view into a larger buffer", () => {
    const backing = Uint8Array.of(9, 9, 2, 0, 0, 0, 0, 0, 0, 0);
    expect(readUlong(backing.subarray(2))).toBe(2);
  });

  it("reads UTF-8 text and hex", () => {
    expect(readText(new TextEncoder().encode("clé"))).toBe("clé");
    expect(toHex(Uint8Array.of(0xab, 0x01))).toBe("ab01");
  });
});
