// Handlers of the "cryptography" tag: signing, verifying, encrypting, decrypting, hashing, random, mechanisms.
import type { Handlers, OperationHandler, RequestBody, SuccessResult } from "../http/operation-types.js";
import type { Services } from "../services.js";
import type { TokenConnection } from "../tokens/token-connections.js";

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

type KeyOperations = "signWithKey" | "signBatchWithKey" | "hashAndSignWithKey" | "verifyWithKey" | "encryptWithKey" | "decryptWithKey";
/** The body of an operation's 200 answer. */
type OkBody<Id extends KeyOperations> = SuccessResult<Id> extends infer Result ? (Result extends { status: 200; body: infer Body } ? Body : never) : never;
type KeyCall<Id extends KeyOperations> = (connection: TokenConnection, objectId: string, body: RequestBody<Id>) => Promise<OkBody<Id>>;

/** Handlers of the cryptography tag. */
export function cryptographyHandlers(services: Services): Pick<Handlers, CryptographyOperations> {
  const connection = (tokenId: string, caller: string) => services.tokens.get(tokenId, caller);
  /** A key operation's handler: 200, with what `call` makes of the caller's connection to the token, the key and the body. */
  const onKey =
    <Id extends KeyOperations>(call: KeyCall<Id>): OperationHandler<Id> =>
    async ({ params, body, context }) =>
      ({ status: 200, body: await call(connection(params.tokenId, context.caller), params.objectId, body) }) as SuccessResult<Id>;
  const { signing, ciphers } = services;
  return {
    signWithKey: onKey<"signWithKey">((token, key, body) => signing.sign(token, key, body)),
    signBatchWithKey: onKey<"signBatchWithKey">((token, key, body) => signing.signBatch(token, key, body)),
    hashAndSignWithKey: onKey<"hashAndSignWithKey">((token, key, body) => signing.hashAndSign(token, key, body)),
    verifyWithKey: onKey<"verifyWithKey">((token, key, body) => signing.verify(token, key, body)),
    encryptWithKey: onKey<"encryptWithKey">((token, key, body) => ciphers.encrypt(token, key, body)),
    decryptWithKey: onKey<"decryptWithKey">((token, key, body) => ciphers.decrypt(token, key, body)),
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
