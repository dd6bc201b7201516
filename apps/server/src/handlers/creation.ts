// Handlers of the "creation" tag: generating keys and certificate requests, importing certificates, data
// containers and PKCS#12 files.
import type { Handlers } from "../http/operation-types.js";
import type { Services } from "../services.js";

/** Handlers of the creation tag. */
export function creationHandlers(
  services: Services,
): Pick<Handlers, "generateKey" | "createCertificateRequest" | "importCertificate" | "createDataContainer" | "importPkcs12"> {
  const connection = (tokenId: string, caller: string) => services.tokens.get(tokenId, caller);
  return {
    async generateKey({ params, body, context }) {
      return { status: 201, body: await services.creation.generateKey(connection(params.tokenId, context.caller), body) };
    },
    async createCertificateRequest({ params, body, context }) {
      return { status: 200, body: await services.creation.createCertificateRequest(connection(params.tokenId, context.caller), params.objectId, body) };
    },
    async importCertificate({ params, body, context }) {
      return { status: 201, body: await services.creation.importCertificate(connection(params.tokenId, context.caller), body) };
    },
    async createDataContainer({ params, body, context }) {
      return { status: 201, body: await services.creation.createDataContainer(connection(params.tokenId, context.caller), body) };
    },
    async importPkcs12({ params, body, context }) {
      return { status: 201, body: await services.creation.importPkcs12(connection(params.tokenId, context.caller), body) };
    },
  };
}
