import { generateKeyPairSync, sign } from "node:crypto";
import { describe, expect, it } from "vitest";
import { environmentMessage, verifySignature } from "./signatures.js";

const message = environmentMessage("AB01");

describe("checking an application's signature of a challenge", () => {
  it("signs the lower-cased challenge after a fixed prefix", () => {
    expect(message).toBe("open-scws-environment:ab01");
  });

  it.each([
    ["Ed25519", () => generateKeyPairSync("ed25519"), null, undefined],
    ["EC P-256, DER", () => generateKeyPairSync("ec", { namedCurve: "P-256" }), "sha256", "der"],
    ["EC P-256, raw r||s", () => generateKeyPairSync("ec", { namedCurve: "P-256" }), "sha256", "ieee-p1363"],
    ["EC P-384", () => generateKeyPairSync("ec", { namedCurve: "P-384" }), "sha384", "der"],
    ["EC P-521, raw", () => generateKeyPairSync("ec", { namedCurve: "P-521" }), "sha512", "ieee-p1363"],
    ["RSA-2048", () => generateKeyPairSync("rsa", { modulusLength: 2048 }), "sha256", undefined],
  ] as const)("accepts a right %s signature and refuses a wrong one", (_name, make, hash, encoding) => {
    const { privateKey, publicKey } = make();
    const key = encoding ? { key: privateKey, dsaEncoding: encoding } : privateKey;
    const signature = sign(hash, Buffer.from(message), key);
    expect(verifySignature(publicKey, message, signature)).toBe(true);
    expect(verifySignature(publicKey, environmentMessage("ab02"), signature)).toBe(false);
    const other = make().publicKey;
    expect(verifySignature(other, message, signature)).toBe(false);
  });

  it("refuses garbage and a P-256 signature made with the wrong hash", () => {
    const { privateKey, publicKey } = generateKeyPairSync("ec", { namedCurve: "P-256" });
    expect(verifySignature(publicKey, message, Uint8Array.of(1, 2, 3))).toBe(false);
    expect(verifySignature(publicKey, message, sign("sha512", Buffer.from(message), privateKey))).toBe(false);
  });
});
