// A token pulled out while the service uses it: its calls answer CKR_TOKEN_NOT_PRESENT (or CKR_DEVICE_REMOVED on
// its sessions), the module is not restarted, and the other tokens carry on.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type FaultLab, faultLab, settle, slotOf } from "./fault-lab.fixture.js";
import type { IsolatedHost } from "./isolated-host.js";

const CKR_DEVICE_REMOVED = 0x32;
const CKR_TOKEN_NOT_PRESENT = 0xe0;

describe("a token removed while in use", () => {
  let lab: FaultLab;
  let host: IsolatedHost;
  let alpha: string;
  let beta: string;
  beforeAll(async () => {
    lab = faultLab(["alpha", "beta"]);
    host = lab.host();
    await host.start();
    [alpha, beta] = [await slotOf(host, "alpha"), await slotOf(host, "beta")];
    await host.attach(alpha);
    await host.attach(beta);
  });
  afterAll(() => lab.close());

  it("answers CKR_TOKEN_NOT_PRESENT for the removed token's calls in flight after the removal, and leaves the module running", async () => {
    lab.control.delay("C_GetTokenInfo", 150, { token: "alpha" });
    const pid = host.pid;
    const calls = Array.from({ length: 6 }, () => settle(host.getTokenInfo(alpha)));
    await calls[0];
    lab.control.removeToken("alpha");
    const outcomes = await Promise.all(calls);
    const failures = outcomes.filter((outcome) => !outcome.ok);
    expect(outcomes[0]).toMatchObject({ ok: true });
    expect(failures.length).toBeGreaterThan(0);
    for (const failure of failures)
      expect(failure).toMatchObject({ error: { name: "Pkcs11Error", code: expect.toBeOneOf([CKR_TOKEN_NOT_PRESENT, CKR_DEVICE_REMOVED]) } });
    expect(host.pid).toBe(pid);
    expect(host.restartCount).toBe(0);
  });

  it("keeps the other token answering, and lists the removed token's slot as empty", async () => {
    expect((await host.getTokenInfo(beta)).label).toBe("beta");
    await host.attach(beta);
    await host.detach(beta);
    const slots = await host.listSlots();
    expect(slots.find((slot) => slot.handle === alpha)).toMatchObject({ tokenPresent: false });
    expect(slots.find((slot) => slot.handle === beta)).toMatchObject({ tokenPresent: true, token: { label: "beta" } });
  });

  it("refuses new sessions on the removed token with CKR_TOKEN_NOT_PRESENT", async () => {
    await host.detach(alpha);
    await expect(host.attach(alpha)).rejects.toMatchObject({ code: CKR_TOKEN_NOT_PRESENT });
  });

  it("answers again once the token is back", async () => {
    lab.control.restoreToken("alpha");
    lab.control.reset();
    expect((await host.getTokenInfo(alpha)).label).toBe("alpha");
    await host.attach(alpha);
    await host.detach(alpha);
  });
});
