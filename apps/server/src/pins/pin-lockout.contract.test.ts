import { SoftHsmSandbox } from "@open-scws/softhsm";
import { connectByLabel, countingHost, login, logout, pinState, startTestService, type TestService } from "@open-scws/test-support";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

describe("the last PIN try by default, as in SCWS (no confirmation asked)", () => {
  let t: TestService;
  beforeAll(async () => {
    t = await startTestService({ tokenLabels: ["final-right", "final-wrong"] });
  });
  afterAll(() => t.close());

  it("logs in with the right PIN on the last try without confirmFinalTry, and the count starts afresh", async () => {
    const tokenId = await connectByLabel(t, "final-right");
    await login(t, tokenId, "wrong-1111");
    await login(t, tokenId, "wrong-2222");
    expect((await pinState(t, tokenId)).data).toMatchObject({ lastTry: true, remainingTries: 1 });
    expect((await login(t, tokenId, t.tokens["final-right"]!.pin)).data).toMatchObject({ validated: true, remainingTries: 3, lastTry: false });
    await logout(t, tokenId);
  });

  it("spends the last try on a wrong PIN without confirmFinalTry, and the service's limit then locks the PIN", async () => {
    const tokenId = await connectByLabel(t, "final-wrong");
    await login(t, tokenId, "wrong-1111");
    await login(t, tokenId, "wrong-2222");
    expect((await login(t, tokenId, "wrong-3333")).error).toMatchObject({ code: "CKR_PIN_INCORRECT", customData: { remainingTries: 0 } });
    const locked = await login(t, tokenId, t.tokens["final-wrong"]!.pin);
    expect(locked.error).toMatchObject({ code: "CKR_PIN_LOCKED", customData: { remainingTries: 0 } });
  });
});

