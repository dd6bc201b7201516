// Certificate trust as SCWS's getTrust reports it: builds the chain from a certificate to a trust anchor through
// the certificates at hand, then checks it (RFC 5280 section 6.1, without revocation, policies or name
// constraints), naming each failure as Windows' CERT_TRUST_* flags do. Parsing, extensions and signature checks
// are @peculiar/x509's; chain building is done here because X509ChainBuilder stops silently at a bad signature,
// where SCWS must say signatureInvalid rather than partialChain.
import { createHash } from "node:crypto";
import type { components } from "@open-scws/spec";
import * as x509 from "../crypto/x509.js";
import { parseCertificate } from "../objects/certificate-view.js";

type TrustFailureReason = components["schemas"]["TrustFailureReason"];

/** A certificate of the chain, and whether it is a configured trust anchor. */
export interface ChainCertificate {
  readonly der: Uint8Array;
  readonly certificate: x509.X509Certificate;
  readonly anchor: boolean;
  /** The SHA-256 of the DER, which identifies the certificate. */
  readonly fingerprint: string;
}

/** The result of a trust evaluation. */
export interface TrustEvaluation {
  /** Empty when the chain is trusted. */
  readonly reasons: TrustFailureReason[];
  /** From the certificate to the last issuer found. */
  readonly path: ChainCertificate[];
  /** OIDs of the extended key usages the chain allows the certificate. */
  readonly usages: string[];
}

/** What to evaluate. */
export interface TrustInput {
  readonly certificate: Uint8Array;
  readonly anchors: readonly Uint8Array[];
  /** Other certificates that may be intermediates: those on the token. */
  readonly others: readonly Uint8Array[];
  readonly now: Date;
}

/** Extensions whose meaning is checked here, or that change nothing about trust; any other critical one fails. */
const UNDERSTOOD_EXTENSIONS = new Set([
  "2.5.29.14", // subjectKeyIdentifier
  "2.5.29.15", // keyUsage
  "2.5.29.17", // subjectAltName
  "2.5.29.18", // issuerAltName
  "2.5.29.19", // basicConstraints
  "2.5.29.35", // authorityKeyIdentifier
  "2.5.29.37", // extKeyUsage
]);
const ANY_EXTENDED_KEY_USAGE = "2.5.29.37.0";

/** The order SCWS lists reasons in. */
const REASON_ORDER: readonly TrustFailureReason[] = [
  "notTimeValid",
  "notTimeNested",
  "signatureInvalid",
  "invalidUsage",
  "untrustedRoot",
  "cyclicChain",
  "partialChain",
  "invalidBasicConstraints",
  "notSupportedCriticalExtension",
];

function chainCertificate(der: Uint8Array, anchor: boolean): ChainCertificate {
  return { der, certificate: parseCertificate(der), anchor, fingerprint: createHash("sha256").update(der).digest("hex") };
}

const nameBytes = (name: x509.Name) => Buffer.from(name.toArrayBuffer());

function selfIssued(entry: ChainCertificate): boolean {
  return nameBytes(entry.certificate.subjectName).equals(nameBytes(entry.certificate.issuerName));
}

/** Whether `candidate` may have issued `child`: names match, and key identifiers agree where both are present. */
function mayHaveIssued(candidate: ChainCertificate, child: ChainCertificate): boolean {
  if (!nameBytes(candidate.certificate.subjectName).equals(nameBytes(child.certificate.issuerName))) return false;
  const authorityKeyId = child.certificate.getExtension(x509.AuthorityKeyIdentifierExtension)?.keyId;
  const subjectKeyId = candidate.certificate.getExtension(x509.SubjectKeyIdentifierExtension)?.keyId;
  return !authorityKeyId || !subjectKeyId || authorityKeyId.toLowerCase() === subjectKeyId.toLowerCase();
}

async function signedBy(child: ChainCertificate, issuer: ChainCertificate): Promise<boolean> {
  try {
    return await child.certificate.verify({ publicKey: issuer.certificate, signatureOnly: true });
  } catch {
    return false;
  }
}

