import { createPublicKey, X509Certificate } from "node:crypto";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { type FacadeToken, FIXTURE, startFacadeToken } from "../testing/facade-token.js";
import { rejection } from "../testing/rejection.js";
import { Certificate } from "./certificate.js";
import { DataContainer } from "./data-container.js";
import { Key } from "./key.js";
import type { TokenObject } from "./object-factory.js";
import type { Token } from "./token.js";

// Token.getObjects() and SCWS's object classes against the real service, over objects openssl and pkcs11-tool made.

function only<Kind extends TokenObject>(objects: TokenObject[], kind: abstract new (...args: never[]) => Kind, label: string): Kind {
  const found = objects.filter((object): object is Kind => object instanceof kind && object.ckLabel === label);
  expect(found).toHaveLength(1);
  return found[0]!;
}

describe("Token.getObjects() and the object classes against the service", () => {
  let f: FacadeToken;
  const open: Token[] = [];
  async function connect(login = false): Promise<Token> {
    const token = await f.connect();
    open.push(token);
    if (login) await token.pins[0]!.login(f.pin);
    return token;
  }

  beforeAll(async () => {
    f = await startFacadeToken("objects-facade");
  });
  afterEach(async () => {
    for (const token of open.splice(0)) await token.disconnect().catch(() => {});
  });
  afterAll(() => f.close());

  it("lists the public objects before login, each as its kind's class, on its token", async () => {
    const token = await connect();
    const objects = await token.getObjects();
    const kinds = objects.map((object) => `${object.constructor.name}:${object.type}:${object.ckLabel}`).sort();
    expect(kinds).toEqual([
      "Certificate:certificate:alice-cert",
      "DataContainer:dataContainer:note",
      "DataContainer:dataContainer:scratch",
      "Key:publicKey:ec",
      "Key:publicKey:ec-always",
      "Key:publicKey:rsa",
      "Key:secretKey:aes",
    ]);
    for (const object of objects) {
      expect(object).toBeInstanceOf(f.scws.Object);
      expect(object.parent).toBe(token);
      expect(object.handle).toMatch(/^o-[0-9a-f]{24}$/);
      expect(object.id).toBe(object.handle);
      expect(object.pinNumber).toBe(0);
    }
  });

  it("caches SCWS's properties by kind", async () => {
    const objects = await (await connect()).getObjects();
    const certificate = only(objects, Certificate, FIXTURE.identity.certificateLabel);
    const x509 = new X509Certificate(f.identity.certificatePem);
    expect(certificate).toMatchObject({ ckId: FIXTURE.identity.ckId, root: true, private: false, modifiable: true });
    expect(new Date(certificate.notBefore!).getTime()).toBe(new Date(x509.validFrom).getTime());
    expect(new Date(certificate.notAfter!).getTime()).toBe(new Date(x509.validTo).getTime());
    const ec = only(objects, Key, FIXTURE.ec.label);
    expect(ec).toMatchObject({ keyType: "publicKey", algorithmName: "ECDSA", partialHash: false, alwaysAuthenticate: false, ckId: FIXTURE.ec.ckId });
    expect(only(objects, Key, FIXTURE.aes.label)).toMatchObject({ keyType: "secretKey", algorithmName: "AES" });
    const note = only(objects, DataContainer, FIXTURE.data.label);
    expect(note).toMatchObject({ application: FIXTURE.data.application, ckId: undefined });
  });

  it("shows private keys after login, filters on the token, and refuses an unknown type with CKR_ARGUMENTS_BAD", async () => {
    const token = await connect(true);
    const privateKeys = await token.getObjects({ type: "privateKey" });
    expect(privateKeys.map((key) => key.ckLabel).sort()).toEqual(["alice-key", "ec", "ec-always", "rsa"]);
    expect(only(privateKeys, Key, FIXTURE.ecAlways.label)).toMatchObject({ keyType: "privateKey", private: true, alwaysAuthenticate: true });
    const byId = await token.getObjects({ ckId: FIXTURE.identity.ckId.toUpperCase() });
    expect(byId.map((object) => object.type).sort()).toEqual(["certificate", "privateKey"]);
    expect((await token.getObjects({ label: FIXTURE.data.label })).map((object) => object.type)).toEqual(["dataContainer"]);
    const refused = await rejection(token.getObjects({ type: "hardwareFeature" as "certificate" }));
    expect(refused).toMatchObject({ code: "CKR_ARGUMENTS_BAD", httpStatus: 400, customData: { field: "/query/type" } });
  });

  it("gives values: a certificate as openssl's PEM, a public key as SPKI PEM, a data container's bytes", async () => {
    const objects = await (await connect()).getObjects();
    const pem = await only(objects, Certificate, FIXTURE.identity.certificateLabel).getValue();
    expect(pem.replace(/\s/g, "")).toBe(f.identity.certificatePem.replace(/\s/g, ""));
    const spki = await only(objects, Key, FIXTURE.ec.label).getValue();
    expect(spki).toMatch(/^-----BEGIN PUBLIC KEY-----/);
    expect(createPublicKey(spki).asymmetricKeyDetails).toEqual({ namedCurve: "prime256v1" });
    const bytes = await only(objects, DataContainer, FIXTURE.data.label).getValue();
    expect(bytes).toBeInstanceOf(ArrayBuffer);
    expect(new TextDecoder().decode(bytes)).toBe(FIXTURE.data.content);
  });

  it("refuses a private key's value with CKR_ATTRIBUTE_SENSITIVE", async () => {
    const key = only(await (await connect(true)).getObjects({ type: "privateKey" }), Key, FIXTURE.ec.label);
    expect(await rejection(key.getValue())).toMatchObject({ code: "CKR_ATTRIBUTE_SENSITIVE", httpStatus: 403 });
  });

  it("details each kind, the certificate linked to its private key after login", async () => {
    const token = await connect(true);
    const objects = await token.getObjects();
    const details = await only(objects, Certificate, FIXTURE.identity.certificateLabel).getDetails();
    expect(details.certificate).toMatchObject({ subject: "CN=Alice Martin, O=Example, C=FR", root: true, publicKeyAlgorithm: "RSA", publicKeySizeBits: 2048 });
    const privateKey = objects.find((object) => object.type === "privateKey" && object.ckId === FIXTURE.identity.ckId);
    expect(details.certificate.privateKeyId).toBe(privateKey?.handle);
    const rsa = only(await token.getObjects({ type: "publicKey" }), Key, FIXTURE.rsa.label);
    expect((await rsa.getDetails()).key).toMatchObject({ algorithm: "RSA", sizeBits: 2048, usage: expect.objectContaining({ verify: true }) });
    const note = await only(objects, DataContainer, FIXTURE.data.label).getDetails();
    expect(note.dataContainer).toEqual({ application: FIXTURE.data.application, size: FIXTURE.data.content.length });
  });

  it("answers a private key used after logout with CKR_USER_NOT_LOGGED_IN", async () => {
    const token = await connect(true);
    const key = only(await token.getObjects({ type: "privateKey" }), Key, FIXTURE.rsa.label);
    await token.pins[0]!.logout();
    expect(await rejection(key.getDetails())).toMatchObject({ code: "CKR_USER_NOT_LOGGED_IN", httpStatus: 403 });
  });

  it("relabels with update() only after login, refreshes, and deletes; the deleted handle is then unknown", async () => {
    const token = await connect();
    const note = only(await token.getObjects(), DataContainer, FIXTURE.data.label);
    expect(await rejection(note.update({ ckLabel: "renamed" }))).toMatchObject({ code: "CKR_USER_NOT_LOGGED_IN" });
    await token.pins[0]!.login(f.pin);
    await note.update({ ckLabel: "renamed-note" });
    expect(note.ckLabel).toBe("renamed-note");
    const again = only(await token.getObjects({ label: "renamed-note" }), DataContainer, "renamed-note");
    expect(again.handle).toBe(note.handle);
    await again.update({ ckLabel: FIXTURE.data.label });
    await note.refresh();
    expect(note.ckLabel).toBe(FIXTURE.data.label);
    expect(await rejection(note.update({}))).toMatchObject({ code: "MWR_SCWS_BAD_PARAMS", customData: { field: "/body" } });
    const key = only(await token.getObjects({ type: "publicKey" }), Key, FIXTURE.rsa.label);
    await key.update({ ckId: "0A0B" });
    expect(key.ckId).toBe("0a0b");
    await key.update({ ckId: FIXTURE.rsa.ckId });

    const [scratch] = await token.getObjects({ label: FIXTURE.scratch.label });
    await expect(scratch!.delete()).resolves.toBeUndefined();
    expect(await rejection(scratch!.refresh())).toMatchObject({
      code: "CKR_KEY_HANDLE_INVALID",
      httpStatus: 404,
      customData: { serviceCode: "CKR_OBJECT_HANDLE_INVALID" },
    });
    expect(await token.getObjects({ label: FIXTURE.scratch.label })).toEqual([]);
  });
});
