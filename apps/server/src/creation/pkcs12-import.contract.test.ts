import { randomBytes } from "node:crypto";
import { pkcs11Tool } from "@open-scws/softhsm";
import {
  connectByLabel,
  exportPkcs12,
  issueCertificate,
  login,
  logout,
  makeRootCa,
  makeShortRsaKey,
  type OpensslCredential,
  openssl,
  selfSigned,
  signWithPkcs11ToolAndVerify,
  startTestService,
  type TestService,
} from "@open-scws/test-support";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const LABEL = "p12-token";

describe("importPkcs12 of files made by openssl pkcs12 -export, used by pkcs11-tool afterwards", () => {
  let t: TestService;
  let tokenId: string;
  let root: OpensslCredential;
  let intermediate: OpensslCredential;
  const password = `p12-password-${randomBytes(6).toString("hex")}`;
  const tool = (...args: string[]) => pkcs11Tool(t.sandbox, ["--token-label", LABEL, "--login", "--pin", t.tokens[LABEL]!.pin, ...args]);
  const importFile = (body: { file: string; password: string; ckLabel?: string; ckId?: string }) =>
    t.client.POST("/v1/tokens/{tokenId}/pkcs12", { params: { path: { tokenId } }, body });
  const certificatePem = async (objectId: string) =>
    (await t.client.GET("/v1/tokens/{tokenId}/objects/{objectId}/value", { params: { path: { tokenId, objectId } } })).data!.value;
  const subjectKeyId = (credential: OpensslCredential) =>
    openssl(t.sandbox.dir, ["x509", "-in", credential.certificatePath, "-noout", "-ext", "subjectKeyIdentifier"])
      .split("\n")[1]!
      .trim()
      .replaceAll(":", "")
      .toLowerCase();
  const leafFile = (name: string, algorithm: { ec: string } | { rsa: number }, legacy = false) => {
    const leaf = issueCertificate(t.sandbox.dir, intermediate, name, `/CN=${name}/O=Example/C=FR`, { algorithm });
    const file = exportPkcs12(t.sandbox.dir, name, { ...leaf, chainPaths: [intermediate.certificatePath, root.certificatePath] }, password, legacy);
    return { leaf, file };
  };

  beforeAll(async () => {
    t = await startTestService({ tokenLabels: [LABEL] });
    t.addCanary(password);
    root = makeRootCa(t.sandbox.dir, "root", "/CN=P12 Root/O=Example/C=FR");
    intermediate = issueCertificate(t.sandbox.dir, root, "intermediate", "/CN=P12 Issuing CA/O=Example/C=FR", { ca: true });
    tokenId = await connectByLabel(t, LABEL);
    await login(t, tokenId, t.tokens[LABEL]!.pin);
  });
  afterAll(() => t.close());

  it("imports openssl 3's default file: key pair, certificate and chain, and the key signs what openssl verifies with the certificate", async () => {
    const { leaf, file } = leafFile("Default EC Holder", { ec: "P-256" });
    const { data, response } = await importFile({ file, password });
    expect(response.status).toBe(201);
    const ckId = subjectKeyId(leaf);
    expect(data?.privateKey).toMatchObject({ type: "privateKey", ckId, ckLabel: "Default EC Holder", algorithmName: "ECDSA", private: true });
    expect(data?.publicKey).toMatchObject({ type: "publicKey", ckId });
    expect(data?.certificate).toMatchObject({ type: "certificate", ckId, root: false });
    expect(data?.chain?.map((certificate) => certificate.ckLabel)).toEqual(["P12 Issuing CA", "P12 Root"]);
    const details = await t.client.GET("/v1/tokens/{tokenId}/objects/{objectId}/details", { params: { path: { tokenId, objectId: data!.privateKey!.id } } });
    expect(details.data?.key).toMatchObject({ sensitive: true, extractable: false, local: false, certificateId: data!.certificate!.id });
    const importedCertificate = await certificatePem(data!.certificate!.id);
    expect(importedCertificate.replace(/\s/g, "")).toBe(leaf.certificatePem.replace(/\s/g, ""));
    expect(signWithPkcs11ToolAndVerify(t, LABEL, ckId, "EC", importedCertificate)).toBe("Verified OK");
  });

  it("imports a -legacy file (3DES, RC2-40, SHA-1 MAC) with an RSA key, without writing chain certificates twice", async () => {
    const { leaf, file } = leafFile("Legacy RSA Holder", { rsa: 2048 }, true);
    const { data, response } = await importFile({ file, password, ckLabel: "legacy-key" });
    expect(response.status).toBe(201);
    expect(data?.privateKey).toMatchObject({ algorithmName: "RSA", ckLabel: "legacy-key", ckId: subjectKeyId(leaf) });
    expect(signWithPkcs11ToolAndVerify(t, LABEL, subjectKeyId(leaf), "RSA", await certificatePem(data!.certificate!.id))).toBe("Verified OK");
    expect(data?.chain).toHaveLength(2);
    // Whichever import ran first wrote the root; the other found it and listed the existing object.
    expect(tool("--list-objects", "--type", "cert").match(/label:\s+P12 Root\n/g)).toHaveLength(1);
  });

  it("answers MWR_IMPORT_PASSWORD_INVALID for a wrong password, and writes nothing", async () => {
    const { file } = leafFile("Wrong Password Holder", { ec: "P-256" });
    const before = tool("--list-objects");
    const { response, error } = await importFile({ file, password: `${password}-wrong` });
    expect(response.status).toBe(400);
    expect(error).toMatchObject({ code: "MWR_IMPORT_PASSWORD_INVALID", customData: { field: "/body/password" } });
    expect(tool("--list-objects")).toBe(before);
  });

  it("answers MWR_IMPORT_FILE_INVALID for bytes that are not PKCS#12, and CKR_ARGUMENTS_BAD for a file that is not base64", async () => {
    const garbage = await importFile({ file: randomBytes(600).toString("base64"), password });
    expect(garbage.response.status).toBe(400);
    expect(garbage.error).toMatchObject({ code: "MWR_IMPORT_FILE_INVALID", customData: { field: "/body/file" } });
    const notBase64 = await importFile({ file: "this is not base64", password });
    expect(notBase64.error).toMatchObject({ code: "CKR_ARGUMENTS_BAD", customData: { field: "/body/file" } });
  });

  it("answers MWR_IMPORT_KEY_TYPE_UNSUPPORTED for a DSA key and for an EC key on a curve the service does not hold", async () => {
    for (const [name, algorithm] of [
      ["DSA Holder", "dsa"],
      ["Brainpool Holder", { ec: "brainpoolP256r1" }],
    ] as const) {
      const credential = selfSigned(t.sandbox.dir, name.replace(" ", "-"), `/CN=${name}`, algorithm);
      const { response, error } = await importFile({ file: exportPkcs12(t.sandbox.dir, name.replace(" ", "-"), credential, password), password });
      expect(response.status, name).toBe(422);
      expect(error?.code, name).toBe("MWR_IMPORT_KEY_TYPE_UNSUPPORTED");
    }
  });

  it("answers MWR_IMPORT_KEY_LENGTH_UNSUPPORTED for an RSA key shorter than SoftHSM's CKM_RSA_PKCS minimum of 512 bits", async () => {
    const keyPath = makeShortRsaKey(t.sandbox.dir, "short-rsa", 384);
    const { response, error } = await importFile({ file: exportPkcs12(t.sandbox.dir, "short-rsa", { keyPath }, password), password });
    expect(response.status).toBe(422);
    expect(error).toMatchObject({
      code: "MWR_IMPORT_KEY_LENGTH_UNSUPPORTED",
      customData: { reason: "the key has 384 bits and the token takes RSA keys of 512 to 16384 bits" },
    });
  });

  it("answers CXR_CONTAINER_EXISTS when the file's key is already on the token", async () => {
    const { file } = leafFile("Twice Holder", { ec: "P-384" });
    expect((await importFile({ file, password })).response.status).toBe(201);
    const again = await importFile({ file, password });
    expect(again.response.status).toBe(409);
    expect(again.error?.code).toBe("CXR_CONTAINER_EXISTS");
  });

  it("refuses without the user login, with CKR_USER_NOT_LOGGED_IN, before reading the file", async () => {
    await logout(t, tokenId);
    const { response, error } = await importFile({ file: randomBytes(300).toString("base64"), password });
    await login(t, tokenId, t.tokens[LABEL]!.pin);
    expect(response.status).toBe(403);
    expect(error?.code).toBe("CKR_USER_NOT_LOGGED_IN");
  });
});