describe("the service's PIN retry limit over SoftHSM, which never locks by itself (application opted in to confirming the last try)", () => {
  let t: TestService;
  const counter = countingHost();
  beforeAll(async () => {
    t = await startTestService({ tokenLabels: ["lock-user", "lock-so", "lock-change"], decorateHost: counter.decorate, confirmFinalTry: true });
  });
  afterAll(() => t.close());

  it("locks the PIN after three wrong tries, asking to confirm the last one, and refuses even the right PIN then", async () => {
    const tokenId = await connectByLabel(t, "lock-user");
    expect((await login(t, tokenId, "wrong-1111")).error?.customData.remainingTries).toBe(2);
    expect((await login(t, tokenId, "wrong-2222")).error?.customData.remainingTries).toBe(1);
    expect((await pinState(t, tokenId)).data).toMatchObject({ lastTry: true, remainingTries: 1, blocked: false });

    const logins = counter.total("login");
    const unconfirmed = await login(t, tokenId, "wrong-3333");
    expect(unconfirmed.response.status).toBe(409);
    expect(unconfirmed.error).toMatchObject({ code: "SCWS_FINAL_TRY_UNCONFIRMED", customData: { remainingTries: 1 } });
    expect(counter.total("login")).toBe(logins);

    const spent = await login(t, tokenId, "wrong-3333", { confirmFinalTry: true });
    expect(spent.error).toMatchObject({ code: "CKR_PIN_INCORRECT", customData: { remainingTries: 0 } });
    expect((await pinState(t, tokenId)).data).toMatchObject({ blocked: true, remainingTries: 0 });

    const locked = await login(t, tokenId, t.tokens["lock-user"]!.pin, { confirmFinalTry: true });
    expect(locked.response.status).toBe(403);
    expect(locked.error).toMatchObject({ code: "CKR_PIN_LOCKED", customData: { remainingTries: 0 } });
    expect(counter.total("login")).toBe(logins + 1);
  });

  it("unblocks the user PIN with a new one after an SO login, and the count starts afresh", async () => {
    const tokenId = await connectByLabel(t, "lock-user");
    const denied = await t.client.POST("/v1/tokens/{tokenId}/pins/{pinNumber}/unblock", {
      params: { path: { tokenId, pinNumber: 0 } },
      body: { newPin: "fresh-4242" },
    });
    expect(denied.error?.code).toBe("CKR_USER_NOT_LOGGED_IN");

    t.addCanary("fresh-4242");
    expect((await login(t, tokenId, t.tokens["lock-user"]!.soPin, { userType: "so" })).data?.soValidated).toBe(true);
    const unblocked = await t.client.POST("/v1/tokens/{tokenId}/pins/{pinNumber}/unblock", {
      params: { path: { tokenId, pinNumber: 0 } },
      body: { newPin: "fresh-4242" },
    });
    expect(unblocked.data).toMatchObject({ blocked: false, remainingTries: 3 });
    await logout(t, tokenId);
    expect((await login(t, tokenId, t.tokens["lock-user"]!.pin)).error?.code).toBe("CKR_PIN_INCORRECT");
    expect((await login(t, tokenId, "fresh-4242")).data?.validated).toBe(true);
    await logout(t, tokenId);
  });

  it("counts wrong SO PINs separately", async () => {
    const tokenId = await connectByLabel(t, "lock-so");
    const wrong = await login(t, tokenId, "wrong-so-pin", { userType: "so" });
    expect(wrong.error).toMatchObject({ code: "CKR_PIN_INCORRECT", customData: { remainingTries: 2 } });
    expect((await pinState(t, tokenId)).data).toMatchObject({ soRemainingTries: 2, remainingTries: 3 });
  });

  it("changes the user PIN, counting a wrong old PIN as a failed try", async () => {
    const tokenId = await connectByLabel(t, "lock-change");
    const path = { params: { path: { tokenId, pinNumber: 0 } } };
    t.addCanary("changed-9876");
    const wrong = await t.client.POST("/v1/tokens/{tokenId}/pins/{pinNumber}/change", { ...path, body: { oldPin: "not-the-pin", newPin: "changed-9876" } });
    expect(wrong.error).toMatchObject({ code: "CKR_PIN_INCORRECT", customData: { remainingTries: 2 } });
    const short = await t.client.POST("/v1/tokens/{tokenId}/pins/{pinNumber}/change", {
      ...path,
      body: { oldPin: t.tokens["lock-change"]!.pin, newPin: "12" },
    });
    expect(short.error).toMatchObject({ code: "CKR_PIN_LEN_RANGE", customData: { field: "/body/newPin" } });
    const changed = await t.client.POST("/v1/tokens/{tokenId}/pins/{pinNumber}/change", {
      ...path,
      body: { oldPin: t.tokens["lock-change"]!.pin, newPin: "changed-9876" },
    });
    expect(changed.data?.remainingTries).toBe(3);
    expect((await login(t, tokenId, "changed-9876")).data?.validated).toBe(true);
    await logout(t, tokenId);
  });
});

describe("the PIN retry counter across a restart", () => {
  const sandbox = SoftHsmSandbox.temporary();
  const dataDir = `${sandbox.dir}/data`;
  afterAll(() => sandbox.remove());

  it("survives the service's restart, and its limit is configurable", async () => {
    const first = await startTestService({ sandbox, dataDir, tokenLabels: ["restart-token"] });
    const tokenId = await connectByLabel(first, "restart-token");
    expect((await login(first, tokenId, "wrong-pin-x")).error?.customData.remainingTries).toBe(2);
    await first.close();

    const second = await startTestService({ sandbox, dataDir, configure: (config) => ({ ...config, pinPolicy: { maxTries: 5, soMaxTries: 5 } }) });
    try {
      const again = await connectByLabel(second, "restart-token");
      expect((await pinState(second, again)).data).toMatchObject({ maxTries: 5, remainingTries: 4, tryCountLow: true });
    } finally {
      await second.close();
    }
  });
});
