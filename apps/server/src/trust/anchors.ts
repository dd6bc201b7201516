// Trust anchors from the configuration: PEM files, each with one or more certificates, read once at start.
import { readFileSync } from "node:fs";
import * as x509 from "../crypto/x509.js";
import { parseCertificate } from "../objects/certificate-view.js";

/** The DER certificates of the anchor files; a file that cannot be read or holds no certificate stops the start. */
export function loadTrustAnchors(paths: readonly string[]): Uint8Array[] {
  return paths.flatMap((path) => {
    let text: string;
    try {
      text = readFileSync(path, "utf8");
    } catch (error) {
      throw new Error(`trust anchor file ${path} cannot be read: ${(error as NodeJS.ErrnoException).code ?? "error"}`);
    }
    const certificates = x509.PemConverter.decodeWithHeaders(text)
      .filter((block) => block.type === "CERTIFICATE")
      .map((block) => new Uint8Array(block.rawData));
    if (certificates.length === 0) throw new Error(`trust anchor file ${path} holds no PEM certificate`);
    for (const der of certificates) {
      try {
        parseCertificate(der);
      } catch {
        throw new Error(`trust anchor file ${path} holds a certificate that cannot be parsed`);
      }
    }
    return certificates;
  });
}
