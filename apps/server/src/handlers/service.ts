// Handlers of the "service" tag: what the service is.
import { apiVersion } from "../generated/routes.js";
import type { Handlers } from "../http/operation-types.js";
import type { Services } from "../services.js";

/** Handlers of the service tag. */
export function serviceHandlers(services: Services): Pick<Handlers, "getServiceInfo"> {
  return {
    async getServiceInfo() {
      return {
        status: 200,
        body: {
          name: "open SCWS",
          version: services.version,
          apiVersion,
          mode: services.config.mode,
          capabilities: ["environments", "readers", "tokens", "pins", "objects", "cryptography", "events", "keyGeneration", "import", "trust"],
          modules: services.modules.statuses(),
        },
      };
    },
  };
}
