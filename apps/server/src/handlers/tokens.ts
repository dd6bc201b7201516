// Handlers of the "tokens" tag: token connections.
import type { Handlers } from "../http/operation-types.js";
import type { Services } from "../services.js";
import { tokenBody } from "../tokens/token-view.js";

/** Handlers of the tokens tag. */
export function tokenHandlers(services: Services): Pick<Handlers, "getToken" | "disconnectToken"> {
  return {
    async getToken({ params, context }) {
      const connection = services.tokens.get(params.tokenId, context.caller);
      const info = await services.tokens.tokenInfo(connection);
      return { status: 200, body: tokenBody(connection.id, connection.readerId, info, services.pins.pinsOf(connection, info)) };
    },

    async disconnectToken({ params, context }) {
      await services.tokens.disconnect(params.tokenId, context.caller);
      return { status: 204 };
    },
  };
}