/** Follows issuers from the certificate until an anchor, a self-issued root, a missing issuer or a loop. */
async function buildPath(start: ChainCertificate, pool: readonly ChainCertificate[], reasons: Set<TrustFailureReason>): Promise<ChainCertificate[]> {
  const path = [start];
  for (let current = start; !current.anchor; ) {
    if (selfIssued(current)) {
      if (!(await signedBy(current, current))) reasons.add("signatureInvalid");
      reasons.add("untrustedRoot");
      break;
    }
    const candidates = pool.filter((candidate) => candidate.fingerprint !== current.fingerprint && mayHaveIssued(candidate, current));
    if (candidates.length === 0) {
      reasons.add("partialChain");
      break;
    }
    let issuer: ChainCertificate | undefined;
    for (const candidate of [...candidates].sort((a, b) => Number(b.anchor) - Number(a.anchor))) {
      if (await signedBy(current, candidate)) {
        issuer = candidate;
        break;
      }
    }
    if (!issuer) {
      issuer = candidates[0]!;
      reasons.add("signatureInvalid");
    }
    if (path.some((entry) => entry.fingerprint === issuer.fingerprint)) {
      reasons.add("cyclicChain");
      break;
    }
    path.push(issuer);
    current = issuer;
  }
  return path;
}

/** Validity, nesting, CA constraints, key usage and critical extensions along the path. */
function checkPath(path: readonly ChainCertificate[], now: Date, reasons: Set<TrustFailureReason>): void {
  path.forEach((entry, index) => {
    const { certificate } = entry;
    if (now < certificate.notBefore || now > certificate.notAfter) reasons.add("notTimeValid");
    if (certificate.extensions.some((extension) => extension.critical && !UNDERSTOOD_EXTENSIONS.has(extension.type)))
      reasons.add("notSupportedCriticalExtension");
    if (index === 0) return;
    const child = path[index - 1]!.certificate;
    if (child.notBefore < certificate.notBefore || child.notAfter > certificate.notAfter) reasons.add("notTimeNested");
    const constraints = certificate.getExtension(x509.BasicConstraintsExtension);
    // A trust anchor without basicConstraints is trusted as configured (RFC 5280 section 6.1.1 (d)).
    if (constraints ? !constraints.ca : !entry.anchor) reasons.add("invalidBasicConstraints");
    const intermediatesBelow = path.slice(1, index).filter((below) => !selfIssued(below)).length;
    if (constraints?.pathLength !== undefined && intermediatesBelow > constraints.pathLength) reasons.add("invalidBasicConstraints");
    const keyUsage = certificate.getExtension(x509.KeyUsagesExtension);
    if (keyUsage && (keyUsage.usages & x509.KeyUsageFlags.keyCertSign) === 0) reasons.add("invalidUsage");
  });
}

/** The certificate's extended key usages that every issuer's own list (when it has one) allows. */
function allowedUsages(path: readonly ChainCertificate[]): string[] {
  const own = (path[0]!.certificate.getExtension(x509.ExtendedKeyUsageExtension)?.usages ?? []).map(String);
  return path.slice(1).reduce((usages, issuer) => {
    const restriction = issuer.certificate.getExtension(x509.ExtendedKeyUsageExtension)?.usages.map(String);
    if (!restriction || restriction.includes(ANY_EXTENDED_KEY_USAGE)) return usages;
    return usages.filter((usage) => restriction.includes(usage));
  }, own);
}

/** Builds and checks the certificate's chain. */
export async function evaluateTrust(input: TrustInput): Promise<TrustEvaluation> {
  const pool = new Map<string, ChainCertificate>();
  for (const der of input.anchors) {
    const entry = chainCertificate(der, true);
    pool.set(entry.fingerprint, entry);
  }
  for (const der of input.others) {
    let entry: ChainCertificate;
    try {
      entry = chainCertificate(der, false);
    } catch {
      continue; // A value on the token that is not a certificate issues nothing.
    }
    if (!pool.has(entry.fingerprint)) pool.set(entry.fingerprint, entry);
  }
  const own = chainCertificate(input.certificate, false);
  const start = pool.get(own.fingerprint)?.anchor ? { ...own, anchor: true } : own;
  const reasons = new Set<TrustFailureReason>();
  const path = await buildPath(start, [...pool.values()], reasons);
  checkPath(path, input.now, reasons);
  return { reasons: REASON_ORDER.filter((reason) => reasons.has(reason)), path, usages: allowedUsages(path) };
}
