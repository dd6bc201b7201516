// A module that crashes in a call: the calls in flight fail with CKR_DEVICE_ERROR, the host answers again, and the
// service hears of the restart. Issue 7 asks for 1 s and 2 s; the times are measured and reported against those
// targets, not asserted: on two shared cores a clock limit fails for the machine's load, not for the code.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ended, type FaultLab, faultLab, msSince, settle, slotOf } from "./fault-lab.fixture.js";
import type { HostRestart, IsolatedHost } from "./isolated-host.js";

/** Issue 7's targets, reported beside the measured times. */
const FAIL_TARGET_MS = 1_000;
const BACK_TARGET_MS = 2_000;

/** Crashes the module in C_GetTokenInfo on `alpha` and times the failure of three calls in flight, then the recovery. */
async function crashAndRecover(lab: FaultLab, host: IsolatedHost, alpha: string, kind: "segv" | "abort" | "exit") {
  lab.control.crash("C_GetTokenInfo", kind, { token: "alpha" });
  const began = performance.now();
  const calls: Array<Promise<unknown>> = [host.getTokenInfo(alpha), host.listSlots(), host.getTokenInfo(alpha)];
  const inFlight = await Promise.all(calls.map((call) => settle(call)));
  const failedAfterMs = msSince(began);
  lab.control.reset();
  const label = (await host.getTokenInfo(alpha)).label;
  return { inFlight, failedAfterMs, backAfterMs: msSince(began), label };
}

describe("a module that crashes inside a call", () => {
  let lab: FaultLab;
  let host: IsolatedHost;
  let alpha: string;
  const restarts: HostRestart[] = [];
  beforeAll(async () => {
    lab = faultLab(["alpha", "beta"]);
    host = lab.host();
    host.onRestart((restart) => restarts.push(restart));
    await host.start();
    alpha = await slotOf(host, "alpha");
  });
  afterAll(() => lab.close());

  it("fails the calls in flight with CKR_DEVICE_ERROR, says the module crashed, and answers again (times reported)", async () => {
    const crashedPid = host.pid!;
    const { inFlight, failedAfterMs, backAfterMs, label } = await crashAndRecover(lab, host, alpha, "segv");
    console.info(
      `SIGSEGV: calls in flight failed after ${failedAfterMs} ms (target ${FAIL_TARGET_MS}); the host answered again after ${backAfterMs} ms (target ${BACK_TARGET_MS})`,
    );
    for (const outcome of inFlight) {
      expect(outcome).toMatchObject({
        ok: false,
        error: { code: "CKR_DEVICE_ERROR", customData: { reason: expect.stringMatching(/crashed \(SIGSEGV\).*restarted/), moduleId: "faulty" } },
      });
    }
    expect(label).toBe("alpha");
    expect(host.pid).not.toBe(crashedPid);
    expect(await ended(crashedPid)).toBe(true);
  });

  it("tells onRestart listeners why, before the failed calls' handlers run", async () => {
    const seen: string[] = [];
    const unsubscribe = host.onRestart((restart) => seen.push(`restart ${restart.cause} ${restart.detail}`));
    lab.control.crash("C_GetTokenInfo", "abort", { token: "alpha" });
    await host.getTokenInfo(alpha).catch(() => seen.push("call failed"));
    lab.control.reset();
    unsubscribe();
    expect(seen).toEqual(["restart crashed SIGABRT", "call failed"]);
    expect(restarts.at(-1)).toMatchObject({ moduleId: "faulty", cause: "crashed", detail: "SIGABRT", restarts: host.restartCount });
  });

  it("treats a module that exits by itself (_exit in a driver) as lost too", async () => {
    const { inFlight, label } = await crashAndRecover(lab, host, alpha, "exit");
    expect(inFlight[0]).toMatchObject({ ok: false, error: { code: "CKR_DEVICE_ERROR", customData: { reason: expect.stringContaining("exit code 70") } } });
    expect(restarts.at(-1)).toMatchObject({ cause: "exited", detail: "exit code 70" });
    expect(label).toBe("alpha");
  });

  it("starts the replacement afresh: a token attached before the crash is no longer attached", async () => {
    const beta = await slotOf(host, "beta");
    await host.attach(beta);
    await crashAndRecover(lab, host, alpha, "segv");
    // Opening a session again (attach → C_OpenSession) shows the new process holds none for beta: make it fail.
    lab.control.fail("C_OpenSession", "CKR_DEVICE_MEMORY", { token: "beta", count: 1 });
    await expect(host.attach(beta)).rejects.toMatchObject({ code: 0x31 });
    lab.control.reset();
  });
});

describe("a module that crashes again and again", () => {
  let lab: FaultLab;
  beforeAll(() => {
    lab = faultLab(["alpha"]);
  });
  afterAll(() => lab.close());

  it("recovers from 20 crashes in a row (times reported against the 1 s / 2 s targets)", async () => {
    const host = lab.host();
    await host.start();
    const alpha = await slotOf(host, "alpha");
    const rounds: Array<{ failedAfterMs: number; backAfterMs: number }> = [];
    for (let round = 0; round < 20; round += 1) {
      const { inFlight, failedAfterMs, backAfterMs, label } = await crashAndRecover(lab, host, alpha, "segv");
      expect(inFlight.every((outcome) => !outcome.ok && outcome.error.code === "CKR_DEVICE_ERROR")).toBe(true);
      expect(label).toBe("alpha");
      rounds.push({ failedAfterMs, backAfterMs });
    }
    const worst = (key: "failedAfterMs" | "backAfterMs") => Math.max(...rounds.map((round) => round[key]));
    const median = (key: "failedAfterMs" | "backAfterMs") => rounds.map((round) => round[key]).sort((a, b) => a - b)[10];
    console.info(
      `20 crashes: failure after ${median("failedAfterMs")} ms median / ${worst("failedAfterMs")} ms worst; ` +
        `back after ${median("backAfterMs")} ms median / ${worst("backAfterMs")} ms worst (targets ${FAIL_TARGET_MS} / ${BACK_TARGET_MS} ms)`,
    );
    expect(host.restartCount).toBe(20);
  }, 60_000);
});
