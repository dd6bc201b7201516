// A metrics decorator for any Pkcs11Host: every method call is counted and timed, by module, method and
// result, without touching the host's implementation. It wraps methods by name at run time, so methods
// added to the Pkcs11Host interface later are counted too.
import { ckrName } from "@open-scws/errors";
import type { Pkcs11Host } from "../pkcs11/host.js";
import { canRestart } from "../pkcs11/isolated/isolated-host.js";
import type { ServiceMetrics } from "./metrics.js";

/** The result label of a failed call: the CKR_* name of a PKCS#11 failure, else `error`. */
export function resultOf(error: unknown): string {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === "number" ? ckrName(code) : "error";
}

/** The host, with every method counted and timed in `metrics`. */
export function instrumentHost(host: Pkcs11Host, metrics: ServiceMetrics): Pkcs11Host {
  const attached = new Map<string, number>();
  const track = (method: string, slot: unknown) => {
    if (typeof slot !== "string" || (method !== "attach" && method !== "detach")) return;
    const count = (attached.get(slot) ?? 0) + (method === "attach" ? 1 : -1);
    if (count > 0) attached.set(slot, count);
    else attached.delete(slot);
    metrics.attachedSlots.set({ module: host.moduleId }, attached.size);
  };
  // Counting sessions is no PKCS#11 call: it asks the host directly, past the counters below.
  metrics.countSessions(host.moduleId, async () => {
    const counts = await Promise.all([...attached.keys()].map((slot) => host.openSessions(slot)));
    return counts.reduce((sum, count) => sum + count, 0);
  });
  // A replaced module process holds no sessions: the slots attached in the old one are gone with it.
  if (canRestart(host)) {
    host.onRestart(() => {
      attached.clear();
      metrics.attachedSlots.set({ module: host.moduleId }, 0);
    });
  }
  return new Proxy(host, {
    get(target, property, receiver) {
      const value = Reflect.get(target, property, receiver);
      if (typeof value !== "function" || typeof property !== "string") return value;
      // Supervision hooks are not PKCS#11 calls: they are neither counted nor timed.
      if (property === "onRestart") return value.bind(target);
      return async (...args: unknown[]) => {
        const labels = { module: target.moduleId, method: property };
        const stop = metrics.pkcs11Duration.startTimer(labels);
        try {
          const result = await (value as (...callArgs: unknown[]) => unknown).apply(target, args);
          metrics.pkcs11Calls.inc({ ...labels, result: "ok" });
          track(property, args[0]);
          if (property === "stop") attached.clear();
          return result;
        } catch (error) {
          metrics.pkcs11Calls.inc({ ...labels, result: resultOf(error) });
          throw error;
        } finally {
          stop();
        }
      };
    },
  });
}
