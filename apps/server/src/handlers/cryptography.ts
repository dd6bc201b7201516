// Handlers of the "cryptography" tag: signing, verifying, encrypting, decrypting, hashing, random, mechanisms.
import type { Handlers } from "../http/operation-types.js";
import type { Services } from "../services.js";

type CryptographyOperations =
  | "signWithKey"
  | "signBatchWithKey"
  | "hashAndSignWithKey"
  | "verifyWithKey"
  | "encryptWithKey"
  | "decryptWithKey"
  | "digestData"
  | "generateRandom"
  | "listMechanisms";

/** Handlers of the cryptography tag. */
export function cryptographyHandlers(services: Services): Pick<Handlers, CryptographyOperations> {
  const connection = (tokenId: string, caller: string) => services.tokens.get(tokenId, caller);
  return {
    async signWithKey({ params, body, context }) {
      return { status: 200, body: await services.signing.sign(connection(params.tokenId, context.caller), params.objectId, body) };
    },
    async signBatchWithKey({ params, body, context }) {
      return { status: 200, body: await services.signing.signBatch(connection(params.tokenId, context.caller), params.objectId, body) };
    },
    async hashAndSignWithKey({ params, body, context }) {
      return { status: 200, body: await services.signing.hashAndSign(connection(params.tokenId, context.caller), params.objectId, body) };
    },
    async verifyWithKey({ params, body, context }) {
      return { status: 200, body: await services.signing.verify(connection(params.tokenId, context.caller), params.objectId, body) };
    },
    async encryptWithKey({ params, body, context }) {
      return { status: 200, body: await services.ciphers.encrypt(connection(params.tokenId, context.caller), params.objectId, body) };
    },
    async decryptWithKey({ params, body, context }) {
      return { status: 200, body: await services.ciphers.decrypt(connection(params.tokenId, context.caller), params.objectId, body) };
    },
    async digestData({ params, body, context }) {
      return { status: 200, body: await services.tokenCrypto.digest(connection(params.tokenId, context.caller), body) };
    },
    async generateRandom({ params, body, context }) {
      return { status: 200, body: await services.tokenCrypto.random(connection(params.tokenId, context.caller), body.length) };
    },
    async listMechanisms({ params, context }) {
      return { status: 200, body: { mechanisms: await services.tokenCrypto.list(connection(params.tokenId, context.caller)) } };
    },
  };
}
