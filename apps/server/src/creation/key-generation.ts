// generateKey: RSA and EC key pairs, AES keys, generated on the token; a pair without a requested ckId gets the
// SHA-1 of its public key, set once the token has made it.
import { randomBytes } from "node:crypto";
import type { components } from "@open-scws/spec";
import { publicKeyDer } from "../objects/object-value.js";
import { CKA, CKO } from "../pkcs11/constants.js";
import type { TokenConnection } from "../tokens/token-connections.js";
import { keyIdOf } from "./key-ids.js";
import { defaultKeyLabel, generationPlan } from "./templates.js";
import { ckIdBytes, destroyQuietly, refuseExisting, tokenObjectFor } from "./token-objects.js";

type GenerateKeyRequest = components["schemas"]["GenerateKeyRequest"];
type CreatedObjects = components["schemas"]["CreatedObjects"];

/** Generates the key a request asks for, and answers with the new objects. */
export async function generateKeys(connection: TokenConnection, request: GenerateKeyRequest): Promise<CreatedObjects> {
  const { host } = connection.module;
  const label = request.ckLabel ?? defaultKeyLabel(request);
  const requested = request.ckId ? ckIdBytes(request.ckId) : undefined;
  if (request.algorithm === "AES") {
    const ckId = requested ?? new Uint8Array(randomBytes(8));
    const plan = generationPlan(request, label, ckId);
    if (plan.kind !== "secret") throw new Error("an AES request must plan a secret key");
    await refuseExisting(connection, CKO.SECRET_KEY, ckId, "secret key");
    return { secretKey: await tokenObjectFor(connection, await host.generateKey(connection.slot, plan.mechanism, plan.template)) };
  }
  const plan = generationPlan(request, label, requested ?? new Uint8Array());
  if (plan.kind !== "pair") throw new Error("an RSA or EC request must plan a key pair");
  if (requested) {
    await refuseExisting(connection, CKO.PRIVATE_KEY, requested, "private key");
    await refuseExisting(connection, CKO.PUBLIC_KEY, requested, "public key");
  }
  const pair = await host.generateKeyPair(connection.slot, plan.mechanism, plan.publicTemplate, plan.privateTemplate);
  try {
    if (!requested) {
      const ckId = keyIdOf(await publicKeyDer(connection, { handle: pair.publicKey }));
      const made = [pair.publicKey, pair.privateKey];
      await refuseExisting(connection, CKO.PRIVATE_KEY, ckId, "private key", made);
      await refuseExisting(connection, CKO.PUBLIC_KEY, ckId, "public key", made);
      for (const handle of made) await host.setAttributes(connection.slot, handle, [{ type: CKA.ID, value: ckId }]);
    }
    return { privateKey: await tokenObjectFor(connection, pair.privateKey), publicKey: await tokenObjectFor(connection, pair.publicKey) };
  } catch (error) {
    await destroyQuietly(connection, [pair.publicKey, pair.privateKey]);
    throw error;
  }
}
