import { createHash } from "node:crypto";
import { type CryptoToken, login, logout, startCryptoToken } from "@open-scws/test-support";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const LABEL = "auto-login";
const HASH = createHash("sha256").update("auto-login").digest("base64");

describe("auto-login (SCWS's startAutoLogin / stopAutoLogin) for keys that ask for the PIN at each use", () => {
  let k: CryptoToken;
  beforeAll(async () => {
    k = await startCryptoToken(LABEL);
    await logout(k.t, k.tokenId);
  });
  afterAll(() => k.t.close());
  const path = () => ({ tokenId: k.tokenId, pinNumber: 0 });
  const start = (counter?: number) =>
    k.t.client.PUT("/v1/tokens/{tokenId}/pins/{pinNumber}/auto-login", { params: { path: path() }, body: counter === undefined ? {} : { counter } });
  const stop = () => k.t.client.DELETE("/v1/tokens/{tokenId}/pins/{pinNumber}/auto-login", { params: { path: path() } });
  const signAlways = async () => {
    const objectId = await k.idOf("privateKey", "ec-always");
    return k.t.client.POST("/v1/tokens/{tokenId}/keys/{objectId}/sign", { params: { path: { tokenId: k.tokenId, objectId } }, body: { hash: HASH } });
  };

  it("keeps the PIN of the next login for at most `counter` signatures, then asks for it again", async () => {
    const started = await start(2);
    expect(started.data).toMatchObject({ active: true, pinKept: false, usesLeft: 2 });
    await login(k.t, k.tokenId, k.t.tokens[LABEL]!.pin);
    expect((await signAlways()).response.status).toBe(200);
    expect((await signAlways()).response.status).toBe(200);
    expect((await signAlways()).error).toMatchObject({ code: "CKR_USER_NOT_LOGGED_IN", customData: { field: "/body/pin" } });
    await logout(k.t, k.tokenId);
  });

  it("forgets the PIN at stopAutoLogin", async () => {
    await start(5);
    await login(k.t, k.tokenId, k.t.tokens[LABEL]!.pin);
    expect((await signAlways()).response.status).toBe(200);
    expect((await stop()).response.status).toBe(204);
    expect((await signAlways()).error?.code).toBe("CKR_USER_NOT_LOGGED_IN");
    await logout(k.t, k.tokenId);
  });

  it("forgets the PIN at logout: a later login without a new startAutoLogin keeps nothing", async () => {
    await start(5);
    await login(k.t, k.tokenId, k.t.tokens[LABEL]!.pin);
    await logout(k.t, k.tokenId);
    await login(k.t, k.tokenId, k.t.tokens[LABEL]!.pin);
    expect((await signAlways()).error?.code).toBe("CKR_USER_NOT_LOGGED_IN");
    await logout(k.t, k.tokenId);
  });

  it("refuses auto-login on a token connection another environment made", async () => {
    await start(5);
    await login(k.t, k.tokenId, k.t.tokens[LABEL]!.pin);
    const other = await k.t.newEnvironment();
    const stranger = await other.client.PUT("/v1/tokens/{tokenId}/pins/{pinNumber}/auto-login", { params: { path: path() }, body: {} });
    expect(stranger.error?.code).toBe("CKR_SESSION_HANDLE_INVALID");
    await stop();
    await logout(k.t, k.tokenId);
  });
});
