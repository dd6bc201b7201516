import { createHash, constants as cryptoConstants, publicDecrypt, publicEncrypt, verify } from "node:crypto";
import { ScwsError } from "@open-scws/errors";
import { findLeak, openssl, writeFixture } from "@open-scws/test-support";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { type FacadeToken, FIXTURE, startFacadeToken } from "../testing/facade-token.js";
import { reachableText } from "../testing/reachable-text.js";
import { rejection } from "../testing/rejection.js";
import { Key, type KeyType } from "./key.js";
import type { Token } from "./token.js";

// SCWS.Key's cryptography (and the token's digest, random bytes and mechanisms) against the real service over keys
// pkcs11-tool made; what the token signs is verified by Node's crypto and by openssl, independent of the service.

const DATA = new TextEncoder().encode("open SCWS signs this document");
const sha = (name: string, data: Uint8Array = DATA) => createHash(name).update(data).digest();
const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString("hex");

describe("SCWS.Key against the service", () => {
  let f: FacadeToken;
  let token: Token;

  async function key(type: KeyType, label: string): Promise<Key> {
    const [found, ...more] = await token.getObjects({ type, label });
    if (!(found instanceof Key) || more.length > 0) throw new Error(`not one ${type} labelled ${label}`);
    return found;
  }
  const spki = async (label: string) => (await key("publicKey", label)).getValue();

  beforeAll(async () => {
    f = await startFacadeToken("keys-facade");
  });
  beforeEach(async () => {
    token = await f.connect();
    await token.pins[0]!.login(f.pin);
  });
  afterEach(() => token.disconnect().catch(() => {}));
  afterAll(() => f.close());

  it("signs a SHA-256 hash with RSA PKCS#1 v1.5 and its DigestInfo, as an ArrayBuffer that Node's crypto verifies", async () => {
    const signature = await (await key("privateKey", FIXTURE.rsa.label)).sign(sha("sha256"), "sha256");
    expect(signature).toBeInstanceOf(ArrayBuffer);
    expect(verify("sha256", DATA, await spki(FIXTURE.rsa.label), new Uint8Array(signature))).toBe(true);
  });

  it("takes the hash as an ArrayBuffer, a Uint8Array, a DataView or hex, signing the same bytes", async () => {
    const rsa = await key("privateKey", FIXTURE.rsa.label);
    const hash = sha("sha256");
    const buffer = hash.buffer.slice(hash.byteOffset, hash.byteOffset + hash.byteLength);
    const signatures = await Promise.all([buffer, new Uint8Array(buffer), new DataView(buffer), hex(hash)].map((form) => rsa.sign(form, "sha256")));
    for (const signature of signatures) expect(hex(new Uint8Array(signature))).toBe(hex(new Uint8Array(signatures[0]!)));
  });

  it("signs the bytes as given when the algorithm is null, as SCWS does (no DigestInfo)", async () => {
    const block = new TextEncoder().encode("a block the caller prepared");
    const signature = await (await key("privateKey", FIXTURE.rsa.label)).sign(block, null);
    const recovered = publicDecrypt({ key: await spki(FIXTURE.rsa.label), padding: cryptoConstants.RSA_PKCS1_PADDING }, new Uint8Array(signature));
    expect(new Uint8Array(recovered)).toEqual(block);
  });

  it("signs with RSA-PSS given SCWS's { mgf, saltLen }, which Node's crypto verifies", async () => {
    const signature = await (await key("privateKey", FIXTURE.rsa.label)).sign(sha("sha256"), { mgf: "sha256", saltLen: 32 });
    const publicKey = { key: await spki(FIXTURE.rsa.label), padding: cryptoConstants.RSA_PKCS1_PSS_PADDING, saltLength: 32 };
    expect(verify("sha256", DATA, publicKey, new Uint8Array(signature))).toBe(true);
  });

  it("signs with ECDSA as raw r‖s, as SCWS returns it, and as DER on request, which openssl verifies", async () => {
    const ec = await key("privateKey", FIXTURE.ec.label);
    const raw = await ec.sign(sha("sha256"), "sha256");
    expect(raw.byteLength).toBe(64);
    const publicPem = await spki(FIXTURE.ec.label);
    expect(verify("sha256", DATA, { key: publicPem, dsaEncoding: "ieee-p1363" }, new Uint8Array(raw))).toBe(true);
    const der = await ec.sign(sha("sha256"), "sha256", { signatureFormat: "der" });
    const dir = f.t.sandbox.dir;
    const files = ["ec.pub.pem", "data.bin", "signature.der"].map((name, i) => writeFixture(dir, name, [publicPem, DATA, new Uint8Array(der)][i]!));
    expect(openssl(dir, ["dgst", "-sha256", "-verify", files[0]!, "-signature", files[2]!, files[1]!])).toContain("Verified OK");
  });

  it("signs many hashes in one request, each verified by Node's crypto, with a wrong-length hash answered as its own error", async () => {
    const messages = ["one", "two", "three"].map((text) => new TextEncoder().encode(text));
    const hashes: Array<Uint8Array | string> = messages.map((message) => sha("sha256", message));
    hashes.splice(1, 0, hex(sha("sha1")));
    const results = await (await key("privateKey", FIXTURE.ec.label)).signBatch(hashes, "sha256");
    expect(results).toHaveLength(4);
    expect(results[1]).toBeInstanceOf(ScwsError);
    expect(results[1]).toMatchObject({ code: "CKR_DATA_LEN_RANGE", httpStatus: 400, customData: { field: "/body/hashes/1" } });
    const signatures = [results[0], results[2], results[3]];
    const publicKey = { key: await spki(FIXTURE.ec.label), dsaEncoding: "ieee-p1363" as const };
    signatures.forEach((signature, index) => {
      expect(signature).toBeInstanceOf(ArrayBuffer);
      expect(verify("sha256", messages[index]!, publicKey, new Uint8Array(signature as ArrayBuffer))).toBe(true);
    });
    expect(await rejection((await key("privateKey", FIXTURE.rsa.label)).signBatch(["zz"]))).toMatchObject({ code: "MWR_SCWS_BAD_PARAMS" });
    expect(await rejection((await key("publicKey", FIXTURE.ec.label)).signBatch([sha("sha256")]))).toMatchObject({ code: "CKR_KEY_FUNCTION_NOT_PERMITTED" });
  });

  it("hashes and signs data, SHA-256 by default or the named hash, which Node's crypto verifies", async () => {
    const rsa = await key("privateKey", FIXTURE.rsa.label);
    expect(verify("sha256", DATA, await spki(FIXTURE.rsa.label), new Uint8Array(await rsa.hashAndSign(DATA)))).toBe(true);
    const ec = await key("privateKey", FIXTURE.ec.label);
    const signature = await ec.hashAndSign(DATA.buffer, "sha384");
    expect(verify("sha384", DATA, { key: await spki(FIXTURE.ec.label), dsaEncoding: "ieee-p1363" }, new Uint8Array(signature))).toBe(true);
  });

  it("verifies with the public key: true for the key's own signatures, false for a tampered one", async () => {
    const signature = new Uint8Array(await (await key("privateKey", FIXTURE.ec.label)).sign(sha("sha256")));
    const publicKey = await key("publicKey", FIXTURE.ec.label);
    await expect(publicKey.verify(sha("sha256"), signature)).resolves.toBe(true);
    await expect(publicKey.verifyData(DATA, hex(signature), "sha256")).resolves.toBe(true);
    signature[5]! ^= 0x01;
    await expect(publicKey.verify(sha("sha256"), signature)).resolves.toBe(false);
  });

  it("decrypts with RSA PKCS#1 v1.5 by default, as SCWS does, and round-trips RSA-OAEP and AES-GCM with bytes in and out", async () => {
    const secret = new TextEncoder().encode("a message only the token may read");
    const rsa = await key("privateKey", FIXTURE.rsa.label);
    const fromNode = publicEncrypt({ key: await spki(FIXTURE.rsa.label), padding: cryptoConstants.RSA_PKCS1_PADDING }, secret);
    expect(new Uint8Array(await rsa.decrypt(fromNode))).toEqual(secret);
    const oaep = await (await key("publicKey", FIXTURE.rsa.label)).encrypt(secret, { name: "RSA-OAEP" });
    expect(oaep.iv).toBeUndefined();
    expect(new Uint8Array(await rsa.decrypt(oaep.ciphertext, { name: "RSA-OAEP" }))).toEqual(secret);

    const aes = await key("secretKey", FIXTURE.aes.label);
    const aad = new TextEncoder().encode("header");
    const sealed = await aes.encrypt(secret, { name: "AES-GCM", aad });
    expect(sealed.iv?.byteLength).toBe(12);
    expect(new Uint8Array(await aes.decrypt(sealed.ciphertext, { name: "AES-GCM", aad, iv: sealed.iv! }))).toEqual(secret);
    const tampered = new Uint8Array(sealed.ciphertext);
    tampered[0]! ^= 0x01;
    expect(await rejection(aes.decrypt(tampered, { name: "AES-GCM", aad, iv: sealed.iv! }))).toMatchObject({ code: "CKR_ENCRYPTED_DATA_INVALID" });
  });

  it("hashes on the token, draws random bytes and lists mechanisms (Token additions)", async () => {
    expect(new Uint8Array(await token.digest(DATA, "sha256"))).toEqual(new Uint8Array(sha("sha256")));
    const random = await token.generateRandom(32);
    expect(random).toBeInstanceOf(ArrayBuffer);
    expect(random.byteLength).toBe(32);
    expect(await rejection(token.generateRandom(0))).toMatchObject({ code: "MWR_SCWS_BAD_PARAMS", customData: { field: "/body/length" } });
    const mechanisms = await token.getMechanisms();
    expect(mechanisms.find((mechanism) => mechanism.name === "CKM_ECDSA")).toMatchObject({ value: 0x1041, flags: expect.objectContaining({ sign: true }) });
  });

  it.each<[string, KeyType, string, (key: Key) => Promise<unknown>, string, number]>([
    ["signing with a public key", "publicKey", FIXTURE.ec.label, (k) => k.sign(sha("sha256")), "CKR_KEY_FUNCTION_NOT_PERMITTED", 403],
    ["a hash of the wrong length", "privateKey", FIXTURE.rsa.label, (k) => k.sign(sha("sha1"), "sha256"), "CKR_DATA_LEN_RANGE", 400],
    ["PSS with an EC key", "privateKey", FIXTURE.ec.label, (k) => k.sign(sha("sha256"), { mgf: "sha256", saltLen: 32 }), "CKR_KEY_TYPE_INCONSISTENT", 422],
  ])("rejects %s with %s", async (_case, type, label, call, code, httpStatus) => {
    const error = await rejection(call(await key(type, label)));
    expect(error).toMatchObject({ code, httpStatus });
  });

  it.each<[string, (key: Key) => Promise<unknown>, string]>([
    ["a hash that is a number", (k) => k.sign(42 as unknown as string), "hash"],
    ["a hash in odd-length hex", (k) => k.sign("abc"), "hash"],
    ["data as a string, which could be text", (k) => k.hashAndSign("hello" as unknown as Uint8Array), "data"],
    ["an encryption algorithm that is not an object", (k) => k.decrypt(DATA, "RSA-OAEP" as never), "algorithm"],
    ["an AES IV that is not bytes", (k) => k.decrypt(DATA, { name: "AES-CBC", iv: "000102" as never }), "algorithm.iv"],
    ["an unknown signature format", (k) => k.sign(sha("sha256"), null, { signatureFormat: "pem" as "der" }), "/body/signatureFormat"],
  ])("refuses %s before sending, with MWR_SCWS_BAD_PARAMS", async (_case, call, field) => {
    expect(await rejection(call(await key("privateKey", FIXTURE.rsa.label)))).toMatchObject({ code: "MWR_SCWS_BAD_PARAMS", customData: { field } });
  });

  it("asks an alwaysAuthenticate key for { pin } on each use, counting a wrong one, and keeps none", async () => {
    const always = await key("privateKey", FIXTURE.ecAlways.label);
    expect(always.alwaysAuthenticate).toBe(true);
    expect(await rejection(always.sign(sha("sha256")))).toMatchObject({ code: "CKR_USER_NOT_LOGGED_IN", customData: { field: "/body/pin" } });
    const wrongPin = "canary-context-3b8e1f";
    f.t.addCanary(wrongPin);
    const wrong = await rejection(always.sign(sha("sha256"), null, { pin: wrongPin }));
    expect(wrong).toMatchObject({ code: "CKR_PIN_INCORRECT", customData: { remainingTries: 2 } });
    expect(token.pins[always.pinNumber]).toMatchObject({ remainingTries: 2, validated: true });
    const signature = await always.sign(sha("sha256"), "sha256", { pin: f.pin });
    expect(verify("sha256", DATA, { key: await spki(FIXTURE.ecAlways.label), dsaEncoding: "ieee-p1363" }, new Uint8Array(signature))).toBe(true);
    expect(findLeak(reachableText(always, token, wrong), [wrongPin, f.pin])).toBeUndefined();
  });

  it("answers a private key used after logout with CKR_USER_NOT_LOGGED_IN", async () => {
    const rsa = await key("privateKey", FIXTURE.rsa.label);
    await token.pins[0]!.logout();
    expect(await rejection(rsa.sign(sha("sha256"), "sha256"))).toMatchObject({ code: "CKR_USER_NOT_LOGGED_IN", httpStatus: 403 });
    expect(await rejection(rsa.decrypt(new Uint8Array(256)))).toMatchObject({ code: "CKR_USER_NOT_LOGGED_IN" });
  });
});
