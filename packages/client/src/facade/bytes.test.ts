import { Buffer } from "node:buffer";
import { describe, expect, it } from "vitest";
import { bytesOf, bytesOrHexOf, fromBase64, toBase64 } from "./bytes.js";

// The facade's binary conversions, checked against Node's Buffer, which the browser bundle cannot use.

describe("binary values", () => {
  it("encodes bytes as base64 as Node does, beyond one chunk of String.fromCharCode", () => {
    const bytes = new Uint8Array(100_000).map((_, i) => (i * 7) % 256);
    expect(toBase64(bytes)).toBe(Buffer.from(bytes).toString("base64"));
    expect(toBase64(new Uint8Array())).toBe("");
  });

  it("decodes base64 into a fresh ArrayBuffer", () => {
    const decoded = fromBase64(Buffer.from("open SCWS").toString("base64"));
    expect(decoded).toBeInstanceOf(ArrayBuffer);
    expect(new TextDecoder().decode(decoded)).toBe("open SCWS");
  });

  it("reports base64 the service should not have sent as MWR_SCWS_COMM_ERROR", () => {
    expect(() => fromBase64("not*base64")).toThrow(expect.objectContaining({ code: "MWR_SCWS_COMM_ERROR" }));
  });

  it("reads only the viewed part of a typed array", () => {
    const whole = new Uint8Array([1, 2, 3, 4, 5]);
    expect([...bytesOf("data", whole.subarray(1, 3))]).toEqual([2, 3]);
    expect([...bytesOf("data", new DataView(whole.buffer, 3))]).toEqual([4, 5]);
    expect([...bytesOf("data", new Uint16Array([0x0102]))]).toHaveLength(2);
  });

  it("reads hex in either case where hex is allowed, and refuses it where a string could be text", () => {
    expect([...bytesOrHexOf("hash", "0aFf")]).toEqual([10, 255]);
    expect(() => bytesOrHexOf("hash", "0g")).toThrow(
      expect.objectContaining({ code: "MWR_SCWS_BAD_PARAMS", customData: expect.objectContaining({ field: "hash" }) }),
    );
    expect(() => bytesOf("data", "0a")).toThrow(
      expect.objectContaining({ customData: expect.objectContaining({ reason: expect.stringContaining("TextEncoder") }) }),
    );
    expect(() => bytesOrHexOf("signature", [1, 2])).toThrow(expect.objectContaining({ code: "MWR_SCWS_BAD_PARAMS" }));
  });
});
