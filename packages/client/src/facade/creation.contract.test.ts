import { verify, X509Certificate } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import {
  exportPkcs12,
  issueCertificate,
  makeRootCa,
  type OpensslCredential,
  openssl,
  selfSigned,
  startTestService,
  type TestService,
  writeFixture,
} from "@open-scws/test-support";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openEnvironment } from "../testing/facade-token.js";
import { rejection } from "../testing/rejection.js";
import { Certificate } from "./certificate.js";
import { DataContainer } from "./data-container.js";
import { Key } from "./key.js";
import { createScws, type Scws } from "./scws.js";
import type { Token } from "./token.js";

// Token's creation methods, Key.createCertificateRequest and Certificate.getTrust against the real service over
// SoftHSM, with a root CA made by openssl as the service's trust anchor; openssl checks what the token signed.

const LABEL = "facade-creation";
const PKCS12_PASSWORD = "p12-canary-Zq81";

describe("the facade's creation methods against the real service", () => {
  let t: TestService;
  let scws: Scws;
  let token: Token;
  let root: OpensslCredential;
  let intermediate: OpensslCredential;
  const dir = () => t.sandbox.dir;

  /** Logs the user in or out, as the test needs. */
  async function loggedIn(wanted: boolean): Promise<void> {
    const pin = token.pins[0]!;
    if (wanted && !pin.validated) await pin.login(t.tokens[LABEL]!.pin);
    if (!wanted && pin.validated) await pin.logout();
  }

  beforeAll(async () => {
    t = await startTestService({
      tokenLabels: [LABEL],
      canaries: [PKCS12_PASSWORD],
      beforeStart: (sandbox) => {
        root = makeRootCa(sandbox.dir, "root", "/CN=Creation Root/O=Example/C=FR");
        intermediate = issueCertificate(sandbox.dir, root, "intermediate", "/CN=Creation Issuing CA/O=Example/C=FR", { ca: true });
      },
      configure: (config) => ({ ...config, trustAnchors: [root.certificatePath] }),
    });
    scws = createScws({ ports: [t.service.port], events: "off" });
    await openEnvironment(scws, t);
    token = await scws.readers.find((reader) => reader.tokenSummary?.label === LABEL)!.connect();
  });
  afterAll(async () => {
    await token?.disconnect().catch(() => {});
    await t?.close();
  });

  it("refuses key generation before the user's login with CKR_USER_NOT_LOGGED_IN", async () => {
    await loggedIn(false);
    expect((await rejection(token.generateKeyPair({ algorithm: "EC", curve: "P-256" }))).code).toBe("CKR_USER_NOT_LOGGED_IN");
  });

  it("generateKeyPair makes an EC pair with one ckId, whose private key signs what its public key verifies", async () => {
    await loggedIn(true);
    const { privateKey, publicKey } = await token.generateKeyPair({ algorithm: "EC", curve: "P-256", ckLabel: "ec pair" });
    expect(privateKey).toBeInstanceOf(Key);
    expect([privateKey.keyType, publicKey.keyType, privateKey.algorithmName]).toEqual(["privateKey", "publicKey", "ECDSA"]);
    expect(privateKey.ckId).toBe(publicKey.ckId);
    const data = new TextEncoder().encode("made on the token");
    const signature = await privateKey.hashAndSign(data, "sha256", { signatureFormat: "der" });
    expect(verify("sha256", data, await publicKey.getValue(), Buffer.from(signature))).toBe(true);
    expect(await publicKey.verifyData(data, signature, "sha256", { signatureFormat: "der" })).toBe(true);
  });

  it("generateKeyPair makes an RSA pair and generateKey an AES key that encrypts and decrypts", async () => {
    await loggedIn(true);
    const { privateKey } = await token.generateKeyPair({ algorithm: "RSA", sizeBits: 2048 });
    expect((await privateKey.getDetails()).key).toMatchObject({ sizeBits: 2048 });
    const aes = await token.generateKey({ algorithm: "AES", sizeBits: 256, ckLabel: "aes" });
    expect(aes.keyType).toBe("secretKey");
    const { ciphertext, iv } = await aes.encrypt(new TextEncoder().encode("secret"), { name: "AES-GCM" });
    expect(new TextDecoder().decode(await aes.decrypt(ciphertext, { name: "AES-GCM", ...(iv ? { iv } : {}) }))).toBe("secret");
  });

  it("refuses a key of the other method's kind before sending anything (MWR_SCWS_BAD_PARAMS)", async () => {
    const pair = await rejection(token.generateKeyPair({ algorithm: "AES", sizeBits: 128 } as never));
    expect(pair).toMatchObject({ code: "MWR_SCWS_BAD_PARAMS", customData: { field: "request.algorithm" } });
    expect((await rejection(token.generateKey({ algorithm: "EC", curve: "P-256" } as never))).code).toBe("MWR_SCWS_BAD_PARAMS");
  });

  it("signs a request openssl verifies; the CA's certificate for it imports with the key's ckId and its trust path is [it, the CA on the token, the anchor]", async () => {
    await loggedIn(true);
    const { privateKey } = await token.generateKeyPair({ algorithm: "EC", curve: "P-256", ckLabel: "alice" });
    const request = await privateKey.createCertificateRequest("CN=Alice Martin,O=Example,C=FR");
    expect(request.signatureAlgorithm).toBe("ECDSA-SHA256");
    const requestPath = writeFixture(dir(), "alice.csr.pem", request.pem);
    expect(openssl(dir(), ["req", "-in", requestPath, "-noout", "-verify", "-subject"])).toMatch(/CN\s?=\s?Alice Martin/);

    const extensions = writeFixture(dir(), "alice.ext", "basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=clientAuth\n");
    const leafPath = join(dir(), "alice.cert.pem");
    const signing = ["-CA", intermediate.certificatePath, "-CAkey", intermediate.keyPath, "-CAcreateserial", "-days", "30", "-extfile", extensions];
    openssl(dir(), ["x509", "-req", "-in", requestPath, ...signing, "-out", leafPath]);
    const issuing = await token.importCertificate(intermediate.certificatePem, { ckLabel: "issuing CA" });
    const certificate = await token.importCertificate(readFileSync(leafPath, "utf8"));
    expect(certificate).toBeInstanceOf(Certificate);
    expect(certificate.ckId).toBe(privateKey.ckId);
    expect(certificate.ckLabel).toBe("Alice Martin");

    const trust = await certificate.getTrust();
    expect(trust.trustStatus).toBe("ok");
    expect(trust.usages.map((usage) => usage.shortName)).toEqual(["clientAuth"]);
    const [self, ca, anchor] = trust.certPath;
    expect(self).toBe(certificate);
    expect(ca).toBeInstanceOf(Certificate);
    expect((ca as Certificate).handle).toBe(issuing.handle);
    expect(anchor).toMatchObject({ trustAnchor: true, subject: expect.stringContaining("Creation Root") });
    expect(new X509Certificate((anchor as { pem: string }).pem).fingerprint256).toBe(new X509Certificate(root.certificatePem).fingerprint256);
  });

  it("imports a certificate as DER bytes with the given ckId when its key is not on the token; its trust names untrustedRoot", async () => {
    await loggedIn(true);
    const other = selfSigned(dir(), "bob", "/CN=Bob Untrusted/O=Elsewhere/C=FR", { ec: "P-256" });
    const der = new X509Certificate(other.certificatePem).raw;
    const certificate = await token.importCertificate(new Uint8Array(der), { ckId: "b0b0", ckLabel: "bob" });
    expect([certificate.ckId, certificate.ckLabel, certificate.root]).toEqual(["b0b0", "bob", true]);
    expect(new X509Certificate(await certificate.getValue()).raw.equals(der)).toBe(true);
    const trust = await certificate.getTrust();
    expect(trust.trustStatus).toContain("untrustedRoot");
    expect(trust.certPath).toEqual([certificate]);
  });

  it("createDataContainer stores bytes that getValue returns, public or private to the PIN", async () => {
    await loggedIn(true);
    const value = new TextEncoder().encode("kept on the token");
    const container = await token.createDataContainer({ ckLabel: "settings", application: "demo", value, private: true });
    expect(container).toBeInstanceOf(DataContainer);
    expect([container.application, container.private]).toEqual(["demo", true]);
    expect(new Uint8Array(await container.getValue())).toEqual(value);
    expect((await rejection(token.createDataContainer({ ckLabel: "settings", application: "demo", value }))).code).toBe("CXR_CONTAINER_EXISTS");
  });

  it("importPkcs12 brings the key, its certificate and the chain as facade objects; a wrong password answers MWR_IMPORT_PASSWORD_INVALID without it", async () => {
    await loggedIn(true);
    const carol = issueCertificate(dir(), intermediate, "carol", "/CN=Carol Imported/O=Example/C=FR");
    const file = exportPkcs12(
      dir(),
      "carol",
      { keyPath: carol.keyPath, certificatePath: carol.certificatePath, chainPaths: [root.certificatePath] },
      PKCS12_PASSWORD,
    );
    const bytes = Buffer.from(file, "base64");
    const wrong = await rejection(token.importPkcs12(bytes, `${PKCS12_PASSWORD}x`));
    expect(wrong.code).toBe("MWR_IMPORT_PASSWORD_INVALID");
    expect(JSON.stringify({ ...wrong, message: wrong.message })).not.toContain(PKCS12_PASSWORD);

    const imported = await token.importPkcs12(bytes, PKCS12_PASSWORD, { ckLabel: "carol" });
    expect(imported.privateKey).toBeInstanceOf(Key);
    expect(imported.certificate).toBeInstanceOf(Certificate);
    expect(imported.certificate!.ckId).toBe(imported.privateKey!.ckId);
    expect(imported.chain).toHaveLength(1);
    expect(imported.chain[0]).toBeInstanceOf(Certificate);
    const signature = await imported.privateKey!.hashAndSign(new TextEncoder().encode("carol"), "sha256", { signatureFormat: "der" });
    expect(verify("sha256", Buffer.from("carol"), carol.certificatePem, Buffer.from(signature))).toBe(true);
  });
});
