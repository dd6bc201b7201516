import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { issueCertificate, makeKey, makeRootCa, type OpensslCredential, openssl, tamperedCertificate } from "@open-scws/test-support";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { evaluateTrust } from "./chain.js";

describe("evaluateTrust on chains made with openssl", () => {
  let dir: string;
  const der = (credential: OpensslCredential) => {
    const out = join(dir, `der-${Math.random().toString(16).slice(2)}.der`);
    openssl(dir, ["x509", "-in", credential.certificatePath, "-outform", "DER", "-out", out]);
    return new Uint8Array(readFileSync(out));
  };
  let root: OpensslCredential;
  let intermediate: OpensslCredential;
  let leaf: OpensslCredential;
  // The time of each check: certificates made during a test start at the current second.
  let now = new Date();
  const subjects = (path: { certificate: { subject: string } }[]) => path.map((entry) => entry.certificate.subject);

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), "scws-chain-"));
    root = makeRootCa(dir, "root", "/CN=Unit Root/O=Example");
    intermediate = issueCertificate(dir, root, "intermediate", "/CN=Unit Issuing CA/O=Example", { ca: true });
    leaf = issueCertificate(dir, intermediate, "leaf", "/CN=Unit Leaf/O=Example");
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  // Evaluated an hour ahead: a certificate a test makes takes its notBefore from openssl's clock, seconds after the
  // test began on a loaded machine, and must already be valid when the test evaluates it.
  beforeEach(() => {
    now = new Date(Date.now() + 3_600_000);
  });

  it("trusts a chain to a configured anchor, and gives the leaf's extended key usages", async () => {
    const result = await evaluateTrust({ certificate: der(leaf), anchors: [der(root)], others: [der(intermediate)], now });
    expect(result.reasons).toEqual([]);
    expect(subjects(result.path)).toEqual(["CN=Unit Leaf, O=Example", "CN=Unit Issuing CA, O=Example", "CN=Unit Root, O=Example"]);
    expect(result.path.map((entry) => entry.anchor)).toEqual([false, false, true]);
    expect(result.usages).toEqual(["1.3.6.1.5.5.7.3.2", "1.3.6.1.5.5.7.3.4"]);
  });

  it("trusts an intermediate configured as the anchor, without its root", async () => {
    const result = await evaluateTrust({ certificate: der(leaf), anchors: [der(intermediate)], others: [], now });
    expect(result.reasons).toEqual([]);
    expect(result.path).toHaveLength(2);
  });

  it("answers untrustedRoot when the chain ends in a root that is not an anchor", async () => {
    const result = await evaluateTrust({ certificate: der(leaf), anchors: [], others: [der(intermediate), der(root)], now });
    expect(result.reasons).toEqual(["untrustedRoot"]);
    expect(result.path).toHaveLength(3);
  });

  it("answers partialChain when an issuer is nowhere", async () => {
    const result = await evaluateTrust({ certificate: der(leaf), anchors: [der(root)], others: [], now });
    expect(result.reasons).toEqual(["partialChain"]);
    expect(subjects(result.path)).toEqual(["CN=Unit Leaf, O=Example"]);
  });

  it("answers notTimeValid, alone, once the leaf has expired inside its issuers' validity", async () => {
    const later = new Date(now.getTime() + 400 * 86_400_000);
    const result = await evaluateTrust({ certificate: der(leaf), anchors: [der(root)], others: [der(intermediate)], now: later });
    expect(result.reasons).toEqual(["notTimeValid"]);
  });

  it("answers notTimeValid and notTimeNested for a leaf that expired before its issuer existed", async () => {
    const expired = issueCertificate(dir, intermediate, "expired", "/CN=Unit Expired/O=Example", {
      validity: { start: "20200101000000Z", end: "20200201000000Z" },
    });
    const result = await evaluateTrust({ certificate: der(expired), anchors: [der(root)], others: [der(intermediate)], now });
    expect(result.reasons).toEqual(["notTimeValid", "notTimeNested"]);
  });

  it("answers signatureInvalid for a certificate whose signature was damaged, and still shows the chain", async () => {
    const result = await evaluateTrust({
      certificate: der(tamperedCertificate(dir, leaf, "tampered")),
      anchors: [der(root)],
      others: [der(intermediate)],
      now,
    });
    expect(result.reasons).toEqual(["signatureInvalid"]);
    expect(result.path).toHaveLength(3);
  });

  it("answers invalidBasicConstraints and invalidUsage for a certificate issued by an end entity", async () => {
    const byLeaf = issueCertificate(dir, leaf, "by-leaf", "/CN=Issued By A Leaf/O=Example", { days: 100 });
    const result = await evaluateTrust({ certificate: der(byLeaf), anchors: [der(root)], others: [der(intermediate), der(leaf)], now });
    expect(result.reasons).toEqual(["invalidUsage", "invalidBasicConstraints"]);
  });

  it("answers invalidBasicConstraints when a path length constraint is exceeded", async () => {
    const constrained = makeRootCa(dir, "pathlen-root", "/CN=Pathlen Root/O=Example", undefined, ["basicConstraints=critical,CA:TRUE,pathlen:0"]);
    const first = issueCertificate(dir, constrained, "pathlen-first", "/CN=Pathlen First CA/O=Example", { ca: true });
    const end = issueCertificate(dir, first, "pathlen-leaf", "/CN=Pathlen Leaf/O=Example");
    // pathlen:0 on the root allows no CA between it and the leaf: one is already too many.
    expect((await evaluateTrust({ certificate: der(end), anchors: [der(constrained)], others: [der(first)], now })).reasons).toEqual([
      "invalidBasicConstraints",
    ]);
    const second = issueCertificate(dir, first, "pathlen-second", "/CN=Pathlen Second CA/O=Example", { ca: true, days: 1000 });
    const deep = issueCertificate(dir, second, "pathlen-deep", "/CN=Pathlen Deep/O=Example");
    expect((await evaluateTrust({ certificate: der(deep), anchors: [der(constrained)], others: [der(first), der(second)], now })).reasons).toEqual([
      "invalidBasicConstraints",
    ]);
  });

  it("answers invalidUsage for a CA whose key usage does not allow certificate signing", async () => {
    const noCertSign = issueCertificate(dir, root, "no-certsign", "/CN=No CertSign CA/O=Example", {
      ca: true,
      extensions: ["keyUsage=critical,digitalSignature"],
    });
    const end = issueCertificate(dir, noCertSign, "no-certsign-leaf", "/CN=No CertSign Leaf/O=Example");
    expect((await evaluateTrust({ certificate: der(end), anchors: [der(root)], others: [der(noCertSign)], now })).reasons).toEqual(["invalidUsage"]);
  });

  it("answers notSupportedCriticalExtension for a critical extension it does not process", async () => {
    const odd = issueCertificate(dir, intermediate, "critical", "/CN=Unit Critical/O=Example", {
      extensions: ["1.3.6.1.4.1.55555.1=critical,ASN1:UTF8String:x"],
    });
    const result = await evaluateTrust({ certificate: der(odd), anchors: [der(root)], others: [der(intermediate)], now });
    expect(result.reasons).toEqual(["notSupportedCriticalExtension"]);
  });

  it("keeps only the extended key usages an issuer allows", async () => {
    const clientOnly = issueCertificate(dir, root, "client-ca", "/CN=Client Only CA/O=Example", { ca: true, extensions: ["extendedKeyUsage=clientAuth"] });
    const end = issueCertificate(dir, clientOnly, "client-leaf", "/CN=Client Leaf/O=Example");
    const result = await evaluateTrust({ certificate: der(end), anchors: [der(root)], others: [der(clientOnly)], now });
    expect(result.reasons).toEqual([]);
    expect(result.usages).toEqual(["1.3.6.1.5.5.7.3.2"]);
  });

  it("answers cyclicChain for two CAs that certify each other, and stops", async () => {
    const keyA = makeKey(dir, "cycle-a");
    const rootB = makeRootCa(dir, "cycle-b-root", "/CN=Cycle B/O=Example");
    const aByB = issueCertificate(dir, rootB, "cycle-a-by-b", "/CN=Cycle A/O=Example", { ca: true, keyPath: keyA });
    const bByA = issueCertificate(dir, aByB, "cycle-b-by-a", "/CN=Cycle B/O=Example", { ca: true, keyPath: rootB.keyPath });
    const end = issueCertificate(dir, aByB, "cycle-leaf", "/CN=Cycle Leaf/O=Example");
    const result = await evaluateTrust({ certificate: der(end), anchors: [], others: [der(aByB), der(bByA)], now });
    expect(result.reasons).toContain("cyclicChain");
    expect(subjects(result.path)).toEqual(["CN=Cycle Leaf, O=Example", "CN=Cycle A, O=Example", "CN=Cycle B, O=Example"]);
  });

  it("skips values on the token that are not certificates", async () => {
    const result = await evaluateTrust({ certificate: der(leaf), anchors: [der(root)], others: [new Uint8Array([1, 2, 3]), der(intermediate)], now });
    expect(result.reasons).toEqual([]);
  });
});
