import { createPublicKey, generateKeyPairSync, sign, X509Certificate } from "node:crypto";
import { describe, expect, it } from "vitest";
import { derOfPem, selfSignedCertificate } from "./page/self-signed.js";

// The page's certificate builder, checked by Node's X.509 parser with a key Node made, the way the page signs with
// the token's key: ECDSA-SHA256 in DER over the bytes it is given.

describe("the demo page's self-signed certificate", () => {
  const { privateKey, publicKey } = generateKeyPairSync("ec", { namedCurve: "P-256" });
  const publicKeyPem = publicKey.export({ type: "spki", format: "pem" }).toString();
  const build = (options: { commonName?: string; now?: Date } = {}) =>
    selfSignedCertificate({
      publicKeyDer: derOfPem(publicKeyPem),
      commonName: options.commonName ?? "open SCWS demo",
      now: options.now ?? new Date("2026-11-29T12:00:00Z"),
      sign: async (tbs: Uint8Array) => sign("sha256", tbs, privateKey),
    });

  it("parses as X.509 with the subject as issuer, one year of validity and the key it was given, and verifies with it", async () => {
    const certificate = new X509Certificate(Buffer.from(await build()));
    expect(certificate.subject).toBe("CN=open SCWS demo");
    expect(certificate.issuer).toBe(certificate.subject);
    expect(new Date(certificate.validFrom).toISOString()).toBe("2026-11-29T12:00:00.000Z");
    expect(new Date(certificate.validTo).toISOString()).toBe("2027-11-29T12:00:00.000Z");
    expect(certificate.publicKey.export({ type: "spki", format: "pem" })).toBe(publicKeyPem);
    expect(certificate.verify(createPublicKey(publicKeyPem))).toBe(true);
    expect(certificate.ca).toBe(false);
  });

  it("encodes a long subject (long-form lengths), text beyond ASCII, and dates after 2049 as GeneralizedTime", async () => {
    const long = `Demo ${"é".repeat(120)}`;
    const certificate = new X509Certificate(Buffer.from(await build({ commonName: long, now: new Date("2049-06-01T00:00:00Z") })));
    expect(certificate.subject).toBe(`CN=${long}`);
    expect(new Date(certificate.validTo).getUTCFullYear()).toBe(2050);
    expect(certificate.verify(createPublicKey(publicKeyPem))).toBe(true);
  });
});
