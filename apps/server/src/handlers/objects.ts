// Handlers of the "objects" tag: listing, describing, reading, relabelling and deleting objects.
import type { Handlers } from "../http/operation-types.js";
import type { Services } from "../services.js";

/** Handlers of the objects tag. */
export function objectHandlers(
  services: Services,
): Pick<Handlers, "listObjects" | "getObject" | "updateObject" | "deleteObject" | "getObjectDetails" | "getObjectValue"> {
  const connection = (tokenId: string, caller: string) => services.tokens.get(tokenId, caller);
  return {
    async listObjects({ params, query, context }) {
      return { status: 200, body: { objects: await services.objects.list(connection(params.tokenId, context.caller), query) } };
    },
    async getObject({ params, context }) {
      return { status: 200, body: await services.objects.get(connection(params.tokenId, context.caller), params.objectId) };
    },
    async updateObject({ params, body, context }) {
      return { status: 200, body: await services.objects.update(connection(params.tokenId, context.caller), params.objectId, body) };
    },
    async deleteObject({ params, context }) {
      await services.objects.delete(connection(params.tokenId, context.caller), params.objectId);
      return { status: 204 };
    },
    async getObjectDetails({ params, context }) {
      return { status: 200, body: await services.objects.details(connection(params.tokenId, context.caller), params.objectId) };
    },
    async getObjectValue({ params, query, context }) {
      return { status: 200, body: await services.objects.value(connection(params.tokenId, context.caller), params.objectId, query.encoding) };
    },
  };
}
