// Handlers of the "readers" tag: readers and connecting to their tokens.
import type { Handlers } from "../http/operation-types.js";
import type { Services } from "../services.js";
import { tokenBody } from "../tokens/token-view.js";

/** Handlers of the readers tag. */
export function readerHandlers(services: Services): Pick<Handlers, "listReaders" | "getReader" | "connectToken"> {
  return {
    async listReaders({ context }) {
      const readers = await services.readers.list(context.scope);
      return { status: 200, body: { readers: readers.map((entry) => entry.reader) } };
    },

    async getReader({ params, context }) {
      const { reader } = await services.readers.find(params.readerId, context.scope);
      return { status: 200, body: reader };
    },

    async connectToken({ params, context }) {
      const { connection, info } = await services.tokens.connect(params.readerId, context.caller, context.scope);
      const token = tokenBody(connection.id, connection.readerId, info, services.pins.pinsOf(connection, info));
      return { status: 201, body: token, headers: { location: `/v1/tokens/${token.id}` } };
    },
  };
}
