import { createHash, generateKeyPairSync, verify } from "node:crypto";
import { describe, expect, it } from "vitest";
import { signHashP256 } from "./ecdsa.js";

describe("signHashP256", () => {
  it("produces a DER ECDSA signature over the given SHA-256 hash that Node verifies", () => {
    const { privateKey, publicKey } = generateKeyPairSync("ec", { namedCurve: "P-256" });
    const message = Buffer.from("a message for the card");
    const hash = createHash("sha256").update(message).digest();
    const signature = signHashP256(privateKey, hash);
    expect(verify("sha256", message, publicKey, signature)).toBe(true);
    expect(verify("sha256", Buffer.from("another message"), publicKey, signature)).toBe(false);
  });

  it("truncates a SHA-384 hash to its leftmost 256 bits", () => {
    const { privateKey, publicKey } = generateKeyPairSync("ec", { namedCurve: "P-256" });
    const message = Buffer.from("long hash");
    const signature = signHashP256(privateKey, createHash("sha384").update(message).digest());
    expect(verify("sha384", message, publicKey, signature)).toBe(true);
  });
});
