// What the service shows of an X.509 certificate, parsed with @peculiar/x509.
import { createHash, createPublicKey } from "node:crypto";
import type { components } from "@open-scws/spec";
import * as x509 from "../crypto/x509.js";

type CertificateDetails = components["schemas"]["CertificateDetails"];
type KeyUsageName = CertificateDetails["keyUsage"][number];
type KeyAlgorithm = components["schemas"]["KeyAlgorithm"];
type ExtendedKeyUsage = components["schemas"]["ExtendedKeyUsage"];

/** Names of common extended key usages (RFC 5280 section 4.2.1.12, RFC 3161, Microsoft). */
const EXTENDED_KEY_USAGES: Readonly<Record<string, [string, string]>> = {
  "1.3.6.1.5.5.7.3.1": ["serverAuth", "TLS Web Server Authentication"],
  "1.3.6.1.5.5.7.3.2": ["clientAuth", "TLS Web Client Authentication"],
  "1.3.6.1.5.5.7.3.3": ["codeSigning", "Code Signing"],
  "1.3.6.1.5.5.7.3.4": ["emailProtection", "E-mail Protection"],
  "1.3.6.1.5.5.7.3.8": ["timeStamping", "Time Stamping"],
  "1.3.6.1.5.5.7.3.9": ["OCSPSigning", "OCSP Signing"],
  "1.3.6.1.4.1.311.20.2.2": ["msSmartcardLogin", "Microsoft Smartcard Login"],
  "1.3.6.1.4.1.311.10.3.12": ["msDocumentSigning", "Microsoft Document Signing"],
  "2.5.29.37.0": ["anyExtendedKeyUsage", "Any Extended Key Usage"],
};

const KEY_USAGE_BITS: ReadonlyArray<[number, KeyUsageName]> = [
  [x509.KeyUsageFlags.digitalSignature, "digitalSignature"],
  [x509.KeyUsageFlags.nonRepudiation, "nonRepudiation"],
  [x509.KeyUsageFlags.keyEncipherment, "keyEncipherment"],
  [x509.KeyUsageFlags.dataEncipherment, "dataEncipherment"],
  [x509.KeyUsageFlags.keyAgreement, "keyAgreement"],
  [x509.KeyUsageFlags.keyCertSign, "keyCertSign"],
  [x509.KeyUsageFlags.cRLSign, "cRLSign"],
  [x509.KeyUsageFlags.encipherOnly, "encipherOnly"],
  [x509.KeyUsageFlags.decipherOnly, "decipherOnly"],
];

/** An extended key usage with SCWS's `{oid, shortName, longName}`; the OID stands in for unknown names. */
export function extendedKeyUsageOf(oid: string): ExtendedKeyUsage {
  const [shortName, longName] = EXTENDED_KEY_USAGES[oid] ?? [oid, oid];
  return { oid, shortName, longName };
}

/** Parses a DER certificate. */
export function parseCertificate(der: Uint8Array): x509.X509Certificate {
  return new x509.X509Certificate(new Uint8Array(der));
}

/** Whether subject and issuer are the same name (a self-issued certificate, SCWS's `root`). */
export function isSelfIssued(certificate: x509.X509Certificate): boolean {
  return Buffer.from(certificate.subjectName.toArrayBuffer()).equals(Buffer.from(certificate.issuerName.toArrayBuffer()));
}

function publicKeyOf(certificate: x509.X509Certificate): { algorithm: KeyAlgorithm; sizeBits?: number } {
  const key = createPublicKey({ key: Buffer.from(certificate.publicKey.rawData), format: "der", type: "spki" });
  const details = key.asymmetricKeyDetails ?? {};
  switch (key.asymmetricKeyType) {
    case "rsa":
    case "rsa-pss":
      return { algorithm: "RSA", sizeBits: details.modulusLength };
    case "ec": {
      const bits: Record<string, number> = { prime256v1: 256, secp384r1: 384, secp521r1: 521, secp256k1: 256 };
      return { algorithm: "ECDSA", sizeBits: bits[details.namedCurve ?? ""] };
    }
    case "ed25519":
      return { algorithm: "EdDSA", sizeBits: 256 };
    default:
      return { algorithm: "OTHER" };
  }
}

/** The certificate's details, without the ids of matching keys (which depend on the token). */
export function certificateDetailsOf(der: Uint8Array, now = new Date()): CertificateDetails {
  const certificate = parseCertificate(der);
  const keyUsage = certificate.getExtension(x509.KeyUsagesExtension)?.usages ?? 0;
  const extended = certificate.getExtension(x509.ExtendedKeyUsageExtension)?.usages ?? [];
  const alternativeNames = certificate.getExtension(x509.SubjectAlternativeNameExtension)?.names.toJSON() ?? [];
  const { algorithm, sizeBits } = publicKeyOf(certificate);
  const details: CertificateDetails = {
    subject: certificate.subject,
    issuer: certificate.issuer,
    serialNumber: certificate.serialNumber.toLowerCase(),
    notBefore: certificate.notBefore.toISOString(),
    notAfter: certificate.notAfter.toISOString(),
    validity: now < certificate.notBefore ? "notYetValid" : now > certificate.notAfter ? "expired" : "valid",
    keyUsage: KEY_USAGE_BITS.filter(([bit]) => (keyUsage & bit) !== 0).map(([, name]) => name),
    extendedKeyUsage: extended.map((usage) => extendedKeyUsageOf(String(usage))),
    root: isSelfIssued(certificate),
    ca: certificate.getExtension(x509.BasicConstraintsExtension)?.ca ?? false,
    sha256Fingerprint: createHash("sha256").update(der).digest("hex"),
    publicKeyAlgorithm: algorithm,
  };
  if (sizeBits !== undefined) details.publicKeySizeBits = sizeBits;
  if (alternativeNames.length > 0) details.subjectAlternativeNames = alternativeNames.map((name) => `${name.type}:${name.value}`);
  return details;
}
