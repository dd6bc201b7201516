// Handlers of the "trust" tag: a certificate's trust against the configured trust anchors.
import type { Handlers } from "../http/operation-types.js";
import type { Services } from "../services.js";

/** Handlers of the trust tag. */
export function trustHandlers(services: Services): Pick<Handlers, "getCertificateTrust"> {
  return {
    async getCertificateTrust({ params, context }) {
      return { status: 200, body: await services.trust.trust(services.tokens.get(params.tokenId, context.caller), params.objectId) };
    },
  };
}
