// Handlers of the "pins" tag: PIN state, login, logout, change, unblock.
import type { Handlers } from "../http/operation-types.js";
import type { Services } from "../services.js";

/** Handlers of the pins tag. */
export function pinHandlers(services: Services): Pick<Handlers, "getPin" | "logInWithPin" | "logOutOfPin" | "changePin" | "unblockPin"> {
  const connection = (tokenId: string, caller: string) => services.tokens.get(tokenId, caller);
  return {
    async getPin({ params, context }) {
      return { status: 200, body: await services.pins.state(connection(params.tokenId, context.caller), params.pinNumber) };
    },
    async logInWithPin({ params, body, context }) {
      return { status: 200, body: await services.pins.login(connection(params.tokenId, context.caller), params.pinNumber, body) };
    },
    async logOutOfPin({ params, context }) {
      return { status: 200, body: await services.pins.logout(connection(params.tokenId, context.caller), params.pinNumber) };
    },
    async changePin({ params, body, context }) {
      return { status: 200, body: await services.pins.change(connection(params.tokenId, context.caller), params.pinNumber, body) };
    },
    async unblockPin({ params, body, context }) {
      return { status: 200, body: await services.pins.unblock(connection(params.tokenId, context.caller), params.pinNumber, body) };
    },
  };
}
