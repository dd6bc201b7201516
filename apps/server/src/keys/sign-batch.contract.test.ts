import { createHash } from "node:crypto";
import { type CryptoToken, countingHost, startCryptoToken } from "@open-scws/test-support";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

// signBatchWithKey: many hashes, one key, one host call; each result a signature (checked by openssl) or its own error.

const sha = (name: string, text: string) => createHash(name).update(text).digest();
const b64 = (bytes: Uint8Array) => Buffer.from(bytes).toString("base64");
const messages = Array.from({ length: 12 }, (_, index) => `document number ${index}`);

describe("signing many hashes in one request", () => {
  let k: CryptoToken;
  const counter = countingHost();
  beforeAll(async () => {
    k = await startCryptoToken("batch-token", { decorateHost: counter.decorate });
  });
  afterAll(() => k.t.close());

  async function signBatch(label: string, body: Record<string, unknown>) {
    const objectId = await k.idOf("privateKey", label);
    return k.t.client.POST("/v1/tokens/{tokenId}/keys/{objectId}/sign-batch", { params: { path: { tokenId: k.tokenId, objectId } }, body: body as never });
  }
  function opensslVerifies(publicKey: string, message: string, signature: string, digest: string): boolean {
    const dataFile = k.file("message.txt", message);
    const signatureFile = k.file("signature.bin", Buffer.from(signature, "base64"));
    try {
      return k.openssl(["dgst", `-${digest}`, "-verify", publicKey, "-signature", signatureFile, dataFile]).includes("Verified OK");
    } catch {
      return false;
    }
  }

  it("signs every hash with ECDSA (DER) and RSA PKCS#1 v1.5 in one host call, in order, and openssl verifies each", async () => {
    for (const [label, format] of [
      ["ec", "der"],
      ["rsa", undefined],
    ] as const) {
      const before = counter.total("signBatch");
      const signsBefore = counter.total("sign");
      const { data, response } = await signBatch(label, {
        hashes: messages.map((text) => b64(sha("sha256", text))),
        algorithm: "sha256",
        signatureFormat: format,
      });
      expect(response.status).toBe(200);
      expect(counter.total("signBatch") - before).toBe(1);
      expect(counter.total("sign")).toBe(signsBefore);
      expect(data?.results).toHaveLength(messages.length);
      const publicKey = await k.publicKeyFile(label);
      data!.results.forEach((result, index) => {
        expect(result).toMatchObject({ mechanism: label === "ec" ? "CKM_ECDSA" : "CKM_RSA_PKCS" });
        expect(opensslVerifies(publicKey, messages[index]!, (result as { signature: string }).signature, "sha256")).toBe(true);
      });
    }
  });

  it("answers a hash of the wrong length with its own CKR_DATA_LEN_RANGE error and signs the others", async () => {
    const hashes = [b64(sha("sha256", "first")), b64(sha("sha1", "too short")), b64(sha("sha256", "third"))];
    const { data, response } = await signBatch("ec", { hashes, algorithm: "sha256", signatureFormat: "der" });
    expect(response.status).toBe(200);
    const [first, second, third] = data!.results;
    expect(second).toEqual({
      error: expect.objectContaining({ code: "CKR_DATA_LEN_RANGE", status: 400, customData: expect.objectContaining({ field: "/body/hashes/1" }) }),
    });
    const publicKey = await k.publicKeyFile("ec");
    expect(opensslVerifies(publicKey, "first", (first as { signature: string }).signature, "sha256")).toBe(true);
    expect(opensslVerifies(publicKey, "third", (third as { signature: string }).signature, "sha256")).toBe(true);
  });

  it("answers the token's refusal of one item (an RSA block longer than the key) in that item only", async () => {
    const tooLong = b64(Buffer.alloc(300, 1));
    const { data } = await signBatch("rsa", { hashes: [b64(sha("sha256", "before")), tooLong, b64(sha("sha256", "after"))] });
    expect(data!.results[0]).toMatchObject({ mechanism: "CKM_RSA_PKCS" });
    // SoftHSM answers CKR_GENERAL_ERROR here; the PKCS#11 value travels in customData as for a single signature.
    expect(data!.results[1]).toMatchObject({ error: { customData: { pkcs11: { name: expect.stringMatching(/^CKR_/) } } } });
    expect(data!.results[2]).toMatchObject({ mechanism: "CKM_RSA_PKCS" });
  });

  it("takes 1 to 256 hashes, and refuses an empty batch or a larger one before it reaches the token", async () => {
    const hash = b64(sha("sha256", "limit"));
    const full = await signBatch("ec", { hashes: Array.from({ length: 256 }, () => hash) });
    expect(full.data?.results).toHaveLength(256);
    const before = counter.total("signBatch");
    for (const hashes of [[], Array.from({ length: 257 }, () => hash)]) {
      const { error, response } = await signBatch("ec", { hashes });
      expect(response.status).toBe(400);
      expect(error).toMatchObject({ code: "CKR_ARGUMENTS_BAD", customData: { field: "/body/hashes" } });
    }
    expect(counter.total("signBatch")).toBe(before);
  });

  it("fails the whole request for what concerns every hash: the key's type, a public key, a missing per-use PIN", async () => {
    const hashes = [b64(sha("sha256", "a"))];
    expect((await signBatch("ec", { hashes, algorithm: { mgf: "sha256", saltLen: 32 } })).error?.code).toBe("CKR_KEY_TYPE_INCONSISTENT");
    const publicId = await k.idOf("publicKey", "ec");
    const withPublic = await k.t.client.POST("/v1/tokens/{tokenId}/keys/{objectId}/sign-batch", {
      params: { path: { tokenId: k.tokenId, objectId: publicId } },
      body: { hashes },
    });
    expect(withPublic.error?.code).toBe("CKR_KEY_FUNCTION_NOT_PERMITTED");
    expect((await signBatch("ec-always", { hashes })).error).toMatchObject({ code: "CKR_USER_NOT_LOGGED_IN", customData: { field: "/body/pin" } });
  });

  it("signs with an always-authenticate key given its PIN, and counts a wrong PIN once for the whole batch", async () => {
    const hashes = messages.slice(0, 4).map((text) => b64(sha("sha256", text)));
    const wrong = await signBatch("ec-always", { hashes, pin: "wrong-context-pin" });
    expect(wrong.error).toMatchObject({ code: "CKR_PIN_INCORRECT", customData: { remainingTries: 2 } });
    const signed = await signBatch("ec-always", { hashes, pin: k.t.tokens["batch-token"]!.pin, signatureFormat: "der" });
    expect(signed.response.status).toBe(200);
    const publicKey = await k.publicKeyFile("ec-always");
    signed.data!.results.forEach((result, index) => {
      expect(opensslVerifies(publicKey, messages[index]!, (result as { signature: string }).signature, "sha256")).toBe(true);
    });
  });

  it("reads a key's record once across requests, and again after an object of its token changed through the service", async () => {
    const objectId = await k.idOf("privateKey", "ec");
    const publicId = await k.idOf("publicKey", "ec");
    const sign = () =>
      k.t.client.POST("/v1/tokens/{tokenId}/keys/{objectId}/sign-batch", {
        params: { path: { tokenId: k.tokenId, objectId } },
        body: { hashes: [b64(sha("sha256", "cached"))] },
      });
    await sign();
    const reads = counter.total("getObjectAttributes");
    await sign();
    await sign();
    expect(counter.total("getObjectAttributes")).toBe(reads);
    await k.t.client.PATCH("/v1/tokens/{tokenId}/objects/{objectId}", {
      params: { path: { tokenId: k.tokenId, objectId: publicId } },
      body: { ckLabel: "ec" },
    });
    const afterChange = counter.total("getObjectAttributes");
    expect((await sign()).response.status).toBe(200);
    expect(counter.total("getObjectAttributes")).toBe(afterChange + 1);
  });
});
