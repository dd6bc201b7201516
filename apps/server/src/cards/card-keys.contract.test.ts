import { createHash, publicEncrypt, constants as rsaConstants } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { CARD_PIN, type CardTestService, login, makeOpensslIdentity, openssl, startCardTestService } from "@open-scws/test-support";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const DATA = Buffer.from("a document signed on the virtual PIV card");
const b64 = (bytes: Uint8Array) => Buffer.from(bytes).toString("base64");

describe("keys and certificates of the virtual PIV card through OpenSC, checked by openssl", () => {
  let c: CardTestService;
  let tokenId: string;
  const dir = mkdtempSync(join(tmpdir(), "scws-card-keys-"));
  beforeAll(async () => {
    c = await startCardTestService();
    tokenId = await c.connect();
    expect((await login(c.t, tokenId, CARD_PIN)).data?.validated).toBe(true);
  }, 60_000);
  afterAll(async () => {
    await c?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  async function privateKey(ckId: string) {
    const { data } = await c.t.client.GET("/v1/tokens/{tokenId}/objects", { params: { path: { tokenId } } });
    const key = data?.objects.find((object) => object.type === "privateKey" && object.ckId === ckId);
    if (!key) throw new Error(`no private key ${ckId}: ${JSON.stringify(data?.objects.map((object) => [object.type, object.ckId]))}`);
    return key;
  }
  function opensslVerifies(slot: "9a" | "9c", signature: string): string {
    const certificate = join(dir, `${slot}.pem`);
    writeFileSync(certificate, c.stack.card.certificatePem(slot));
    const publicKey = join(dir, `${slot}.pub.pem`);
    writeFileSync(publicKey, openssl(dir, ["x509", "-in", certificate, "-pubkey", "-noout"]));
    writeFileSync(join(dir, "data.bin"), DATA);
    writeFileSync(join(dir, `${slot}.sig`), Buffer.from(signature, "base64"));
    return openssl(dir, ["dgst", "-sha256", "-verify", publicKey, "-signature", `${slot}.sig`, "data.bin"]).trim();
  }
  const hash = b64(createHash("sha256").update(DATA).digest());

  it("reads the 9A certificate as the card holds it", async () => {
    const { data } = await c.t.client.GET("/v1/tokens/{tokenId}/objects", { params: { path: { tokenId } } });
    const certificate = data?.objects.find((object) => object.type === "certificate" && object.ckId === "01");
    expect(certificate).toBeDefined();
    const value = await c.t.client.GET("/v1/tokens/{tokenId}/objects/{objectId}/value", { params: { path: { tokenId, objectId: certificate!.id } } });
    expect(value.data?.value.replace(/\s/g, "")).toBe(c.stack.card.certificatePem("9a").replace(/\s/g, ""));
  });

  it("signs with the RSA key in 9A, which openssl verifies with the 9A certificate", async () => {
    const key = await privateKey("01");
    const signed = await c.t.client.POST("/v1/tokens/{tokenId}/keys/{objectId}/sign", {
      params: { path: { tokenId, objectId: key.id } },
      body: { hash, algorithm: "sha256" },
    });
    expect(signed.response.status).toBe(200);
    expect(opensslVerifies("9a", signed.data!.signature)).toBe("Verified OK");
  });

  it("signs with the P-256 key in 9C only with the PIN for that signature (CKA_ALWAYS_AUTHENTICATE), which openssl verifies", async () => {
    const key = await privateKey("02");
    expect(key.alwaysAuthenticate).toBe(true);
    const path = { params: { path: { tokenId, objectId: key.id } } };
    const without = await c.t.client.POST("/v1/tokens/{tokenId}/keys/{objectId}/sign", { ...path, body: { hash } });
    expect(without.error).toMatchObject({ code: "CKR_USER_NOT_LOGGED_IN", customData: { field: "/body/pin" } });
    for (let round = 0; round < 2; round += 1) {
      const signed = await c.t.client.POST("/v1/tokens/{tokenId}/keys/{objectId}/sign", { ...path, body: { hash, pin: CARD_PIN, signatureFormat: "der" } });
      expect(signed.response.status).toBe(200);
      expect(opensslVerifies("9c", signed.data!.signature)).toBe("Verified OK");
    }
  });

  it("decrypts with the RSA key in 9D what was encrypted to its certificate", async () => {
    const key = await privateKey("03");
    const ciphertext = publicEncrypt({ key: c.stack.card.certificatePem("9d"), padding: rsaConstants.RSA_PKCS1_PADDING }, Buffer.from("session key"));
    const { data, error } = await c.t.client.POST("/v1/tokens/{tokenId}/keys/{objectId}/decrypt", {
      params: { path: { tokenId, objectId: key.id } },
      body: { ciphertext: b64(ciphertext) },
    });
    expect(error).toBeUndefined();
    expect(Buffer.from(data!.plaintext, "base64").toString()).toBe("session key");
  });

  it("answers key generation and certificate import, which a PIV card does not offer through OpenSC, with 422 CKR_FUNCTION_NOT_SUPPORTED", async () => {
    const generated = await c.t.client.POST("/v1/tokens/{tokenId}/keys", { params: { path: { tokenId } }, body: { algorithm: "EC", curve: "P-256" } });
    expect([generated.response.status, generated.error?.code]).toEqual([422, "CKR_FUNCTION_NOT_SUPPORTED"]);
    const imported = await c.t.client.POST("/v1/tokens/{tokenId}/certificates", {
      params: { path: { tokenId } },
      body: { certificate: makeOpensslIdentity(dir, "other", { subject: "/CN=not on the card" }).certificatePem, ckLabel: "other" },
    });
    expect(imported.response.status).toBeLessThan(500);
    expect(imported.error?.code).toBe("CKR_FUNCTION_NOT_SUPPORTED");
  });
});
