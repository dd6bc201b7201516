// SCWS.Certificate: a certificate on a token, its validity as cached properties, its value as PEM.
import type { components } from "@open-scws/spec";
import { communicationError } from "../transport/client-errors.js";
import { type CallOptions, callInit } from "./call-options.js";
import { callFor, contextOf, type DetailsOf, detailsWith, ScwsObject, stateOf } from "./objects.js";
import { unwrap } from "./scws-answer.js";

type Schemas = components["schemas"];
/** A certificate of a chain that is not on the token (a configured trust anchor): its subject and PEM. */
export type TrustAnchorEntry = Schemas["CertPathEntry"] & { readonly pem: string };
/**
 * `getTrust()`'s answer as SCWS shows it: `trustStatus` (`"ok"` or the reasons), `usages`, and `certPath`, whose
 * entries are `Certificate`s where they are on the token. `revocationChecked` is always false. (open SCWS addition)
 */
export type CertificateTrust = Omit<Schemas["CertificateTrust"], "certPath"> & { readonly certPath: Array<Certificate | TrustAnchorEntry> };

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

  /**
   * Builds the certificate's chain from the token's certificates and the service's trust anchors, and checks it now.
   * Revocation is not checked.
   */
  async getTrust(options?: CallOptions): Promise<CertificateTrust> {
    const init = callInit(options);
    const { client, params } = callFor(this);
    const trust = unwrap(await client.GET("/v1/tokens/{tokenId}/objects/{objectId}/trust", { params, ...init }));
    const certPath = await Promise.all(trust.certPath.map((entry) => this.#pathEntry(entry, init)));
    return { ...trust, certPath };
  }

  async #pathEntry(entry: Schemas["CertPathEntry"], init: { signal?: AbortSignal }): Promise<Certificate | TrustAnchorEntry> {
    if (entry.objectId === undefined) {
      if (entry.pem === undefined) throw communicationError("a certificate path entry has neither objectId nor pem");
      return { ...entry, pem: entry.pem };
    }
    if (entry.objectId === this.id) return this;
    const { client, params } = callFor(this);
    const path = { tokenId: params.path.tokenId, objectId: entry.objectId };
    const state = unwrap(await client.GET("/v1/tokens/{tokenId}/objects/{objectId}", { params: { path }, ...init }));
    if (state.type !== "certificate") throw communicationError(`a certificate path names a ${state.type}`);
    return new Certificate(contextOf(this), this.parent, state);
  }

  /** Subject, issuer, serial number, validity, key usages, fingerprint and, once logged in, the matching private key's id. */
  override async getDetails(options?: CallOptions): Promise<DetailsOf<"certificate">> {
    return detailsWith(await super.getDetails(options), "certificate");
  }
}
