// A module that hangs in a call: the call fails after its timeout, the host process is killed and replaced, and a
// token that hangs holds up only its own calls until then.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ended, type FaultLab, faultLab, settle, slotOf } from "./fault-lab.fixture.js";
import type { HostRestart, IsolatedHost } from "./isolated-host.js";

describe("a module that hangs inside a call", () => {
  let lab: FaultLab;
  let host: IsolatedHost;
  let alpha: string;
  let beta: string;
  const restarts: HostRestart[] = [];
  beforeAll(async () => {
    lab = faultLab(["alpha", "beta"]);
    host = lab.host({ timeouts: { defaultMs: 1_500, methods: { attach: 500 } } });
    host.onRestart((restart) => restarts.push(restart));
    await host.start();
    [alpha, beta] = [await slotOf(host, "alpha"), await slotOf(host, "beta")];
  });
  afterAll(() => lab.close());

  it("fails the hung call with CKR_DEVICE_ERROR once its timeout has passed, kills the process and answers again", async () => {
    const hungPid = host.pid!;
    lab.control.hang("C_GetTokenInfo", { token: "alpha" });
    const hung = await settle(host.getTokenInfo(alpha));
    lab.control.reset();
    expect(hung).toMatchObject({
      ok: false,
      error: {
        code: "CKR_DEVICE_ERROR",
        customData: { reason: expect.stringMatching(/did not answer in time \(getTokenInfo did not answer within 1500 ms\)/) },
      },
    });
    expect(restarts.at(-1)).toMatchObject({ cause: "timed-out", detail: "getTokenInfo did not answer within 1500 ms" });
    expect(await ended(hungPid)).toBe(true);
    expect((await host.getTokenInfo(alpha)).label).toBe("alpha");
  });

  it("lets another token of the module answer while one token's call hangs", async () => {
    lab.control.hang("C_GetTokenInfo", { token: "alpha" });
    const hung = settle(host.getTokenInfo(alpha));
    let hungSettled = false;
    void hung.then(() => {
      hungSettled = true;
    });
    const answers = [];
    for (let call = 0; call < 5; call += 1) answers.push((await host.getTokenInfo(beta)).label);
    // All five answered while alpha's call still hung: they did not wait behind it.
    expect(hungSettled).toBe(false);
    expect(answers).toEqual(Array(5).fill("beta"));
    expect(await hung).toMatchObject({ ok: false, error: { code: "CKR_DEVICE_ERROR" } });
    lab.control.reset();
  });

  it("fails the other calls in flight when it replaces a hung process, saying why", async () => {
    // attach (500 ms) times out well before beta's slow call (1500 ms) would.
    lab.control.hang("C_OpenSession", { token: "alpha" });
    lab.control.delay("C_GetTokenInfo", 5_000, { token: "beta" });
    const [hung, cutOff] = await Promise.all([settle(host.attach(alpha)), settle(host.getTokenInfo(beta))]);
    lab.control.reset();
    expect(hung).toMatchObject({ ok: false, error: { code: "CKR_DEVICE_ERROR" } });
    expect(cutOff).toMatchObject({
      ok: false,
      error: { code: "CKR_DEVICE_ERROR", customData: { reason: expect.stringContaining("was ended because a call hung (attach did not answer") } },
    });
  });

  it("applies a timeout set for one method (attach, C_OpenSession) rather than the default", async () => {
    lab.control.hang("C_OpenSession", { token: "beta" });
    const attached = await settle(host.attach(beta));
    lab.control.reset();
    expect(attached).toMatchObject({ ok: false, error: { customData: { reason: expect.stringContaining("attach did not answer within 500 ms") } } });
    await host.attach(beta);
    await host.detach(beta);
  });
});
