import { createHash, publicEncrypt, constants as rsaConstants } from "node:crypto";
import { readFileSync } from "node:fs";
import { type CryptoToken, startCryptoToken } from "@open-scws/test-support";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const b64 = (bytes: Uint8Array | string) => Buffer.from(bytes).toString("base64");
const SECRET = "a message only the token's key may read";

describe("encryption, decryption, hashing and random bytes on SoftHSM", () => {
  let k: CryptoToken;
  beforeAll(async () => {
    k = await startCryptoToken("cipher-token");
  });
  afterAll(() => k.t.close());

  type KeyType = "publicKey" | "privateKey" | "secretKey";
  async function encrypt(type: KeyType, label: string, body: Record<string, unknown>) {
    const objectId = await k.idOf(type, label);
    return k.t.client.POST("/v1/tokens/{tokenId}/keys/{objectId}/encrypt", { params: { path: { tokenId: k.tokenId, objectId } }, body: body as never });
  }
  async function decrypt(type: KeyType, label: string, body: Record<string, unknown>) {
    const objectId = await k.idOf(type, label);
    return k.t.client.POST("/v1/tokens/{tokenId}/keys/{objectId}/decrypt", { params: { path: { tokenId: k.tokenId, objectId } }, body: body as never });
  }
  const call = (operation: "encrypt" | "decrypt", type: KeyType, label: string, body: Record<string, unknown>) =>
    operation === "encrypt" ? encrypt(type, label, body) : decrypt(type, label, body);
  const plaintextOf = (result: { data?: { plaintext?: string } }) => Buffer.from(result.data?.plaintext ?? "", "base64").toString("utf8");

  it("decrypts what openssl encrypted with the RSA public key, PKCS#1 v1.5 by default as SCWS does", async () => {
    const encryptedFile = k.file("cipher.bin", "");
    k.openssl(["pkeyutl", "-encrypt", "-pubin", "-inkey", await k.publicKeyFile("rsa"), "-in", k.file("plain.txt", SECRET), "-out", encryptedFile]);
    const decrypted = await decrypt("privateKey", "rsa", { ciphertext: b64(readFileSync(encryptedFile)) });
    expect(plaintextOf(decrypted)).toBe(SECRET);
  });

  it("round-trips RSA-PKCS1 and RSA-OAEP (SHA-1) through the token, and decrypts OAEP from Node's OpenSSL", async () => {
    for (const algorithm of [{ name: "RSA-PKCS1" }, { name: "RSA-OAEP", hash: "sha1" }]) {
      const encrypted = await encrypt("publicKey", "rsa", { data: b64(SECRET), algorithm });
      const decrypted = await decrypt("privateKey", "rsa", { ciphertext: encrypted.data!.ciphertext, algorithm });
      expect(plaintextOf(decrypted)).toBe(SECRET);
    }
    const publicPem = (
      await k.t.client.GET("/v1/tokens/{tokenId}/objects/{objectId}/value", {
        params: { path: { tokenId: k.tokenId, objectId: await k.idOf("publicKey", "rsa") } },
      })
    ).data!.value;
    const oaep = publicEncrypt({ key: publicPem, padding: rsaConstants.RSA_PKCS1_OAEP_PADDING, oaepHash: "sha1" }, Buffer.from(SECRET));
    expect(plaintextOf(await decrypt("privateKey", "rsa", { ciphertext: b64(oaep), algorithm: { name: "RSA-OAEP" } }))).toBe(SECRET);
  });

  it("encrypts an RSA message of the largest length and answers one byte more with CKR_DATA_LEN_RANGE naming the data, never a 500", async () => {
    // A 2048-bit key: k = 256 bytes; PKCS#1 v1.5 takes k - 11, OAEP with SHA-1 k - 2 * 20 - 2 (RFC 8017 7.2.1, 7.1.1).
    for (const [algorithm, largest] of [
      [{ name: "RSA-PKCS1" }, 245],
      [{ name: "RSA-OAEP" }, 214],
    ] as const) {
      const fits = await encrypt("publicKey", "rsa", { data: b64(new Uint8Array(largest).fill(7)), algorithm });
      expect(fits.response.status).toBe(200);
      const decrypted = await decrypt("privateKey", "rsa", { ciphertext: fits.data!.ciphertext, algorithm });
      expect(Buffer.from(decrypted.data!.plaintext, "base64")).toEqual(Buffer.alloc(largest, 7));
      const { error, response } = await encrypt("publicKey", "rsa", { data: b64(new Uint8Array(largest + 1)), algorithm });
      expect(response.status).toBe(400);
      expect(error).toMatchObject({ code: "CKR_DATA_LEN_RANGE", customData: { field: "/body/data" } });
      expect(error!.detail).toContain(`at most ${largest} bytes`);
    }
  });

  it("passes on SoftHSM's refusal of OAEP with SHA-256 (it offers SHA-1 only) as a 4xx, never a 500", async () => {
    const { error, response } = await encrypt("publicKey", "rsa", { data: b64(SECRET), algorithm: { name: "RSA-OAEP", hash: "sha256" } });
    expect(response.status).toBe(400);
    expect(error).toMatchObject({ code: "CKR_ARGUMENTS_BAD", customData: { pkcs11: { name: "CKR_ARGUMENTS_BAD" } } });
  });

  it("round-trips AES-GCM with associated data, drawing a fresh IV each time, and refuses tampered ciphertext", async () => {
    const algorithm = { name: "AES-GCM", aad: b64("header") };
    const first = await encrypt("secretKey", "aes", { data: b64(SECRET), algorithm });
    const second = await encrypt("secretKey", "aes", { data: b64(SECRET), algorithm });
    expect(Buffer.from(first.data!.iv!, "base64")).toHaveLength(12);
    expect(first.data!.iv).not.toBe(second.data!.iv);
    expect(Buffer.from(first.data!.ciphertext, "base64")).toHaveLength(SECRET.length + 16);
    const back = await decrypt("secretKey", "aes", { ciphertext: first.data!.ciphertext, algorithm: { ...algorithm, iv: first.data!.iv } });
    expect(plaintextOf(back)).toBe(SECRET);
    const tampered = Buffer.from(first.data!.ciphertext, "base64");
    tampered[0]! ^= 0x01;
    const refused = await decrypt("secretKey", "aes", { ciphertext: b64(tampered), algorithm: { ...algorithm, iv: first.data!.iv } });
    expect(refused.response.status).toBe(400);
    expect(refused.error).toMatchObject({
      code: "CKR_ENCRYPTED_DATA_INVALID",
      customData: { field: "/body/ciphertext", pkcs11: { name: "CKR_GENERAL_ERROR" } },
    });
  });

  // Found by the spec fuzzer: SoftHSM answers CKR_GENERAL_ERROR for ciphertext that does not decrypt, which was a 500.
  it("answers CKR_ENCRYPTED_DATA_INVALID naming the ciphertext, never a 500, for RSA and AES-CBC ciphertext that does not decrypt", async () => {
    const garbage = [b64("BwEF"), b64(Buffer.alloc(16, 0x20)), b64(Buffer.alloc(256, 0x7f))];
    for (const ciphertext of garbage) {
      for (const algorithm of [undefined, { name: "RSA-PKCS1" }, { name: "RSA-OAEP" }]) {
        const refused = await decrypt("privateKey", "rsa", { ciphertext, ...(algorithm ? { algorithm } : {}) });
        expect(refused.response.status).toBe(400);
        expect(refused.error).toMatchObject({ code: "CKR_ENCRYPTED_DATA_INVALID", customData: { field: "/body/ciphertext" } });
      }
    }
    const iv = b64(Buffer.alloc(16));
    const badPadding = await decrypt("secretKey", "aes", { ciphertext: b64(Buffer.alloc(16, 0x20)), algorithm: { name: "AES-CBC", iv } });
    expect(badPadding.response.status).toBe(400);
    expect(badPadding.error).toMatchObject({ code: "CKR_ENCRYPTED_DATA_INVALID", customData: { field: "/body/ciphertext" } });
  });

  it("round-trips AES-CBC with PKCS#7 padding", async () => {
    const encrypted = await encrypt("secretKey", "aes", { data: b64(SECRET), algorithm: { name: "AES-CBC" } });
    expect(Buffer.from(encrypted.data!.ciphertext, "base64").length % 16).toBe(0);
    const back = await decrypt("secretKey", "aes", { ciphertext: encrypted.data!.ciphertext, algorithm: { name: "AES-CBC", iv: encrypted.data!.iv } });
    expect(plaintextOf(back)).toBe(SECRET);
  });

  it.each([
    ["an AES algorithm with an RSA key", "encrypt", "publicKey", "rsa", { data: b64("x"), algorithm: { name: "AES-GCM" } }, "CKR_KEY_FUNCTION_NOT_PERMITTED"],
    ["RSA with an EC key", "encrypt", "publicKey", "ec", { data: b64("x"), algorithm: { name: "RSA-PKCS1" } }, "CKR_KEY_TYPE_INCONSISTENT"],
    ["an IV for RSA", "encrypt", "publicKey", "rsa", { data: b64("x"), algorithm: { name: "RSA-PKCS1", iv: b64("0123456789abcdef") } }, "CKR_ARGUMENTS_BAD"],
    [
      "AES decryption without the IV",
      "decrypt",
      "secretKey",
      "aes",
      { ciphertext: b64("0123456789abcdef"), algorithm: { name: "AES-CBC" } },
      "CKR_ARGUMENTS_BAD",
    ],
    ["decryption with a public key", "decrypt", "publicKey", "rsa", { ciphertext: b64("x") }, "CKR_KEY_FUNCTION_NOT_PERMITTED"],
  ] as const)("refuses %s with the right code", async (_case, operation, type, label, body, code) => {
    const { error } = await call(operation, type, label, body);
    expect(error?.code).toBe(code);
  });

  it("hashes on the token as Node does, and answers a hash SoftHSM lacks with CKR_MECHANISM_INVALID", async () => {
    const path = { params: { path: { tokenId: k.tokenId } } };
    const digest = await k.t.client.POST("/v1/tokens/{tokenId}/digest", { ...path, body: { data: b64(SECRET), algorithm: "sha384" } });
    expect(digest.data?.digest).toBe(createHash("sha384").update(SECRET).digest("base64"));
    const sha3 = await k.t.client.POST("/v1/tokens/{tokenId}/digest", { ...path, body: { data: b64(SECRET), algorithm: "sha3-256" } });
    expect(sha3.response.status).toBe(422);
    expect(sha3.error?.code).toBe("CKR_MECHANISM_INVALID");
  });

  it("gives random bytes of the length asked, different each time, within bounds", async () => {
    const path = { params: { path: { tokenId: k.tokenId } } };
    const first = await k.t.client.POST("/v1/tokens/{tokenId}/random", { ...path, body: { length: 48 } });
    const second = await k.t.client.POST("/v1/tokens/{tokenId}/random", { ...path, body: { length: 48 } });
    expect(Buffer.from(first.data!.random, "base64")).toHaveLength(48);
    expect(first.data!.random).not.toBe(second.data!.random);
    for (const length of [0, 4097]) {
      const refused = await k.t.client.POST("/v1/tokens/{tokenId}/random", { ...path, body: { length } });
      expect(refused.error).toMatchObject({ code: "CKR_ARGUMENTS_BAD", customData: { field: "/body/length" } });
    }
  });
});
