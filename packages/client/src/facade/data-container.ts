// SCWS.DataContainer: a data object (CKO_DATA) on a token, and its bytes.

import { fromBase64 } from "./bytes.js";
import { type CallOptions, callInit } from "./call-options.js";
import { callFor, type DetailsOf, detailsWith, ScwsObject, stateOf } from "./objects.js";
import { unwrap } from "./scws-answer.js";

/** A data object on a token (`SCWS.DataContainer`), from `Token.getObjects()`. */
export class DataContainer extends ScwsObject {
  override get type(): "dataContainer" {
    return "dataContainer";
  }
  /** The application that manages it (`CKA_APPLICATION`). */
  get application(): string | undefined {
    return stateOf(this).application;
  }

  /** Its contents. */
  async getValue(options?: CallOptions): Promise<ArrayBuffer> {
    const init = callInit(options);
    const { client, params } = callFor(this);
    const { value } = unwrap(await client.GET("/v1/tokens/{tokenId}/objects/{objectId}/value", { params: { ...params, query: { encoding: "raw" } }, ...init }));
    return fromBase64(value);
  }

  /** Its application, size and `CKA_OBJECT_ID`. */
  override async getDetails(options?: CallOptions): Promise<DetailsOf<"dataContainer">> {
    return detailsWith(await super.getDetails(options), "dataContainer");
  }
}
