import { SoftHsmSandbox, softHsmModule } from "@open-scws/softhsm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ServiceMetrics } from "../observability/metrics.js";
import { InProcessHost } from "../pkcs11/in-process-host.js";
import { resultOf, WatchedHost } from "./watched-host.js";

async function value(metrics: ServiceMetrics, name: string, labels: Record<string, string>): Promise<number | undefined> {
  const metric = await metrics.registry.getSingleMetric(name)?.get();
  return metric?.values.find((sample) => Object.entries(labels).every(([key, wanted]) => String(sample.labels[key]) === wanted))?.value;
}

describe("the watched host (metrics and token loss) over a real SoftHSM host", () => {
  const sandbox = SoftHsmSandbox.temporary();
  const metrics = new ServiceMetrics(() => 0);
  const host = new WatchedHost(new InProcessHost({ moduleId: "softhsm", library: softHsmModule, maxSessionsPerToken: 2 }), metrics);
  let slots: string[];
  let slotA: string;
  beforeAll(async () => {
    sandbox.initToken("metrics-a");
    sandbox.initToken("metrics-b");
    process.env.SOFTHSM2_CONF = sandbox.confPath;
    await host.start();
    const listed = await host.listSlots();
    slots = listed.filter((slot) => slot.token?.label.startsWith("metrics-")).map((slot) => slot.handle);
    slotA = listed.find((slot) => slot.token?.label === "metrics-a")!.handle;
  });
  afterAll(async () => {
    await host.stop();
    sandbox.remove();
  });

  it("counts every method with its result, and passes results and failures through unchanged", async () => {
    expect(host.moduleId).toBe("softhsm");
    await expect(host.getTokenInfo(slotA)).resolves.toMatchObject({ label: "metrics-a" });
    await expect(host.getTokenInfo("ffffffff00000000")).rejects.toMatchObject({ code: 0x3 });
    expect(await value(metrics, "scws_pkcs11_calls_total", { module: "softhsm", method: "start", result: "ok" })).toBe(1);
    expect(await value(metrics, "scws_pkcs11_calls_total", { module: "softhsm", method: "listSlots", result: "ok" })).toBe(1);
    expect(await value(metrics, "scws_pkcs11_calls_total", { module: "softhsm", method: "getTokenInfo", result: "ok" })).toBe(1);
    expect(await value(metrics, "scws_pkcs11_calls_total", { module: "softhsm", method: "getTokenInfo", result: "CKR_SLOT_ID_INVALID" })).toBe(1);
    expect(await value(metrics, "scws_pkcs11_call_duration_seconds", { module: "softhsm", method: "getTokenInfo", le: "+Inf" })).toBe(2);
  });

  it("tracks attached slots by attach and detach, across repeated attaches of one slot", async () => {
    const [a, b] = slots as [string, string];
    await host.attach(a);
    await host.attach(a);
    await host.attach(b);
    expect(await value(metrics, "scws_pkcs11_attached_slots", { module: "softhsm" })).toBe(2);
    await host.detach(a);
    expect(await value(metrics, "scws_pkcs11_attached_slots", { module: "softhsm" })).toBe(2);
    await host.detach(a);
    await host.detach(b);
    expect(await value(metrics, "scws_pkcs11_attached_slots", { module: "softhsm" })).toBe(0);
  });

  it("reports the sessions held open per module, without counting the look as a PKCS#11 call", async () => {
    const [a, b] = slots as [string, string];
    expect(await value(metrics, "scws_pkcs11_sessions", { module: "softhsm" })).toBe(0);
    await host.attach(a);
    await host.attach(b);
    // Attaching opens one session per slot; concurrent calls on a grow its pool to its limit of 2.
    expect(await value(metrics, "scws_pkcs11_sessions", { module: "softhsm" })).toBe(2);
    await Promise.all(Array.from({ length: 6 }, () => host.generateRandom(a, 16)));
    expect(await value(metrics, "scws_pkcs11_sessions", { module: "softhsm" })).toBe(3);
    await host.detach(a);
    expect(await value(metrics, "scws_pkcs11_sessions", { module: "softhsm" })).toBe(1);
    await host.detach(b);
    expect(await value(metrics, "scws_pkcs11_sessions", { module: "softhsm" })).toBe(0);
    expect(await value(metrics, "scws_pkcs11_calls_total", { module: "softhsm", method: "openSessions", result: "ok" })).toBeUndefined();
  });

  it("reports the slot of a token call whose failure shows the token's sessions gone, and answers CKR_DEVICE_REMOVED with the module's code kept", async () => {
    const [a, b] = slots as [string, string];
    const gone: string[] = [];
    const stopListening = host.onTokenGone((slot) => gone.push(slot));
    // A slot that is not attached has no session: CKR_SESSION_HANDLE_INVALID, which shows the sessions gone.
    await expect(host.sign(b, { mechanism: 0x1041 }, "1", new Uint8Array(32))).rejects.toMatchObject({
      code: "CKR_DEVICE_REMOVED",
      customData: { reason: "tokenRemoved", pkcs11: { value: 0xb3 } },
    });
    // A failure that says nothing about the token (a wrong slot id) is not reported.
    await expect(host.getTokenInfo("ffffffff00000000")).rejects.toMatchObject({ code: 0x3 });
    await host.attach(a);
    await expect(host.generateRandom(a, 8)).resolves.toHaveLength(8);
    await host.detach(a);
    stopListening();
    await expect(host.logout(b)).rejects.toMatchObject({ code: "CKR_DEVICE_REMOVED" });
    expect(gone).toEqual([b]);
  });

  it("labels failures without a PKCS#11 code as error", () => {
    expect(resultOf(new Error("cannot open shared object file"))).toBe("error");
    expect(resultOf({ code: 0xa0 })).toBe("CKR_PIN_INCORRECT");
  });
});
