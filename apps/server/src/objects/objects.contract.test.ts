import { createPublicKey } from "node:crypto";
import { pkcs11Tool } from "@open-scws/softhsm";
import {
  connectByLabel,
  login,
  logout,
  makeOpensslIdentity,
  type OpensslIdentity,
  startTestService,
  type TestService,
  writeFixture,
} from "@open-scws/test-support";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const LABEL = "objects-token";

describe("objects against SoftHSM, made by pkcs11-tool and openssl", () => {
  let t: TestService;
  let identity: OpensslIdentity;
  let tokenId: string;
  const list = (query: Record<string, string> = {}) => t.client.GET("/v1/tokens/{tokenId}/objects", { params: { path: { tokenId }, query } });
  const objectPath = (objectId: string) => ({ params: { path: { tokenId, objectId } } });
  async function idOf(type: string, label: string): Promise<string> {
    const found = (await list({ type, label })).data?.objects[0];
    if (!found) throw new Error(`no ${type} labelled ${label}`);
    return found.id;
  }

  beforeAll(async () => {
    t = await startTestService({ tokenLabels: [LABEL] });
    const { pin } = t.tokens[LABEL]!;
    const as = (...args: string[]) => pkcs11Tool(t.sandbox, ["--token-label", LABEL, "--login", "--pin", pin, ...args]);
    identity = makeOpensslIdentity(t.sandbox.dir, "alice", {
      subject: "/CN=Alice Martin/O=Example/C=FR",
      extensions: ["keyUsage=digitalSignature,nonRepudiation", "extendedKeyUsage=clientAuth,emailProtection", "subjectAltName=email:alice@example.com"],
    });
    as("--keypairgen", "--key-type", "rsa:2048", "--id", "01", "--label", "rsa-key");
    as("--keypairgen", "--key-type", "EC:prime256v1", "--id", "02", "--label", "ec-key");
    as("--write-object", identity.keyDerPath, "--type", "privkey", "--id", "03", "--label", "alice-key");
    as("--write-object", identity.certificateDerPath, "--type", "cert", "--id", "03", "--label", "alice-cert");
    as(
      "--write-object",
      writeFixture(t.sandbox.dir, "note.bin", "a note kept on the token"),
      "--type",
      "data",
      "--label",
      "note",
      "--application-label",
      "open-scws-tests",
    );
    tokenId = await connectByLabel(t, LABEL);
  });
  afterAll(() => t.close());

  it("lists public objects only, before login", async () => {
    const { data, response } = await list();
    expect(response.status).toBe(200);
    const kinds = data!.objects.map((object) => `${object.type}:${object.ckLabel}`).sort();
    expect(kinds).toEqual(["certificate:alice-cert", "dataContainer:note", "publicKey:ec-key", "publicKey:rsa-key"]);
    for (const object of data!.objects) expect(object).toMatchObject({ private: false, pinNumber: 0, id: expect.stringMatching(/^o-[0-9a-f]{24}$/) });
  });

  it("shows SCWS's properties by type", async () => {
    const objects = (await list()).data!.objects;
    expect(objects.find((o) => o.ckLabel === "alice-cert")).toMatchObject({
      ckId: "03",
      root: true,
      notBefore: expect.any(String),
      notAfter: expect.any(String),
    });
    expect(objects.find((o) => o.ckLabel === "ec-key")).toMatchObject({ ckId: "02", algorithmName: "ECDSA", partialHash: false });
    expect(objects.find((o) => o.ckLabel === "rsa-key")).toMatchObject({ ckId: "01", algorithmName: "RSA" });
    const note = objects.find((o) => o.ckLabel === "note");
    expect(note).toMatchObject({ application: "open-scws-tests" });
    expect(note?.ckId).toBeUndefined();
  });

  it("shows private keys once logged in, and hides them again after logout, asking for a login to use them", async () => {
    await login(t, tokenId, t.tokens[LABEL]!.pin);
    const privateKeys = (await list({ type: "privateKey" })).data!.objects;
    expect(privateKeys.map((key) => key.ckLabel).sort()).toEqual(["alice-key", "ec-key", "rsa-key"]);
    for (const key of privateKeys) expect(key).toMatchObject({ private: true, alwaysAuthenticate: false });
    const hiddenLater = privateKeys[0]!.id;
    await logout(t, tokenId);
    expect((await list({ type: "privateKey" })).data!.objects).toEqual([]);
    const gone = await t.client.GET("/v1/tokens/{tokenId}/objects/{objectId}", objectPath(hiddenLater));
    expect(gone.response.status).toBe(403);
    expect(gone.error?.code).toBe("CKR_USER_NOT_LOGGED_IN");
  });

  it("filters by type, ckId and label on the token", async () => {
    expect((await list({ ckId: "03" })).data!.objects.map((o) => o.ckLabel)).toEqual(["alice-cert"]);
    expect((await list({ ckId: "0A" })).data!.objects).toEqual([]);
    expect((await list({ label: "note" })).data!.objects.map((o) => o.type)).toEqual(["dataContainer"]);
    const bad = await list({ type: "hardwareFeature" });
    expect(bad.error).toMatchObject({ code: "CKR_ARGUMENTS_BAD", customData: { field: "/query/type" } });
  });

  it("details a certificate as openssl made it, linked to its private key after login", async () => {
    const certificateId = await idOf("certificate", "alice-cert");
    const before = await t.client.GET("/v1/tokens/{tokenId}/objects/{objectId}/details", objectPath(certificateId));
    expect(before.data?.certificate).toMatchObject({
      subject: "CN=Alice Martin, O=Example, C=FR",
      issuer: "CN=Alice Martin, O=Example, C=FR",
      validity: "valid",
      keyUsage: ["digitalSignature", "nonRepudiation"],
      extendedKeyUsage: [
        { oid: "1.3.6.1.5.5.7.3.2", shortName: "clientAuth", longName: "TLS Web Client Authentication" },
        { oid: "1.3.6.1.5.5.7.3.4", shortName: "emailProtection", longName: "E-mail Protection" },
      ],
      root: true,
      publicKeyAlgorithm: "ECDSA",
      publicKeySizeBits: 256,
      subjectAlternativeNames: ["email:alice@example.com"],
    });
    expect(before.data?.certificate?.privateKeyId).toBeUndefined();
    const fingerprint = new (await import("node:crypto")).X509Certificate(identity.certificatePem).fingerprint256.replaceAll(":", "").toLowerCase();
    expect(before.data?.certificate?.sha256Fingerprint).toBe(fingerprint);

    await login(t, tokenId, t.tokens[LABEL]!.pin);
    const after = await t.client.GET("/v1/tokens/{tokenId}/objects/{objectId}/details", objectPath(certificateId));
    expect(after.data?.certificate?.privateKeyId).toBe(await idOf("privateKey", "alice-key"));
    await logout(t, tokenId);
  });

  it("details keys: algorithm, size or curve, usages", async () => {
    const rsa = await t.client.GET("/v1/tokens/{tokenId}/objects/{objectId}/details", objectPath(await idOf("publicKey", "rsa-key")));
    expect(rsa.data?.key).toMatchObject({ algorithm: "RSA", sizeBits: 2048, local: true, usage: expect.objectContaining({ verify: true }) });
    const ec = await t.client.GET("/v1/tokens/{tokenId}/objects/{objectId}/details", objectPath(await idOf("publicKey", "ec-key")));
    expect(ec.data?.key).toMatchObject({ algorithm: "ECDSA", sizeBits: 256, curve: "P-256" });
  });

  it("gives certificates as PEM or DER, public keys as SubjectPublicKeyInfo, data as its bytes", async () => {
    const certificateId = await idOf("certificate", "alice-cert");
    const pem = await t.client.GET("/v1/tokens/{tokenId}/objects/{objectId}/value", objectPath(certificateId));
    expect(pem.data).toMatchObject({ encoding: "pem", type: "certificate" });
    expect(pem.data?.value.replace(/\s/g, "")).toBe(identity.certificatePem.replace(/\s/g, ""));
    const der = await t.client.GET("/v1/tokens/{tokenId}/objects/{objectId}/value", {
      params: { path: { tokenId, objectId: certificateId }, query: { encoding: "der" } },
    });
    expect(Buffer.from(der.data!.value, "base64").toString("base64")).toBe(der.data!.value);

    const publicKey = await t.client.GET("/v1/tokens/{tokenId}/objects/{objectId}/value", objectPath(await idOf("publicKey", "ec-key")));
    expect(createPublicKey(publicKey.data!.value).asymmetricKeyDetails).toEqual({ namedCurve: "prime256v1" });
    const rsaKey = await t.client.GET("/v1/tokens/{tokenId}/objects/{objectId}/value", objectPath(await idOf("publicKey", "rsa-key")));
    expect(createPublicKey(rsaKey.data!.value).asymmetricKeyDetails?.modulusLength).toBe(2048);

    const note = await t.client.GET("/v1/tokens/{tokenId}/objects/{objectId}/value", objectPath(await idOf("dataContainer", "note")));
    expect(Buffer.from(note.data!.value, "base64").toString("utf8")).toBe("a note kept on the token");
  });

  it("refuses a private key's value with CKR_ATTRIBUTE_SENSITIVE, and an encoding the type lacks", async () => {
    await login(t, tokenId, t.tokens[LABEL]!.pin);
    const sensitive = await t.client.GET("/v1/tokens/{tokenId}/objects/{objectId}/value", objectPath(await idOf("privateKey", "ec-key")));
    expect(sensitive.response.status).toBe(403);
    expect(sensitive.error?.code).toBe("CKR_ATTRIBUTE_SENSITIVE");
    await logout(t, tokenId);
    const raw = await t.client.GET("/v1/tokens/{tokenId}/objects/{objectId}/value", {
      params: { path: { tokenId, objectId: await idOf("certificate", "alice-cert") }, query: { encoding: "raw" } },
    });
    expect(raw.error).toMatchObject({ code: "CKR_ARGUMENTS_BAD", customData: { field: "/query/encoding", allowed: ["pem", "der"] } });
  });

  it("relabels and deletes only with a login, and pkcs11-tool sees the result", async () => {
    const noteId = await idOf("dataContainer", "note");
    const denied = await t.client.PATCH("/v1/tokens/{tokenId}/objects/{objectId}", { ...objectPath(noteId), body: { ckLabel: "renamed" } });
    expect(denied.error?.code).toBe("CKR_USER_NOT_LOGGED_IN");
    await login(t, tokenId, t.tokens[LABEL]!.pin);
    const renamed = await t.client.PATCH("/v1/tokens/{tokenId}/objects/{objectId}", { ...objectPath(noteId), body: { ckLabel: "renamed-note" } });
    expect(renamed.data).toMatchObject({ id: noteId, ckLabel: "renamed-note" });
    const empty = await t.client.PATCH("/v1/tokens/{tokenId}/objects/{objectId}", { ...objectPath(noteId), body: {} });
    expect(empty.error?.code).toBe("CKR_ARGUMENTS_BAD");
    const deleted = await t.client.DELETE("/v1/tokens/{tokenId}/objects/{objectId}", objectPath(noteId));
    expect(deleted.response.status).toBe(204);
    expect((await t.client.GET("/v1/tokens/{tokenId}/objects/{objectId}", objectPath(noteId))).error?.code).toBe("CKR_OBJECT_HANDLE_INVALID");
    await logout(t, tokenId);
    const listing = pkcs11Tool(t.sandbox, ["--token-label", LABEL, "--list-objects"]);
    expect(listing).not.toContain("renamed-note");
    expect(listing).toContain("alice-cert");
  });

  it("answers ids from another connection, or never issued, as unknown objects", async () => {
    const elsewhere = await connectByLabel(t, LABEL);
    const certificateId = await idOf("certificate", "alice-cert");
    const foreign = await t.client.GET("/v1/tokens/{tokenId}/objects/{objectId}", { params: { path: { tokenId: elsewhere, objectId: certificateId } } });
    expect(foreign.response.status).toBe(404);
    expect(foreign.error).toMatchObject({ code: "CKR_OBJECT_HANDLE_INVALID", customData: { field: "/path/objectId" } });
    const malformed = await t.client.GET("/v1/tokens/{tokenId}/objects/{objectId}", { params: { path: { tokenId, objectId: "o-1" } } });
    expect(malformed.error?.code).toBe("CKR_ARGUMENTS_BAD");
  });
});
