import { describe, expect, it } from "vitest";
import { classify, type FaultWindow, type RequestOutcome, Tally } from "./soak-accounting.js";

const crash: FaultWindow = { kind: "crash", start: 10_000, end: 10_500 };
const at = (time: number, status: number | undefined, code?: string, ms = 5): RequestOutcome => ({
  operation: "signWithKey",
  at: time,
  ms,
  ...(status === undefined ? {} : { status }),
  ...(code ? { code } : {}),
});

describe("the soak's accounting (security.md: failed = a 5xx or no response within 10 s)", () => {
  it.each([
    ["a 200", at(1_000, 200), "ok"],
    ["a wrong PIN (403), a response", at(1_000, 403, "CKR_PIN_INCORRECT"), "client-error"],
    ["no response", at(1_000, undefined), "failed"],
    ["a response after more than 10 s", at(1_000, 200, undefined, 10_001), "failed"],
    ["a 502 CKR_DEVICE_ERROR outside any fault", at(1_000, 502, "CKR_DEVICE_ERROR"), "failed"],
    ["a 502 CKR_DEVICE_ERROR during a crash", at(10_100, 502, "CKR_DEVICE_ERROR"), "injected-fault"],
    ["a 502 CKR_DEVICE_ERROR sent just before the crash, answered during it", at(9_990, 502, "CKR_DEVICE_ERROR", 20), "injected-fault"],
    ["a 502 within the grace period after the crash", at(12_000, 502, "CKR_DEVICE_ERROR"), "injected-fault"],
    ["a 502 after the grace period", at(14_000, 502, "CKR_DEVICE_ERROR"), "failed"],
    ["a 500 during a crash (not the fault's code)", at(10_100, 500, "CKR_GENERAL_ERROR"), "failed"],
    ["a 409 CKR_DEVICE_REMOVED during a fault", at(10_100, 409, "CKR_DEVICE_REMOVED"), "injected-fault"],
    ["a 409 CKR_DEVICE_REMOVED outside a fault", at(1_000, 409, "CKR_DEVICE_REMOVED"), "client-error"],
  ] as const)("counts %s as %s", (_, outcome, expected) => {
    expect(classify(outcome, [crash])).toBe(expected);
  });

  it("tallies classes, statuses by operation, injected codes and the first failures", () => {
    const tally = new Tally();
    tally.add(at(1_000, 200), [crash]);
    tally.add(at(10_100, 502, "CKR_DEVICE_ERROR"), [crash]);
    tally.add(at(1_000, undefined), [crash]);
    expect(tally.byClass).toEqual({ ok: 1, "client-error": 0, "injected-fault": 1, failed: 1 });
    expect(tally.byOperation).toEqual({ signWithKey: { "200": 1, "502": 1, "no response": 1 } });
    expect(tally.injected).toEqual({ "502 CKR_DEVICE_ERROR": 1 });
    expect(tally.failures).toHaveLength(1);
    expect(tally.requests).toBe(3);
  });
});
