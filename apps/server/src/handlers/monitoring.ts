// Handlers of the "monitoring" tag: liveness, readiness and metrics, for orchestrators and monitoring.
import { ScwsError } from "@open-scws/errors";
import type { Handlers } from "../http/operation-types.js";
import type { Services } from "../services.js";

/** Handlers of the monitoring tag. */
export function monitoringHandlers(services: Services): Pick<Handlers, "getLiveness" | "getReadiness" | "getMetrics"> {
  return {
    async getLiveness() {
      return { status: 200, body: { status: "live", uptimeSeconds: Math.round((performance.now() - services.startedAt) / 100) / 10 } };
    },

    async getReadiness() {
      if (services.modules.ready().length === 0) {
        const modules = services.modules.all().map((module) => ({ id: module.id, reason: module.reason ?? "not started" }));
        throw new ScwsError("CKR_LIBRARY_LOAD_FAILED", { message: "No PKCS#11 module is ready.", customData: { modules } });
      }
      return { status: 200, body: { status: "ready", modules: services.modules.statuses() } };
    },

    async getMetrics() {
      const { text, contentType } = await services.metrics.exposition();
      return { status: 200, text, contentType: contentType as `text/plain${string}`, headers: { "cache-control": "no-store" } };
    },
  };
}
