// Handlers of the "tokens" tag: token connections.
import type { Handlers } from "../http/operation-types.js";
import type { Services } from "../services.js";

/** Handlers of the tokens tag. */
export function tokenHandlers(services: Services): Pick<Handlers, "getToken" | "disconnectToken"> {
  return {
    async getToken({ params }) {
      return { status: 200, body: await services.tokens.describe(params.tokenId) };
    },

    async disconnectToken({ params }) {
      await services.tokens.disconnect(params.tokenId);
      return { status: 204 };
    },
  };
}
