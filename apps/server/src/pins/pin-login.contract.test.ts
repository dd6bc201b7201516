import { connectByLabel, countingHost, login, logout, pinState, startTestService, type TestService } from "@open-scws/test-support";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

describe("PIN login and logout against SoftHSM", () => {
  let t: TestService;
  const counter = countingHost();
  beforeAll(async () => {
    t = await startTestService({ tokenLabels: ["pins-main", "pins-lifecycle"], decorateHost: counter.decorate });
  });
  afterAll(() => t.close());
  const token = () => t.tokens["pins-main"]!;

  it("reports the PIN's state with the service's counters and the token's length limits", async () => {
    const tokenId = await connectByLabel(t, "pins-main");
    const { data, response } = await pinState(t, tokenId);
    expect(response.status).toBe(200);
    expect(data).toMatchObject({
      number: 0,
      initialized: true,
      blocked: false,
      tryCountLow: false,
      lastTry: false,
      remainingTries: 3,
      maxTries: 3,
      soRemainingTries: 3,
      soMaxTries: 3,
      validated: false,
      soValidated: false,
      minLength: 4,
      maxLength: 255,
    });
  });

  it("logs in with the right PIN, and the token shows the PIN validated", async () => {
    const tokenId = await connectByLabel(t, "pins-main");
    const { data, response } = await login(t, tokenId, token().pin);
    expect(response.status).toBe(200);
    expect(data).toMatchObject({ validated: true, remainingTries: 3 });
    const described = await t.client.GET("/v1/tokens/{tokenId}", { params: { path: { tokenId } } });
    expect(described.data?.pins[0]?.validated).toBe(true);
    const again = await login(t, tokenId, token().pin);
    expect(again.error?.code).toBe("CKR_USER_ALREADY_LOGGED_IN");
    expect((await logout(t, tokenId)).data?.validated).toBe(false);
  });

  it("answers a wrong PIN with CKR_PIN_INCORRECT and the remaining tries, and a right one starts the count afresh", async () => {
    const tokenId = await connectByLabel(t, "pins-main");
    const wrong = await login(t, tokenId, "wrong-pin-1");
    expect(wrong.response.status).toBe(403);
    expect(wrong.error).toMatchObject({ code: "CKR_PIN_INCORRECT", customData: { remainingTries: 2, pkcs11: { name: "CKR_PIN_INCORRECT" } } });
    expect((await pinState(t, tokenId)).data).toMatchObject({ tryCountLow: true, remainingTries: 2 });
    expect((await login(t, tokenId, token().pin)).data?.remainingTries).toBe(3);
    await logout(t, tokenId);
  });

  it("answers a login after a wrong PIN with the PIN's state after the login, as a GET right after shows it", async () => {
    const tokenId = await connectByLabel(t, "pins-main");
    expect((await login(t, tokenId, "wrong-pin-2")).error?.code).toBe("CKR_PIN_INCORRECT");
    const answered = await login(t, tokenId, token().pin);
    expect(answered.data).toMatchObject({ validated: true, tryCountLow: false, lastTry: false, remainingTries: 3 });
    expect(answered.data).toEqual((await pinState(t, tokenId)).data);
    await logout(t, tokenId);
  });

  it.each([
    ["too short for the token", "CKR_PIN_LEN_RANGE", "123", 400],
    ["longer than any token accepts", "CKR_PIN_LEN_RANGE", "9".repeat(256), 400],
    ["holding a control character", "CKR_PIN_INVALID", "12\u000034", 400],
  ])("refuses a PIN %s with %s, without touching the token", async (_case, code, pin, status) => {
    const tokenId = await connectByLabel(t, "pins-main");
    const before = counter.total("login");
    const { error, response } = await login(t, tokenId, pin);
    expect(response.status).toBe(status);
    expect(error).toMatchObject({ code, customData: { field: "/body/pin" } });
    expect(counter.total("login")).toBe(before);
    expect((await pinState(t, tokenId)).data?.remainingTries).toBe(3);
  });

  it("refuses a missing PIN on a token without a PIN pad, and a PIN number the token lacks", async () => {
    const tokenId = await connectByLabel(t, "pins-main");
    const missing = await login(t, tokenId, null);
    expect(missing.error).toMatchObject({ code: "CKR_ARGUMENTS_BAD", customData: { field: "/body/pin" } });
    const other = await t.client.GET("/v1/tokens/{tokenId}/pins/{pinNumber}", { params: { path: { tokenId, pinNumber: 1 } } });
    expect(other.error).toMatchObject({ code: "CKR_ARGUMENTS_BAD", customData: { field: "/path/pinNumber" } });
  });

  it("answers logging out without a login with CKR_USER_NOT_LOGGED_IN", async () => {
    const tokenId = await connectByLabel(t, "pins-main");
    const { error, response } = await logout(t, tokenId);
    expect(response.status).toBe(403);
    expect(error?.code).toBe("CKR_USER_NOT_LOGGED_IN");
  });

  it("refuses a user login while the same caller is logged in as SO", async () => {
    const tokenId = await connectByLabel(t, "pins-main");
    expect((await login(t, tokenId, token().soPin, { userType: "so" })).data?.soValidated).toBe(true);
    const user = await login(t, tokenId, token().pin);
    expect(user.response.status).toBe(409);
    expect(user.error?.code).toBe("CKR_USER_ANOTHER_ALREADY_LOGGED_IN");
    await logout(t, tokenId);
  });

  it("ends the login with the caller's last connection to the token", async () => {
    const first = await connectByLabel(t, "pins-lifecycle");
    const second = await connectByLabel(t, "pins-lifecycle");
    await login(t, first, t.tokens["pins-lifecycle"]!.pin);
    await t.client.DELETE("/v1/tokens/{tokenId}", { params: { path: { tokenId: first } } });
    expect((await pinState(t, second)).data?.validated).toBe(true);
    await t.client.DELETE("/v1/tokens/{tokenId}", { params: { path: { tokenId: second } } });
    const third = await connectByLabel(t, "pins-lifecycle");
    expect((await pinState(t, third)).data?.validated).toBe(false);
    expect((await login(t, third, t.tokens["pins-lifecycle"]!.pin)).response.status).toBe(200);
    await logout(t, third);
  });

  it("never writes a PIN to its log", () => {
    expect(t.logs.length).toBeGreaterThan(0);
    expect(t.logs.join("\n")).not.toContain(token().pin);
  });
});
