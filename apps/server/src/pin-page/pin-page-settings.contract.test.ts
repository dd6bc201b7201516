// The operator's limits (pinRequests.ttlSeconds, autoLogin.maxSeconds and maxUses) reach the service: a kept PIN
// answers at most maxUses key operations whatever counter the application asks for, and the request's and
// auto-login's deadlines are the configured ones. (Their expiry itself: pin-page-limits.test.ts, on a fake clock.)
import { createHash } from "node:crypto";
import { type CryptoToken, login, logout, startCryptoToken } from "@open-scws/test-support";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const LABEL = "pin-page-settings";
const HASH = createHash("sha256").update("pin-page-settings").digest("base64");

describe("a service configured with a 30 s PIN request and an auto-login of at most 60 s and 2 uses", () => {
  let k: CryptoToken;
  beforeAll(async () => {
    k = await startCryptoToken(LABEL, {
      configure: (config) => ({ ...config, pinRequests: { ttlSeconds: 30 }, autoLogin: { maxSeconds: 60, maxUses: 2 } }),
    });
    await logout(k.t, k.tokenId);
  });
  afterAll(() => k.t.close());
  const path = () => ({ tokenId: k.tokenId, pinNumber: 0 });
  const start = (body: { counter?: number }) => k.t.client.PUT("/v1/tokens/{tokenId}/pins/{pinNumber}/auto-login", { params: { path: path() }, body });
  const signAlways = async () => {
    const objectId = await k.idOf("privateKey", "ec-always");
    return k.t.client.POST("/v1/tokens/{tokenId}/keys/{objectId}/sign", { params: { path: { tokenId: k.tokenId, objectId } }, body: { hash: HASH } });
  };
  /** Whether an ISO time is `seconds` after some moment between `before` and `after` (epoch milliseconds). */
  const secondsAfter = (iso: string, seconds: number, before: number, after: number) => {
    const at = Date.parse(iso) - seconds * 1000;
    return at >= before - 1000 && at <= after + 1000;
  };

  it("lowers startAutoLogin(5) and startAutoLogin() to 2 uses: the third signature needs the PIN again", async () => {
    const before = Date.now();
    const asked = await start({ counter: 5 });
    expect(asked.data).toMatchObject({ active: true, pinKept: false, usesLeft: 2 });
    expect(secondsAfter(asked.data!.expiresAt, 60, before, Date.now())).toBe(true);
    expect((await start({})).data?.usesLeft).toBe(2);

    await login(k.t, k.tokenId, k.t.tokens[LABEL]!.pin);
    expect((await signAlways()).response.status).toBe(200);
    expect((await signAlways()).response.status).toBe(200);
    expect((await signAlways()).error).toMatchObject({ code: "CKR_USER_NOT_LOGGED_IN", customData: { field: "/body/pin" } });
    await logout(k.t, k.tokenId);
  });

  it("gives a PIN request the configured 30 s", async () => {
    const before = Date.now();
    const created = await k.t.client.POST("/v1/tokens/{tokenId}/pins/{pinNumber}/pin-requests", { params: { path: path() }, body: {} });
    expect(created.data?.state).toBe("pending");
    expect(secondsAfter(created.data!.expiresAt, 30, before, Date.now())).toBe(true);
    await k.t.anonymous.POST("/pin-entry/{requestId}", { params: { path: { requestId: created.data!.id } }, body: { cancel: true } });
  });
});
