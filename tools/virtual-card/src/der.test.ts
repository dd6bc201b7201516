import { generateKeyPairSync, X509Certificate } from "node:crypto";
import { describe, expect, it } from "vitest";
import { KEY_USAGE, selfSignedCertificate } from "./der.js";

describe("selfSignedCertificate", () => {
  it.each(["rsa", "ec"] as const)("writes a %s certificate that verifies with its own key", (type) => {
    const { privateKey, publicKey } = type === "rsa" ? generateKeyPairSync("rsa", { modulusLength: 2048 }) : generateKeyPairSync("ec", { namedCurve: "P-256" });
    const der = selfSignedCertificate(privateKey, "PIV Authentication", KEY_USAGE.digitalSignature, Buffer.from([0x01, 0x9a]));
    const cert = new X509Certificate(der);
    expect(cert.subject).toBe("CN=PIV Authentication");
    expect(cert.serialNumber).toBe("019A");
    expect(cert.verify(publicKey)).toBe(true);
    expect(cert.validTo).toContain("2055");
  });
});
