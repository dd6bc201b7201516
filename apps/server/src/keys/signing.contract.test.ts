import { createHash, createPublicKey, publicDecrypt, constants as rsaConstants } from "node:crypto";
import { type CryptoToken, startCryptoToken } from "@open-scws/test-support";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const DATA = Buffer.from("open SCWS signs this document");
const sha = (name: string, data: Uint8Array = DATA) => createHash(name).update(data).digest();
const b64 = (bytes: Uint8Array) => Buffer.from(bytes).toString("base64");

describe("signing with keys pkcs11-tool made, checked by openssl", () => {
  let k: CryptoToken;
  beforeAll(async () => {
    k = await startCryptoToken("signing-token");
  });
  afterAll(() => k.t.close());

  async function sign(label: string, body: Record<string, unknown>) {
    const objectId = await k.idOf("privateKey", label);
    return k.t.client.POST("/v1/tokens/{tokenId}/keys/{objectId}/sign", { params: { path: { tokenId: k.tokenId, objectId } }, body: body as never });
  }
  function opensslVerifies(publicKey: string, signature: string, digestArgs: string[]): boolean {
    const dataFile = k.file("data.bin", DATA);
    const signatureFile = k.file("signature.bin", Buffer.from(signature, "base64"));
    try {
      return k.openssl(["dgst", ...digestArgs, "-verify", publicKey, "-signature", signatureFile, dataFile]).includes("Verified OK");
    } catch {
      return false;
    }
  }

  it("lists the token's mechanisms with their key sizes and uses", async () => {
    const { data } = await k.t.client.GET("/v1/tokens/{tokenId}/mechanisms", { params: { path: { tokenId: k.tokenId } } });
    const ecdsa = data?.mechanisms.find((mechanism) => mechanism.name === "CKM_ECDSA");
    expect(ecdsa).toMatchObject({ value: 0x1041, flags: expect.objectContaining({ sign: true, verify: true, encrypt: false }) });
    expect(data?.mechanisms.find((mechanism) => mechanism.name === "CKM_RSA_PKCS_KEY_PAIR_GEN")?.maxKeySize).toBeGreaterThanOrEqual(4096);
  });

  it("signs a SHA-256 hash with PKCS#1 v1.5 and DigestInfo, which openssl verifies", async () => {
    const { data, response } = await sign("rsa", { hash: b64(sha("sha256")), algorithm: "sha256" });
    expect(response.status).toBe(200);
    expect(data?.mechanism).toBe("CKM_RSA_PKCS");
    expect(opensslVerifies(await k.publicKeyFile("rsa"), data!.signature, ["-sha256"])).toBe(true);
  });

  it.each(["sha1", "sha384", "sha512"])("signs a %s hash with its DigestInfo, which openssl verifies", async (hash) => {
    const { data } = await sign("rsa", { hash: b64(sha(hash)), algorithm: hash });
    expect(opensslVerifies(await k.publicKeyFile("rsa"), data!.signature, [`-${hash}`])).toBe(true);
  });

  it("signs bytes as given when no algorithm is named (PKCS#1 v1.5 without DigestInfo)", async () => {
    const block = Buffer.from("any block the caller prepared");
    const { data } = await sign("rsa", { hash: b64(block) });
    const recovered = publicDecrypt(
      { key: createPublicKey(await readPem(k, "rsa")), padding: rsaConstants.RSA_PKCS1_PADDING },
      Buffer.from(data!.signature, "base64"),
    );
    expect(recovered).toEqual(block);
  });

  it("signs with RSA-PSS given SCWS's {mgf, saltLen}, which openssl verifies", async () => {
    const { data } = await sign("rsa", { hash: b64(sha("sha256")), algorithm: { mgf: "sha256", saltLen: 32 } });
    expect(data?.mechanism).toBe("CKM_RSA_PKCS_PSS");
    const pss = ["-sha256", "-sigopt", "rsa_padding_mode:pss", "-sigopt", "rsa_pss_saltlen:32"];
    expect(opensslVerifies(await k.publicKeyFile("rsa"), data!.signature, pss)).toBe(true);
  });

  it("takes the longest PSS salt a 2048-bit key allows with SHA-256 (222 bytes), which openssl verifies", async () => {
    const { data } = await sign("rsa", { hash: b64(sha("sha256")), algorithm: { mgf: "sha256", saltLen: 222 } });
    const pss = ["-sha256", "-sigopt", "rsa_padding_mode:pss", "-sigopt", "rsa_pss_saltlen:222"];
    expect(opensslVerifies(await k.publicKeyFile("rsa"), data!.signature, pss)).toBe(true);
  });

  // Found by npm run fuzz: SoftHSM answers a salt too long for the modulus with CKR_GENERAL_ERROR, which was a 500.
  it.each([
    ["sign", { hash: b64(sha("sha256")), algorithm: { mgf: "sha256", saltLen: 223 } }, "sign"],
    ["hashAndSign", { data: b64(DATA), algorithm: { mgf: "sha384", saltLen: 509 } }, "hash-and-sign"],
    ["sign-batch", { hashes: [b64(sha("sha256"))], algorithm: { mgf: "sha256", saltLen: 300 } }, "sign-batch"],
  ] as const)("refuses a PSS salt too long for the key in %s with CKR_MECHANISM_PARAM_INVALID", async (_operation, body, path) => {
    const objectId = await k.idOf("privateKey", "rsa");
    const response = await k.t.fetch(`/v1/tokens/${k.tokenId}/keys/${objectId}/${path}`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(body),
    });
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ code: "CKR_MECHANISM_PARAM_INVALID", customData: { field: "/body/algorithm/saltLen" } });
  });

  it("signs with ECDSA as raw r||s by default and as DER on request, which openssl verifies", async () => {
    const raw = await sign("ec", { hash: b64(sha("sha256")), algorithm: "sha256" });
    expect(Buffer.from(raw.data!.signature, "base64")).toHaveLength(64);
    const der = await sign("ec", { hash: b64(sha("sha256")), signatureFormat: "der" });
    expect(der.data?.mechanism).toBe("CKM_ECDSA");
    expect(opensslVerifies(await k.publicKeyFile("ec"), der.data!.signature, ["-sha256"])).toBe(true);
  });

  it("hashes and signs data (SHA-256 by default, or the named hash), which openssl verifies", async () => {
    const objectId = await k.idOf("privateKey", "rsa");
    const path = { params: { path: { tokenId: k.tokenId, objectId } } };
    const byDefault = await k.t.client.POST("/v1/tokens/{tokenId}/keys/{objectId}/hash-and-sign", { ...path, body: { data: b64(DATA) } });
    expect(opensslVerifies(await k.publicKeyFile("rsa"), byDefault.data!.signature, ["-sha256"])).toBe(true);
    const ecId = await k.idOf("privateKey", "ec");
    const ec = await k.t.client.POST("/v1/tokens/{tokenId}/keys/{objectId}/hash-and-sign", {
      params: { path: { tokenId: k.tokenId, objectId: ecId } },
      body: { data: b64(DATA), algorithm: "sha384", signatureFormat: "der" },
    });
    expect(opensslVerifies(await k.publicKeyFile("ec"), ec.data!.signature, ["-sha384"])).toBe(true);
  });

  it("verifies with the public key: true for its own signatures, false for a tampered one", async () => {
    const signed = await sign("ec", { hash: b64(sha("sha256")), signatureFormat: "der" });
    const objectId = await k.idOf("publicKey", "ec");
    const verify = (body: Record<string, unknown>) =>
      k.t.client.POST("/v1/tokens/{tokenId}/keys/{objectId}/verify", { params: { path: { tokenId: k.tokenId, objectId } }, body: body as never });
    expect((await verify({ data: b64(DATA), signature: signed.data!.signature, signatureFormat: "der" })).data).toEqual({ valid: true });
    expect((await verify({ hash: b64(sha("sha256")), signature: signed.data!.signature, signatureFormat: "der" })).data).toEqual({ valid: true });
    const tampered = Buffer.from(signed.data!.signature, "base64");
    tampered[tampered.length - 1]! ^= 0x01;
    expect((await verify({ data: b64(DATA), signature: b64(tampered), signatureFormat: "der" })).data).toEqual({ valid: false });
    const both = await verify({ data: b64(DATA), hash: b64(sha("sha256")), signature: signed.data!.signature });
    expect(both.error?.code).toBe("CKR_ARGUMENTS_BAD");
  });

  it.each([
    ["a hash of the wrong length", "rsa", { hash: b64(sha("sha1")), algorithm: "sha256" }, "CKR_DATA_LEN_RANGE", 400],
    ["PSS with an EC key", "ec", { hash: b64(sha("sha256")), algorithm: { mgf: "sha256", saltLen: 32 } }, "CKR_KEY_TYPE_INCONSISTENT", 422],
    ["a per-use PIN for an ordinary key", "ec", { hash: b64(sha("sha256")), pin: "123456" }, "CKR_ARGUMENTS_BAD", 400],
    ["a hash that is not base64", "ec", { hash: "not*base64" }, "CKR_ARGUMENTS_BAD", 400],
  ])("refuses %s with the right code", async (_case, label, body, code, status) => {
    const { error, response } = await sign(label, body);
    expect(response.status).toBe(status);
    expect(error?.code).toBe(code);
  });

  it("passes on the token's CKR_KEY_FUNCTION_NOT_PERMITTED for a private key made without CKA_SIGN", async () => {
    const generated = await k.t.client.POST("/v1/tokens/{tokenId}/keys", {
      params: { path: { tokenId: k.tokenId } },
      body: { algorithm: "RSA", sizeBits: 2048, ckLabel: "decrypt only", usage: { sign: false, encrypt: true } },
    });
    expect(generated.response.status).toBe(201);
    const details = await k.t.client.GET("/v1/tokens/{tokenId}/objects/{objectId}/details", {
      params: { path: { tokenId: k.tokenId, objectId: generated.data!.privateKey!.id } },
    });
    expect(details.data).toMatchObject({ key: { usage: { sign: false, decrypt: true } } });
    const refused = await k.t.client.POST("/v1/tokens/{tokenId}/keys/{objectId}/sign", {
      params: { path: { tokenId: k.tokenId, objectId: generated.data!.privateKey!.id } },
      body: { hash: b64(sha("sha256")), algorithm: "sha256" },
    });
    expect([refused.response.status, refused.error?.code]).toEqual([403, "CKR_KEY_FUNCTION_NOT_PERMITTED"]);
  });

  it("refuses to sign with a public key, and with an id no key has", async () => {
    const publicId = await k.idOf("publicKey", "ec");
    const withPublic = await k.t.client.POST("/v1/tokens/{tokenId}/keys/{objectId}/sign", {
      params: { path: { tokenId: k.tokenId, objectId: publicId } },
      body: { hash: b64(sha("sha256")) },
    });
    expect(withPublic.error?.code).toBe("CKR_KEY_FUNCTION_NOT_PERMITTED");
    const unknown = await k.t.client.POST("/v1/tokens/{tokenId}/keys/{objectId}/sign", {
      params: { path: { tokenId: k.tokenId, objectId: `o-${"0".repeat(24)}` } },
      body: { hash: b64(sha("sha256")) },
    });
    expect(unknown.response.status).toBe(404);
    expect(unknown.error?.code).toBe("CKR_KEY_HANDLE_INVALID");
  });

  it("asks a CKA_ALWAYS_AUTHENTICATE key for its PIN on each signature, counting a wrong one", async () => {
    const hash = b64(sha("sha256"));
    const none = await sign("ec-always", { hash });
    expect(none.error).toMatchObject({ code: "CKR_USER_NOT_LOGGED_IN", customData: { field: "/body/pin" } });
    const wrong = await sign("ec-always", { hash, pin: "wrong-context-pin" });
    expect(wrong.error).toMatchObject({ code: "CKR_PIN_INCORRECT", customData: { remainingTries: 2 } });
    const signed = await sign("ec-always", { hash, pin: k.t.tokens["signing-token"]!.pin, signatureFormat: "der" });
    expect(signed.response.status).toBe(200);
    expect(opensslVerifies(await k.publicKeyFile("ec-always"), signed.data!.signature, ["-sha256"])).toBe(true);
  });

  it("answers a private key used after logout with CKR_USER_NOT_LOGGED_IN", async () => {
    const objectId = await k.idOf("privateKey", "ec");
    await k.t.client.POST("/v1/tokens/{tokenId}/pins/{pinNumber}/logout", { params: { path: { tokenId: k.tokenId, pinNumber: 0 } } });
    const { error, response } = await k.t.client.POST("/v1/tokens/{tokenId}/keys/{objectId}/sign", {
      params: { path: { tokenId: k.tokenId, objectId } },
      body: { hash: b64(sha("sha256")) },
    });
    expect(response.status).toBe(403);
    expect(error?.code).toBe("CKR_USER_NOT_LOGGED_IN");
    await k.t.client.POST("/v1/tokens/{tokenId}/pins/{pinNumber}/login", {
      params: { path: { tokenId: k.tokenId, pinNumber: 0 } },
      body: { pin: k.t.tokens["signing-token"]!.pin },
    });
  });
});

async function readPem(k: CryptoToken, label: string): Promise<string> {
  const objectId = await k.idOf("publicKey", label);
  const { data } = await k.t.client.GET("/v1/tokens/{tokenId}/objects/{objectId}/value", { params: { path: { tokenId: k.tokenId, objectId } } });
  return data!.value;
}
