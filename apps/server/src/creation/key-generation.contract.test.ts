import { pkcs11Tool } from "@open-scws/softhsm";
import type { components } from "@open-scws/spec";
import { connectByLabel, login, logout, signWithPkcs11ToolAndVerify, startTestService, type TestService } from "@open-scws/test-support";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const LABEL = "keygen-token";
type GenerateKeyRequest = components["schemas"]["GenerateKeyRequest"];

describe("generateKey against SoftHSM, checked with pkcs11-tool and openssl", () => {
  let t: TestService;
  let tokenId: string;
  /** Sends any body, so that bodies the spec refuses can be sent too; answers are still checked against the spec. */
  const generate = (body: Record<string, unknown>) =>
    t.client.POST("/v1/tokens/{tokenId}/keys", { params: { path: { tokenId } }, body: body as GenerateKeyRequest });
  const publicKeyPem = async (objectId: string) =>
    (await t.client.GET("/v1/tokens/{tokenId}/objects/{objectId}/value", { params: { path: { tokenId, objectId } } })).data!.value;
  const details = async (objectId: string) =>
    (await t.client.GET("/v1/tokens/{tokenId}/objects/{objectId}/details", { params: { path: { tokenId, objectId } } })).data!;

  beforeAll(async () => {
    t = await startTestService({ tokenLabels: [LABEL] });
    tokenId = await connectByLabel(t, LABEL);
    await login(t, tokenId, t.tokens[LABEL]!.pin);
  });
  afterAll(() => t.close());

  it("refuses to generate without the user login, with CKR_USER_NOT_LOGGED_IN, and makes nothing", async () => {
    await logout(t, tokenId);
    const { response, error } = await generate({ algorithm: "EC", curve: "P-256" });
    await login(t, tokenId, t.tokens[LABEL]!.pin);
    expect(response.status).toBe(403);
    expect(error?.code).toBe("CKR_USER_NOT_LOGGED_IN");
    expect(pkcs11Tool(t.sandbox, ["--token-label", LABEL, "--list-objects", "--type", "pubkey"])).not.toContain("EC P-256");
  });

  it.each(["P-256", "P-384", "P-521"] as const)("generates an EC %s pair whose key signs with pkcs11-tool and verifies with openssl", async (curve) => {
    const { data, response } = await generate({ algorithm: "EC", curve, ckLabel: `ec-${curve}` });
    expect(response.status).toBe(201);
    expect(data?.privateKey).toMatchObject({ type: "privateKey", algorithmName: "ECDSA", private: true, ckLabel: `ec-${curve}`, alwaysAuthenticate: false });
    expect(data?.publicKey).toMatchObject({ type: "publicKey", algorithmName: "ECDSA", private: false, ckId: data?.privateKey?.ckId });
    const ckId = data!.privateKey!.ckId!;
    expect(ckId).toMatch(/^[0-9a-f]{40}$/);
    expect(signWithPkcs11ToolAndVerify(t, LABEL, ckId, "EC", await publicKeyPem(data!.publicKey!.id))).toBe("Verified OK");
    expect((await details(data!.publicKey!.id)).key).toMatchObject({ algorithm: "ECDSA", curve, local: true });
  });

  it("generates an RSA 2048 pair: sensitive, not extractable, signing by default, and openssl verifies its signature", async () => {
    const { data } = await generate({ algorithm: "RSA", sizeBits: 2048, ckId: "0a0b0c" });
    expect(data?.privateKey).toMatchObject({ ckId: "0a0b0c", ckLabel: "RSA 2048", algorithmName: "RSA" });
    const privateDetails = await details(data!.privateKey!.id);
    expect(privateDetails.key).toMatchObject({
      sizeBits: 2048,
      sensitive: true,
      extractable: false,
      alwaysAuthenticate: false,
      usage: { sign: true, decrypt: true, unwrap: false, derive: false },
    });
    expect((await details(data!.publicKey!.id)).key?.usage).toMatchObject({ verify: true, encrypt: true, wrap: false });
    expect(signWithPkcs11ToolAndVerify(t, LABEL, "0a0b0c", "RSA", await publicKeyPem(data!.publicKey!.id))).toBe("Verified OK");
  });

  it("sets the usage flags, extractability and alwaysAuthenticate asked for", async () => {
    const { data } = await generate({
      algorithm: "RSA",
      sizeBits: 3072,
      usage: { sign: false, encrypt: true, wrap: true },
      alwaysAuthenticate: true,
      extractable: true,
    });
    expect(data?.privateKey?.alwaysAuthenticate).toBe(true);
    expect((await details(data!.privateKey!.id)).key).toMatchObject({
      sizeBits: 3072,
      extractable: true,
      alwaysAuthenticate: true,
      usage: { sign: false, decrypt: true, unwrap: true },
    });
    const listing = pkcs11Tool(t.sandbox, ["--token-label", LABEL, "--login", "--pin", t.tokens[LABEL]!.pin, "--list-objects", "--type", "privkey"]);
    expect(listing).toContain("RSA 3072");
    expect(listing).toMatch(/Access:\s+always authenticate/);
  });

  it.each([128, 192, 256])("generates an AES-%i secret key, private and sensitive, with a random ckId", async (sizeBits) => {
    const { data, response } = await generate({ algorithm: "AES", sizeBits });
    expect(response.status).toBe(201);
    expect(data?.secretKey).toMatchObject({ type: "secretKey", algorithmName: "AES", private: true, ckLabel: `AES ${sizeBits}` });
    expect(data?.secretKey?.ckId).toMatch(/^[0-9a-f]{16}$/);
    expect((await details(data!.secretKey!.id)).key).toMatchObject({ sizeBits, sensitive: true, extractable: false, usage: { encrypt: true, decrypt: true } });
  });

  it("answers CXR_CONTAINER_EXISTS for a ckId a key of the same type already has, and makes nothing", async () => {
    const before = pkcs11Tool(t.sandbox, ["--token-label", LABEL, "--login", "--pin", t.tokens[LABEL]!.pin, "--list-objects"]);
    const { response, error } = await generate({ algorithm: "EC", curve: "P-256", ckId: "0A0B0C" });
    expect(response.status).toBe(409);
    expect(error).toMatchObject({ code: "CXR_CONTAINER_EXISTS", customData: { ckId: "0a0b0c" } });
    expect(pkcs11Tool(t.sandbox, ["--token-label", LABEL, "--login", "--pin", t.tokens[LABEL]!.pin, "--list-objects"])).toBe(before);
  });

  it("answers CKR_ARGUMENTS_BAD for members that do not fit the algorithm, naming them", async () => {
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ algorithm: "RSA", sizeBits: 2048, curve: "P-256" }, "/body/curve"],
      [{ algorithm: "EC" }, "/body/curve"],
      [{ algorithm: "EC", curve: "P-256", sizeBits: 256 }, "/body/sizeBits"],
      [{ algorithm: "RSA", sizeBits: 1024 }, "/body/sizeBits"],
      [{ algorithm: "RSA", sizeBits: 8192 }, "/body/sizeBits"],
      [{ algorithm: "AES", sizeBits: 512 }, "/body/sizeBits"],
      [{ algorithm: "EC", curve: "P-192" }, "/body/curve"],
      [{ algorithm: "AES", sizeBits: 128, alwaysAuthenticate: true }, "/body/alwaysAuthenticate"],
    ];
    for (const [body, field] of cases) {
      const { response, error } = await generate(body);
      expect(response.status, JSON.stringify(body)).toBe(400);
      expect(error).toMatchObject({ code: "CKR_ARGUMENTS_BAD", customData: { field } });
    }
  });

  it("answers CKR_TEMPLATE_INCONSISTENT for a usage the key type cannot have", async () => {
    const ec = await generate({ algorithm: "EC", curve: "P-256", usage: { encrypt: true } });
    expect(ec.error).toMatchObject({ code: "CKR_TEMPLATE_INCONSISTENT", customData: { field: "/body/usage/encrypt" } });
    const rsa = await generate({ algorithm: "RSA", sizeBits: 2048, usage: { derive: true } });
    expect(rsa.error).toMatchObject({ code: "CKR_TEMPLATE_INCONSISTENT", customData: { field: "/body/usage/derive" } });
  });

  it("answers an unknown token connection with 404, and a body that is not JSON with 415", async () => {
    const unknown = await t.client.POST("/v1/tokens/{tokenId}/keys", {
      params: { path: { tokenId: "t-00000000000000000000000000000000" } },
      body: { algorithm: "EC", curve: "P-256" },
    });
    expect(unknown.response.status).toBe(404);
    expect(unknown.error?.code).toBe("CKR_SESSION_HANDLE_INVALID");
    const text = await t.fetch(`/v1/tokens/${tokenId}/keys`, { method: "POST", headers: { "content-type": "text/plain" }, body: "EC" });
    expect(text.status).toBe(415);
  });

  it("hides the private and secret keys it made from a caller who logged out", async () => {
    await generate({ algorithm: "AES", sizeBits: 128, ckLabel: "hidden-after-logout" });
    await logout(t, tokenId);
    const listed = await t.client.GET("/v1/tokens/{tokenId}/objects", { params: { path: { tokenId } } });
    await login(t, tokenId, t.tokens[LABEL]!.pin);
    expect(listed.data?.objects.filter((object) => object.type === "privateKey" || object.type === "secretKey")).toEqual([]);
  });
});
