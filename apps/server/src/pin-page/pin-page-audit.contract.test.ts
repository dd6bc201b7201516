// The PIN page's requests and answers and auto-login's start, uses and stop are in the audit log: who (the
// environment and its application), what, which token, how it ended; and never the PIN, right or wrong.
import { createHash } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type CryptoToken, login, logout, startCryptoToken } from "@open-scws/test-support";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const LABEL = "pin-page-audit";
const HASH = createHash("sha256").update("pin-page-audit").digest("base64");
const WRONG_PIN = "wrong-audited-9172";

type AuditLine = Record<string, string>;

describe("the audit log of the PIN page and auto-login", () => {
  const dataDir = mkdtempSync(join(tmpdir(), "scws-pin-page-audit-"));
  let k: CryptoToken;
  let readerId: string;
  let closed = false;
  beforeAll(async () => {
    k = await startCryptoToken(LABEL, { configure: (config) => ({ ...config, dataDir }) });
    k.t.addCanary(WRONG_PIN);
    await logout(k.t, k.tokenId);
    const { data } = await k.t.client.GET("/v1/readers");
    readerId = data!.readers.find((reader) => reader.token?.label === LABEL)!.id;
  });
  afterAll(async () => {
    if (!closed) await k.t.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  const pin = () => k.t.tokens[LABEL]!.pin;
  const path = () => ({ tokenId: k.tokenId, pinNumber: 0 });
  const createRequest = async (purpose: "login" | "credential") =>
    (await k.t.client.POST("/v1/tokens/{tokenId}/pins/{pinNumber}/pin-requests", { params: { path: path() }, body: { purpose } })).data!;
  const submit = (requestId: string, body: { pin?: string; cancel?: boolean }) =>
    k.t.anonymous.POST("/pin-entry/{requestId}", { params: { path: { requestId } }, body });
  const signAlways = async () => {
    const objectId = await k.idOf("privateKey", "ec-always");
    return k.t.client.POST("/v1/tokens/{tokenId}/keys/{objectId}/sign", { params: { path: { tokenId: k.tokenId, objectId } }, body: { hash: HASH } });
  };

  it("records each request, answer, credential login and auto-login event, naming the environment, and holds no PIN", async () => {
    // On the page: a login, a wrong PIN, a cancel, a credential and its login.
    expect((await submit((await createRequest("login")).id, { pin: pin() })).data?.state).toBe("done");
    await logout(k.t, k.tokenId);
    expect((await submit((await createRequest("login")).id, { pin: WRONG_PIN })).error?.code).toBe("CKR_PIN_INCORRECT");
    expect((await submit((await createRequest("login")).id, { cancel: true })).data?.state).toBe("cancelled");
    const credential = await createRequest("credential");
    expect((await submit(credential.id, { pin: pin() })).data?.state).toBe("captured");
    const used = await k.t.client.POST("/v1/pin-requests/{requestId}/login", { params: { path: { requestId: credential.id } } });
    expect(used.data?.validated).toBe(true);
    await logout(k.t, k.tokenId);

    // Auto-login: started for one use, used once, refused the second time, stopped.
    expect((await k.t.client.PUT("/v1/tokens/{tokenId}/pins/{pinNumber}/auto-login", { params: { path: path() }, body: { counter: 1 } })).data?.usesLeft).toBe(
      1,
    );
    await login(k.t, k.tokenId, pin());
    expect((await signAlways()).response.status).toBe(200);
    expect((await signAlways()).error?.code).toBe("CKR_USER_NOT_LOGGED_IN");
    expect((await k.t.client.DELETE("/v1/tokens/{tokenId}/pins/{pinNumber}/auto-login", { params: { path: path() } })).response.status).toBe(204);
    await logout(k.t, k.tokenId);

    // Closing the service flushes the audit log (and fails if any log holds a PIN or the credential).
    closed = true;
    await k.t.close();
    const text = readFileSync(join(dataDir, "audit.jsonl"), "utf8");
    expect(text).not.toContain(pin());
    expect(text).not.toContain(WRONG_PIN);
    const lines = text
      .trim()
      .split("\n")
      .map((line) => JSON.parse(line) as AuditLine)
      .filter((line) => line.caller === k.t.callerId && line.event !== "environmentCreated" && line.event !== "environmentEnded");
    const who = { caller: k.t.callerId, application: k.t.application.config.id, token: readerId };
    const page = { ...who, userType: "user", reason: "PIN page" };
    const onCredential = { ...who, userType: "user", reason: "credential on the PIN page" };
    expect(lines.map(({ time, origin, ...line }) => line)).toEqual([
      // startCryptoToken's login, and the logout before the test.
      { event: "loginSucceeded", ...who },
      { event: "logout", ...who },
      { event: "pinRequestCreated", ...page },
      { event: "loginSucceeded", ...page },
      { event: "logout", ...who },
      { event: "pinRequestCreated", ...page },
      { event: "loginFailed", ...page, code: "CKR_PIN_INCORRECT" },
      { event: "pinRequestCreated", ...page },
      { event: "pinRequestCancelled", ...page, code: "CKR_FUNCTION_CANCELED" },
      { event: "pinRequestCreated", ...onCredential },
      { event: "credentialCaptured", ...onCredential },
      { event: "loginSucceeded", ...onCredential },
      { event: "logout", ...who },
      { event: "autoLoginStarted", ...who, usesLeft: "1" },
      { event: "loginSucceeded", ...who },
      { event: "autoLoginUsed", ...who, reason: "auto-login", usesLeft: "0" },
      { event: "autoLoginStopped", ...who },
      { event: "logout", ...who },
    ]);
  });
});
