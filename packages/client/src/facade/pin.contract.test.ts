import { findLeak, startTestService, type TestService } from "@open-scws/test-support";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { openEnvironment } from "../testing/facade-token.js";
import { reachableText } from "../testing/reachable-text.js";
import { rejection } from "../testing/rejection.js";
import type { Pin } from "./pin.js";
import { createScws, type Scws } from "./scws.js";
import type { Token } from "./token.js";

// SCWS.Pin against the real service over SoftHSM, whose PINs the service locks after three wrong tries.

const LABELS = ["pin-main", "pin-lock", "pin-last", "pin-change", "pin-canary"] as const;

describe("SCWS.Pin against the service", () => {
  let t: TestService;
  let scws: Scws;
  const open: Token[] = [];
  const secrets = (label: (typeof LABELS)[number]) => t.tokens[label]!;

  async function pinOf(label: (typeof LABELS)[number]): Promise<Pin> {
    const reader = scws.readers.find((candidate) => candidate.tokenSummary?.label === label);
    const token = await reader!.connect();
    open.push(token);
    return token.pins[0]!;
  }

  beforeAll(async () => {
    t = await startTestService({ tokenLabels: LABELS });
    scws = createScws({ ports: [t.service.port] });
    await openEnvironment(scws, t);
  });
  // Each test has its own connections; ending them ends their logins, whatever the test left.
  afterEach(async () => {
    for (const token of open.splice(0)) await token.disconnect().catch(() => {});
  });
  afterAll(() => t.close());

  it("caches the state read at connect, with the service's counters and the token's PIN lengths", async () => {
    const pin = await pinOf("pin-main");
    expect(pin).toMatchObject({ number: 0, initialized: true, blocked: false, lastTry: false, remainingTries: 3, maxTries: 3, soRemainingTries: 3 });
    expect(pin).toMatchObject({ soMaxTries: 3, validated: false, soValidated: false, minLength: 4, maxLength: 255 });
  });

  it("logs in with login(pin), refreshing validated; refuses a second login; logout() clears it", async () => {
    const pin = await pinOf("pin-main");
    await expect(pin.login(secrets("pin-main").pin)).resolves.toBeUndefined();
    expect(pin.validated).toBe(true);
    expect((await rejection(pin.login(secrets("pin-main").pin))).code).toBe("CKR_USER_ALREADY_LOGGED_IN");
    await expect(pin.logout()).resolves.toBeUndefined();
    expect(pin.validated).toBe(false);
  });

  it("rejects a wrong PIN with CKR_PIN_INCORRECT and customData.remainingTries, and the cached properties follow", async () => {
    const pin = await pinOf("pin-main");
    const error = await rejection(pin.login("wrong-pin-1"));
    expect(error).toMatchObject({ code: "CKR_PIN_INCORRECT", httpStatus: 403, customData: { remainingTries: 2 } });
    expect(pin).toMatchObject({ remainingTries: 2, tryCountLow: true, validated: false });
    await pin.login(secrets("pin-main").pin);
    expect(pin).toMatchObject({ remainingTries: 3, validated: true });
    await pin.logout();
  });

  it("answers logout without a login with CKR_USER_NOT_LOGGED_IN, and a PIN pad login without a PIN pad with CKR_ARGUMENTS_BAD", async () => {
    const pin = await pinOf("pin-main");
    expect(await rejection(pin.logout())).toMatchObject({ code: "CKR_USER_NOT_LOGGED_IN", httpStatus: 403 });
    expect(pin.token.protectedAuthPath).toBe(false);
    expect(await rejection(pin.login(null))).toMatchObject({ code: "CKR_ARGUMENTS_BAD", customData: { field: "/body/pin" } });
    expect(await rejection(pin.login())).toMatchObject({ code: "CKR_ARGUMENTS_BAD" });
  });

  it.each<[string, (pin: Pin) => Promise<unknown>, string]>([
    ["a PIN that is a number", (pin) => pin.login(1234 as unknown as string), "value"],
    ["an SO flag that is not a boolean", (pin) => pin.login("1234", "yes" as unknown as boolean), "so"],
    ["confirmFinalTry that is not a boolean", (pin) => pin.login("1234", false, { confirmFinalTry: "yes" as unknown as boolean }), "options.confirmFinalTry"],
    ["change with a null new PIN", (pin) => pin.change("1234", null as unknown as string), "newValue"],
    ["an empty PIN, shorter than the spec allows", (pin) => pin.login(""), "/body/pin"],
  ])("refuses %s before sending, with MWR_SCWS_BAD_PARAMS", async (_case, call, field) => {
    const pin = await pinOf("pin-main");
    expect(await rejection(call(pin))).toMatchObject({ code: "MWR_SCWS_BAD_PARAMS", customData: { field } });
    await pin.refresh();
    expect(pin.remainingTries).toBe(3);
  });

  it("spends the last try as SCWS does, without confirmation, then locks the PIN: CKR_PIN_LOCKED even for the right PIN", async () => {
    const pin = await pinOf("pin-lock");
    await rejection(pin.login("wrong-1111"));
    await rejection(pin.login("wrong-2222"));
    expect(pin).toMatchObject({ lastTry: true, remainingTries: 1, blocked: false });
    const spent = await rejection(pin.login("wrong-3333"));
    expect(spent).toMatchObject({ code: "CKR_PIN_INCORRECT", customData: { remainingTries: 0 } });
    expect(pin).toMatchObject({ blocked: true, remainingTries: 0 });
    const locked = await rejection(pin.login(secrets("pin-lock").pin));
    expect(locked).toMatchObject({ code: "CKR_PIN_LOCKED", httpStatus: 403, customData: { remainingTries: 0 } });
  });

  it("logs in with the right PIN on the last try, as SCWS code written for login(value) expects", async () => {
    const pin = await pinOf("pin-last");
    for (const wrong of ["wrong-1111", "wrong-2222"]) expect(await rejection(pin.login(wrong))).toMatchObject({ code: "CKR_PIN_INCORRECT" });
    expect(pin.lastTry).toBe(true);
    await pin.login(secrets("pin-last").pin);
    expect(pin).toMatchObject({ validated: true, lastTry: false, remainingTries: 3 });
    await pin.logout();
  });

  it("runs three wrong-then-right sequences written as SCWS code (login(value) only), each right PIN resetting the count", async () => {
    const pin = await pinOf("pin-last");
    for (const wrongs of [1, 2, 2]) {
      for (let n = 0; n < wrongs; n += 1) expect(await rejection(pin.login(`wrong-${n}${wrongs}00`))).toMatchObject({ code: "CKR_PIN_INCORRECT" });
      expect(pin.remainingTries).toBe(3 - wrongs);
      await pin.login(secrets("pin-last").pin);
      expect(pin).toMatchObject({ validated: true, remainingTries: 3 });
      await pin.logout();
    }
  });

  it("unblocks with initPin(newPin) after login(soPin, true), and only then", async () => {
    const pin = await pinOf("pin-lock");
    expect(pin.blocked).toBe(true);
    expect(await rejection(pin.initPin("fresh-4242"))).toMatchObject({ code: "CKR_USER_NOT_LOGGED_IN" });
    t.addCanary("fresh-4242");
    await pin.login(secrets("pin-lock").soPin, true);
    expect(pin).toMatchObject({ soValidated: true, validated: false });
    await pin.initPin("fresh-4242");
    expect(pin).toMatchObject({ blocked: false, remainingTries: 3, lastTry: false });
    await pin.logout();
    await pin.login("fresh-4242");
    expect(pin.validated).toBe(true);
    await pin.logout();
  });

  it("changes the user PIN, counting a wrong old PIN, and the SO PIN with { userType: 'so' }", async () => {
    const pin = await pinOf("pin-change");
    const { pin: userPin, soPin } = secrets("pin-change");
    t.addCanary("changed-9876");
    t.addCanary("so-changed-5432");
    expect(await rejection(pin.change("not-the-pin", "changed-9876"))).toMatchObject({ code: "CKR_PIN_INCORRECT", customData: { remainingTries: 2 } });
    expect(pin.remainingTries).toBe(2);
    expect(await rejection(pin.change(userPin, "12"))).toMatchObject({ code: "CKR_PIN_LEN_RANGE", customData: { field: "/body/newPin" } });
    await pin.change(userPin, "changed-9876");
    expect(pin.remainingTries).toBe(3);
    await pin.login("changed-9876");
    await pin.logout();

    await pin.login(soPin, true);
    await pin.change(soPin, "so-changed-5432", { userType: "so" });
    await pin.logout();
    expect(await rejection(pin.login(soPin, true))).toMatchObject({ code: "CKR_PIN_INCORRECT" });
    expect(pin.soRemainingTries).toBe(2);
    await pin.login("so-changed-5432", true);
    expect(pin.soValidated).toBe(true);
    await pin.logout();
  });

  it("keeps no PIN: after failed and successful calls, nothing the Pin, its Token or the errors show holds one", async () => {
    const pin = await pinOf("pin-canary");
    const { pin: right, soPin } = secrets("pin-canary");
    const canaries = ["canary-wrong-7f3e9a", "canary-new-1c5d2b", right, soPin];
    for (const canary of canaries) t.addCanary(canary);
    const errors = [
      await rejection(pin.login(canaries[0]!)),
      await rejection(pin.change(canaries[0]!, canaries[1]!)),
      await rejection(pin.initPin(canaries[1]!)),
      await rejection(pin.login(canaries[0]!, false, { confirmFinalTry: "no" as unknown as boolean })),
    ];
    await pin.login(right, false, { confirmFinalTry: true });
    errors.push(await rejection(pin.login(right)));
    await pin.logout();
    await pin.login(soPin, true);
    await pin.logout();
    expect(findLeak(reachableText(pin, pin.token, pin.token.reader, scws, ...errors), canaries)).toBeUndefined();
    // The search does find a PIN where one is.
    expect(findLeak(reachableText({ typed: canaries[0] }), canaries)).toBe(canaries[0]);
  });
});
