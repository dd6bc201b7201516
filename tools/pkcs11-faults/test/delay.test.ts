// `delay` rules: which calls sleep in the module, and for how long they ask to, as /proc shows the sleeping thread
// (`sleepsOf`: the module makes one sleep of the sum of a call's matching delays). That a call a rule does not cover is
// not delayed shows as its answer arriving while a covered call, begun earlier, still sleeps. Durations are reported,
// never asserted: on two shared cores a clock limit fails for the machine's load, not for the module.
import pkcs11js from "pkcs11js";
import { describe, expect, it } from "vitest";
import { Client, ckrOfAsync, sleepSeen, sleepsOf, slotOf, trimLabel, useLab } from "./helpers.js";

const open = useLab(["alpha", "beta"]);

/** A session call of `label`'s token in flight on a libuv thread: its promise, whether it is over, and how long it took. */
function inFlight(label: string, call: (session: Buffer) => Promise<Buffer>) {
  const session = open.p11.C_OpenSession(slotOf(open.p11, label), pkcs11js.CKF_SERIAL_SESSION);
  open.p11.C_DigestInit(session, { mechanism: pkcs11js.CKM_SHA256 });
  const began = performance.now();
  const state = { settled: false, ms: 0 };
  const done = call(session).finally(() => {
    state.settled = true;
    state.ms = Math.round(performance.now() - began);
    open.p11.C_CloseSession(session);
  });
  return { done, settled: () => state.settled, ms: () => state.ms };
}

const digest = (session: Buffer) => open.p11.C_DigestAsync(session, Buffer.from("delayed"), Buffer.alloc(32));
const digestFinal = (session: Buffer) => {
  open.p11.C_DigestUpdate(session, Buffer.from("delayed"));
  return open.p11.C_DigestFinalAsync(session, Buffer.alloc(32));
};

describe("delay", () => {
  it("puts the named function to sleep in the module for that long, and leaves the others alone", async () => {
    open.lab.control.delay("C_Digest", 2_000);
    const call = inFlight("alpha", digest);
    expect(await sleepSeen(call.settled)).toEqual([2_000]);
    // C_GetSlotList, which the rule does not name, answers while the digest still sleeps.
    expect(open.p11.C_GetSlotList(true).length).toBeGreaterThanOrEqual(2); // alpha, beta and SoftHSM's free slot
    expect(sleepsOf()).toEqual([2_000]);
    expect(await call.done).toHaveLength(32);
    console.info(`C_Digest with a 2000 ms delay took ${call.ms()} ms`);
  });

  it("with token= delays only calls on that token, slot and session calls alike", async () => {
    const alpha = slotOf(open.p11, "alpha");
    // Another process for the slot call (pkcs11js has no asynchronous C_GetTokenInfo), ready before the rules exist.
    const client = new Client(open.lab.module, ["alpha", "beta"], open.lab.env);
    try {
      expect(await client.next()).toEqual({ ready: true });
      open.lab.control.delay("C_GetTokenInfo", 2_000, { token: "beta" });
      open.lab.control.delay("C_Digest", 2_000, { token: "beta" });
      client.proc.stdin!.write("info beta\n");
      expect(await sleepSeen(() => client.proc.exitCode !== null, client.proc.pid!)).toEqual([2_000]);
      expect(trimLabel(open.p11.C_GetTokenInfo(alpha).label)).toBe("alpha"); // answers while beta's still sleeps
      expect(sleepsOf(client.proc.pid!)).toEqual([2_000]);
      expect(await client.next()).toMatchObject({ ok: true });

      const onBeta = inFlight("beta", digest);
      expect(await sleepSeen(onBeta.settled)).toEqual([2_000]);
      const onAlpha = open.p11.C_OpenSession(alpha, pkcs11js.CKF_SERIAL_SESSION);
      open.p11.C_DigestInit(onAlpha, { mechanism: pkcs11js.CKM_SHA256 });
      expect(open.p11.C_Digest(onAlpha, Buffer.from("not delayed"), Buffer.alloc(32))).toHaveLength(32); // answers while beta's still sleeps
      open.p11.C_CloseSession(onAlpha);
      expect(sleepsOf()).toEqual([2_000]);
      expect(await onBeta.done).toHaveLength(32);
    } finally {
      client.kill();
    }
  });

  it("with * delays every function, and matching delays add up", async () => {
    open.lab.control.delay("*", 300);
    open.lab.control.delay("C_Digest", 500);
    const both = inFlight("alpha", digest);
    expect(await sleepSeen(both.settled)).toEqual([800]);
    expect(await both.done).toHaveLength(32);
    const starOnly = inFlight("alpha", digestFinal); // C_DigestFinal: only the * rule names it
    expect(await sleepSeen(starOnly.settled)).toEqual([300]);
    expect(await starOnly.done).toHaveLength(32);
    console.info(`C_Digest with 300 + 500 ms took ${both.ms()} ms; C_DigestFinal with 300 ms took ${starOnly.ms()} ms`);
  });

  it("comes before an injected failure: the call sleeps, then fails", async () => {
    open.lab.control.fail("C_Digest", "CKR_DEVICE_ERROR");
    open.lab.control.delay("C_Digest", 1_000);
    const call = inFlight("alpha", digest);
    expect(await sleepSeen(call.settled)).toEqual([1_000]);
    expect(await ckrOfAsync(() => call.done)).toBe("CKR_DEVICE_ERROR");
    console.info(`the delayed failure took ${call.ms()} ms`);
  });
});
