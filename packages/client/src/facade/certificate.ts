// SCWS.Certificate: a certificate on a token, its validity as cached properties, its value as PEM.
import { unwrap } from "../transport/unwrap.js";
import { type CallOptions, callInit } from "./call-options.js";
import { callFor, type DetailsOf, detailsWith, ScwsObject, stateOf } from "./objects.js";

/** A certificate on a token (`SCWS.Certificate`), from `Token.getObjects()`. */
export class Certificate extends ScwsObject {
  override get type(): "certificate" {
    return "certificate";
  }
  /** Whether the certificate is self-issued (its issuer is its subject). */
  get root(): boolean {
    return stateOf(this).root ?? false;
  }
  /** The start of validity, as an RFC 3339 date-time such as `2026-01-01T00:00:00Z`. */
  get notBefore(): string | undefined {
    return stateOf(this).notBefore;
  }
  /** The end of validity, as an RFC 3339 date-time. */
  get notAfter(): string | undefined {
    return stateOf(this).notAfter;
  }

  /** The certificate as PEM text. */
  async getValue(options?: CallOptions): Promise<string> {
    const init = callInit(options);
    const { client, params } = callFor(this);
    const { value } = unwrap(await client.GET("/v1/tokens/{tokenId}/objects/{objectId}/value", { params: { ...params, query: { encoding: "pem" } }, ...init }));
    return value;
  }

  /** Subject, issuer, serial number, validity, key usages, fingerprint and, once logged in, the matching private key's id. */
  override async getDetails(options?: CallOptions): Promise<DetailsOf<"certificate">> {
    return detailsWith(await super.getDetails(options), "certificate");
  }
}
