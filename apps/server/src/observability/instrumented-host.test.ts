import { describe, expect, it } from "vitest";
import type { Pkcs11Host } from "../pkcs11/host.js";
import { instrumentHost, resultOf } from "./instrumented-host.js";
import { ServiceMetrics } from "./metrics.js";

/** A host whose getTokenInfo fails with CKR_TOKEN_NOT_PRESENT (0xe0), as pkcs11js reports it. */
function fakeHost(): Pkcs11Host {
  return {
    moduleId: "fake",
    start: async () => ({ cryptokiVersion: "3.0", manufacturer: "test", description: "fake", libraryVersion: "1.0" }),
    stop: async () => {},
    listSlots: async () => [],
    getTokenInfo: async () => {
      throw Object.assign(new Error("CKR_TOKEN_NOT_PRESENT"), { name: "Pkcs11Error", code: 0xe0, method: "C_GetTokenInfo" });
    },
    attach: async () => {},
    detach: async () => {},
  };
}

async function value(metrics: ServiceMetrics, name: string, labels: Record<string, string>): Promise<number | undefined> {
  const metric = await metrics.registry.getSingleMetric(name)?.get();
  return metric?.values.find((sample) => Object.entries(labels).every(([key, wanted]) => String(sample.labels[key]) === wanted))?.value;
}

describe("the metrics decorator of a PKCS#11 host", () => {
  it("counts every method with its result, and passes results and failures through unchanged", async () => {
    const metrics = new ServiceMetrics(() => 0);
    const host = instrumentHost(fakeHost(), metrics);
    expect(host.moduleId).toBe("fake");
    await expect(host.start()).resolves.toMatchObject({ description: "fake" });
    await expect(host.listSlots()).resolves.toEqual([]);
    await expect(host.getTokenInfo("00")).rejects.toMatchObject({ code: 0xe0 });
    expect(await value(metrics, "scws_pkcs11_calls_total", { module: "fake", method: "start", result: "ok" })).toBe(1);
    expect(await value(metrics, "scws_pkcs11_calls_total", { module: "fake", method: "listSlots", result: "ok" })).toBe(1);
    expect(await value(metrics, "scws_pkcs11_calls_total", { module: "fake", method: "getTokenInfo", result: "CKR_TOKEN_NOT_PRESENT" })).toBe(1);
    expect(await value(metrics, "scws_pkcs11_call_duration_seconds", { module: "fake", method: "getTokenInfo", le: "+Inf" })).toBe(1);
  });

  it("tracks attached slots by attach and detach, across repeated attaches of one slot", async () => {
    const metrics = new ServiceMetrics(() => 0);
    const host = instrumentHost(fakeHost(), metrics);
    await host.attach("01");
    await host.attach("01");
    await host.attach("02");
    expect(await value(metrics, "scws_pkcs11_attached_slots", { module: "fake" })).toBe(2);
    await host.detach("01");
    expect(await value(metrics, "scws_pkcs11_attached_slots", { module: "fake" })).toBe(2);
    await host.detach("01");
    await host.detach("02");
    expect(await value(metrics, "scws_pkcs11_attached_slots", { module: "fake" })).toBe(0);
  });

  it("labels failures without a PKCS#11 code as error", () => {
    expect(resultOf(new Error("cannot open shared object file"))).toBe("error");
    expect(resultOf({ code: 0xa0 })).toBe("CKR_PIN_INCORRECT");
  });
});
