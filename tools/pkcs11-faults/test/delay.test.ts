// `delay` rules: measured latency per function, per token, for every function ("*"), added up and combined with fail.
// A delayed call takes at least its delay (a lower bound no load can break); a call the rule does not cover is shown
// undelayed by taking less than that delay, never by a fixed wall-clock limit.
import pkcs11js from "pkcs11js";
import { describe, expect, it } from "vitest";
import { ckrOf, slotOf, useLab } from "./helpers.js";

const open = useLab(["alpha", "beta"]);

function timed(call: () => unknown): number {
  const started = performance.now();
  call();
  return performance.now() - started;
}

describe("delay", () => {
  it("makes the named function take at least that long, and leaves the others fast", () => {
    open.lab.control.delay("C_GetInfo", 300);
    expect(timed(() => open.p11.C_GetInfo())).toBeGreaterThanOrEqual(299);
    expect(timed(() => open.p11.C_GetSlotList(true))).toBeLessThan(299);
  });

  it("with token= delays only calls on that token, slot and session calls alike", () => {
    const alpha = slotOf(open.p11, "alpha");
    const beta = slotOf(open.p11, "beta");
    const session = open.p11.C_OpenSession(beta, pkcs11js.CKF_SERIAL_SESSION);
    try {
      open.lab.control.delay("C_GetTokenInfo", 250, { token: "beta" });
      open.lab.control.delay("C_GenerateRandom", 250, { token: "beta" });
      expect(timed(() => open.p11.C_GetTokenInfo(alpha))).toBeLessThan(249);
      expect(timed(() => open.p11.C_GetTokenInfo(beta))).toBeGreaterThanOrEqual(249);
      expect(timed(() => open.p11.C_GenerateRandom(session, Buffer.alloc(16)))).toBeGreaterThanOrEqual(249);
    } finally {
      open.lab.control.reset();
      open.p11.C_CloseSession(session);
    }
  });

  it("with * delays every function, and matching delays add up", () => {
    const slot = slotOf(open.p11, "alpha");
    open.lab.control.delay("*", 120);
    open.lab.control.delay("C_GetInfo", 200);
    const slotInfo = timed(() => open.p11.C_GetSlotInfo(slot));
    expect(slotInfo).toBeGreaterThanOrEqual(119);
    expect(slotInfo).toBeLessThan(319); // the C_GetInfo delay does not apply
    expect(timed(() => open.p11.C_GetInfo())).toBeGreaterThanOrEqual(319);
  });

  it("comes before an injected failure: the call waits, then fails", () => {
    open.lab.control.fail("C_GetInfo", "CKR_DEVICE_ERROR");
    open.lab.control.delay("C_GetInfo", 200);
    let result = "";
    const elapsed = timed(() => (result = ckrOf(() => open.p11.C_GetInfo())));
    expect(result).toBe("CKR_DEVICE_ERROR");
    expect(elapsed).toBeGreaterThanOrEqual(199);
  });
});
