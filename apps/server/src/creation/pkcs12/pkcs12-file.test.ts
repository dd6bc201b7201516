import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { exportPkcs12, issueCertificate, makeRootCa, type OpensslCredential, openssl } from "@open-scws/test-support";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Pkcs12ReadError, readPkcs12 } from "./pkcs12-file.js";

const PASSWORD = "p12-unit-password";

describe("readPkcs12 on files made by openssl pkcs12 -export", () => {
  let dir: string;
  let root: OpensslCredential;
  let leaf: OpensslCredential;
  let keyDer: Buffer;
  let leafDer: Buffer;
  let rootDer: Buffer;
  const file = (name: string, password = PASSWORD, legacy = false) =>
    new Uint8Array(
      Buffer.from(
        exportPkcs12(dir, name, { keyPath: leaf.keyPath, certificatePath: leaf.certificatePath, chainPaths: [root.certificatePath] }, password, legacy),
        "base64",
      ),
    );
  const der = (args: string[]) => {
    const out = join(dir, `out-${Math.random().toString(16).slice(2)}.der`);
    openssl(dir, [...args, "-outform", "DER", "-out", out]);
    return readFileSync(out);
  };
  const failure = (run: () => unknown) => {
    try {
      run();
    } catch (error) {
      if (error instanceof Pkcs12ReadError) return { reason: error.reason, message: error.message };
      throw error;
    }
    throw new Error("readPkcs12 did not fail");
  };

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), "scws-p12-"));
    root = makeRootCa(dir, "root", "/CN=P12 Test Root/O=Example");
    leaf = issueCertificate(dir, root, "leaf", "/CN=P12 Test Leaf/O=Example");
    keyDer = der(["pkcs8", "-topk8", "-nocrypt", "-in", leaf.keyPath]);
    leafDer = der(["x509", "-in", leaf.certificatePath]);
    rootDer = der(["x509", "-in", root.certificatePath]);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("reads openssl 3's default (PBES2, AES-256-CBC, PBKDF2-HMAC-SHA256, SHA-256 MAC): the key and both certificates, byte for byte", () => {
    const contents = readPkcs12(file("default"), PASSWORD);
    expect(contents.privateKeys.map((key) => Buffer.from(key))).toEqual([keyDer]);
    expect(contents.certificates.map((certificate) => Buffer.from(certificate))).toEqual([leafDer, rootDer]);
  });

  it("reads a -legacy file (3DES key bag, RC2-40 certificates, SHA-1 MAC)", () => {
    const contents = readPkcs12(file("legacy", PASSWORD, true), PASSWORD);
    expect(contents.privateKeys.map((key) => Buffer.from(key))).toEqual([keyDer]);
    expect(contents.certificates).toHaveLength(2);
  });

  it("takes a non-ASCII password as UTF-8 for PBES2 and as BMPString for the MAC, as openssl does", () => {
    const password = "pässwörd-€-ключ";
    expect(readPkcs12(file("unicode", password), password).privateKeys).toHaveLength(1);
    expect(readPkcs12(file("unicode-legacy", password, true), password).privateKeys).toHaveLength(1);
  });

  it("says the password is wrong when the MAC does not match", () => {
    expect(failure(() => readPkcs12(file("mac"), "not-the-password"))).toEqual({ reason: "password", message: "the password does not open the file" });
  });

  it("says the password is wrong for a file without a MAC whose contents do not decrypt", () => {
    const path = join(dir, "nomac.p12");
    openssl(dir, ["pkcs12", "-export", "-nomac", "-inkey", leaf.keyPath, "-in", leaf.certificatePath, "-passout", `pass:${PASSWORD}`, "-out", path]);
    expect(readPkcs12(readFileSync(path), PASSWORD).privateKeys).toHaveLength(1);
    expect(failure(() => readPkcs12(readFileSync(path), "not-the-password")).reason).toBe("password");
  });

  it("reads a file whose certificates are not encrypted, and a file with a key only", () => {
    const clear = join(dir, "clear-certs.p12");
    openssl(dir, ["pkcs12", "-export", "-certpbe", "NONE", "-inkey", leaf.keyPath, "-in", leaf.certificatePath, "-passout", `pass:${PASSWORD}`, "-out", clear]);
    expect(readPkcs12(readFileSync(clear), PASSWORD).certificates).toHaveLength(1);
    const keyOnly = Buffer.from(exportPkcs12(dir, "key-only", { keyPath: leaf.keyPath }, PASSWORD), "base64");
    expect(readPkcs12(keyOnly, PASSWORD)).toMatchObject({ certificates: [], privateKeys: [expect.any(Uint8Array)] });
  });

  it("refuses a file that is not PKCS#12 as an invalid file", () => {
    expect(failure(() => readPkcs12(new Uint8Array(Buffer.from("not a PKCS#12 file at all")), PASSWORD)).reason).toBe("file");
    expect(failure(() => readPkcs12(new Uint8Array(readFileSync(leaf.certificatePath)), PASSWORD)).reason).toBe("file");
  });

  it("refuses a file whose key derivations exceed the iteration budget, before deriving the rest", () => {
    expect(failure(() => readPkcs12(file("budget"), PASSWORD, 3000))).toEqual({
      reason: "file",
      message: "the file's key derivations ask for more iterations than the service allows",
    });
  });
});
