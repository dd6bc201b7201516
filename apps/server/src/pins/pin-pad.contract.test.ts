// A token behind a reader with its own PIN pad (CKF_PROTECTED_AUTHENTICATION_PATH): login with `pin: null` lets the
// pad take the PIN, so it never passes through the page or the service. SoftHSM has no pad; the fault-injecting
// module adds one in front of it (its pin-pad rule "types" the PIN, or has the user cancel).
import { connectByLabel, faultModuleSetup, login, logout, pinState, startTestService, type TestService } from "@open-scws/test-support";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const PAD = "pad-token";
const PLAIN = "plain-token";

describe("login on a reader with a PIN pad", () => {
  let t: TestService;
  const faults = faultModuleSetup("softhsm");

  beforeAll(async () => {
    t = await startTestService({ tokenLabels: [PAD, PLAIN], ...faults.options });
  });
  afterAll(async () => {
    faults.control().reset();
    await t.close();
  });

  it("shows protectedAuthPath and logs in with a null PIN, the PIN typed on the pad", async () => {
    faults.control().pinPad(PAD, { pin: t.tokens[PAD]!.pin });
    const tokenId = await connectByLabel(t, PAD);
    const token = await t.client.GET("/v1/tokens/{tokenId}", { params: { path: { tokenId } } });
    expect(token.data).toMatchObject({ label: PAD, protectedAuthPath: true });
    const loggedIn = await login(t, tokenId, null);
    expect(loggedIn.response.status).toBe(200);
    expect(loggedIn.data).toMatchObject({ validated: true });
    expect((await logout(t, tokenId)).response.status).toBe(200);
  });

  it("answers CKR_FUNCTION_CANCELED when the user cancels on the pad, and a wrong PIN on the pad as CKR_PIN_INCORRECT", async () => {
    const tokenId = await connectByLabel(t, PAD);
    faults.control().pinPad(PAD, { cancel: true });
    const cancelled = await login(t, tokenId, null);
    expect(cancelled.response.status).toBe(409);
    expect(cancelled.error).toMatchObject({ code: "CKR_FUNCTION_CANCELED" });
    expect((await pinState(t, tokenId)).data).toMatchObject({ validated: false });

    faults.control().pinPad(PAD, { pin: "000000" });
    const wrong = await login(t, tokenId, null);
    expect(wrong.error).toMatchObject({ code: "CKR_PIN_INCORRECT", customData: { remainingTries: 2 } });
    faults.control().pinPad(PAD, { pin: t.tokens[PAD]!.pin });
    expect((await login(t, tokenId, null)).data).toMatchObject({ validated: true, remainingTries: 3 });
    await logout(t, tokenId);
  });

  it("refuses a null PIN on a token without a pad, naming the field", async () => {
    const tokenId = await connectByLabel(t, PLAIN);
    const refused = await login(t, tokenId, null);
    expect(refused.response.status).toBe(400);
    expect(refused.error).toMatchObject({ code: "CKR_ARGUMENTS_BAD", customData: { field: "/body/pin" } });
  });
});
