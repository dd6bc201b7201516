import { createSign, createVerify, generateKeyPairSync } from "node:crypto";
import { describe, expect, it } from "vitest";
import { derToRaw, rawToDer } from "./ecdsa-signature.js";

describe("ECDSA signature forms", () => {
  it.each([
    ["P-256", 32],
    ["P-384", 48],
    ["P-521", 66],
  ])("converts %s signatures both ways, as Node's crypto reads and writes them", (curve, size) => {
    const { privateKey, publicKey } = generateKeyPairSync("ec", { namedCurve: curve });
    for (let round = 0; round < 20; round += 1) {
      const message = `message ${round}`;
      const raw = createSign("sha256").update(message).sign({ key: privateKey, dsaEncoding: "ieee-p1363" });
      expect(raw.length).toBe(size * 2);
      const der = rawToDer(raw);
      expect(createVerify("sha256").update(message).verify({ key: publicKey, dsaEncoding: "der" }, der)).toBe(true);
      const nodeDer = createSign("sha256").update(message).sign(privateKey);
      const back = derToRaw(nodeDer, size);
      expect(createVerify("sha256").update(message).verify({ key: publicKey, dsaEncoding: "ieee-p1363" }, back)).toBe(true);
    }
  });

  it("answers a signature that is not DER with CKR_SIGNATURE_LEN_RANGE", () => {
    expect(() => derToRaw(Uint8Array.of(1, 2, 3), 32)).toThrow(expect.objectContaining({ code: "CKR_SIGNATURE_LEN_RANGE" }));
  });
});
