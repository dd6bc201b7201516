// SCWS.Key: a public, private or secret key on a token: its properties and, for a public key, its value.
import type { components } from "@open-scws/spec";
import { unwrap } from "../transport/unwrap.js";
import { type CallOptions, callInit } from "./call-options.js";
import { callFor, type DetailsOf, detailsWith, type ObjectType, ScwsObject, stateOf } from "./objects.js";

type Schemas = components["schemas"];
/** The kinds of key. SCWS has `"publicKey"` and `"privateKey"`; `"secretKey"` is an open SCWS addition. */
export type KeyType = Extract<ObjectType, "publicKey" | "privateKey" | "secretKey">;
/** `"RSA"`, `"ECDSA"`, and the algorithms SCWS does not name (`"EdDSA"`, `"AES"`...). */
export type KeyAlgorithm = Schemas["KeyAlgorithm"];

/** A public, private or secret key on a token (`SCWS.Key`), from `Token.getObjects()`. */
export class Key extends ScwsObject {
  override get type(): KeyType {
    return stateOf(this).type as KeyType;
  }
  /** `"publicKey"`, `"privateKey"` (or `"secretKey"`). */
  get keyType(): KeyType {
    return this.type;
  }
  /** The key's algorithm: `"RSA"` or `"ECDSA"` in SCWS's terms. */
  get algorithmName(): KeyAlgorithm | undefined {
    return stateOf(this).algorithmName;
  }
  /** SCWS's qualified-signature flag; always false over PKCS#11. */
  get partialHash(): boolean {
    return stateOf(this).partialHash ?? false;
  }
  /** Whether each use needs the PIN again (`CKA_ALWAYS_AUTHENTICATE`). */
  get alwaysAuthenticate(): boolean {
    return stateOf(this).alwaysAuthenticate ?? false;
  }

  /** A public key's value, as SubjectPublicKeyInfo PEM. A private or secret key answers `CKR_ATTRIBUTE_SENSITIVE`. */
  async getValue(options?: CallOptions): Promise<string> {
    const init = callInit(options);
    const { client, params } = callFor(this);
    const { value } = unwrap(await client.GET("/v1/tokens/{tokenId}/objects/{objectId}/value", { params: { ...params, query: { encoding: "pem" } }, ...init }));
    return value;
  }

  /** Algorithm, size or curve, usages, and the matching certificate's id. */
  override async getDetails(options?: CallOptions): Promise<DetailsOf<"key">> {
    return detailsWith(await super.getDetails(options), "key");
  }
}
