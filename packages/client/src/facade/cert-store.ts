// SCWS.requestCertificates / requestPrivateKey and SCWS.CertStore: certificates across every connected token that
// match a filter, and the private key of the one that matches. SCWS never published these entry points' arguments;
// the filter is built from what SCWS code can already see of a certificate (ckId, ckLabel, root, validity, the
// subject, issuer and key usage of getDetails()) and of its token (reader name, label, serial number).

import { ScwsError } from "@open-scws/errors";
import type { components } from "@open-scws/spec";
import { badParams } from "../transport/client-errors.js";
import type { CallOptions } from "./call-options.js";
import { Certificate } from "./certificate.js";
import { Key } from "./key.js";
import type { Reader } from "./reader.js";
import type { Token } from "./token.js";

type Details = components["schemas"]["CertificateDetails"];
/** A key usage bit, as `getDetails().certificate.keyUsage` names it: `"digitalSignature"`, `"nonRepudiation"`... */
export type KeyUsageName = Details["keyUsage"][number];

/**
 * Which certificates `requestCertificates` and `requestPrivateKey` keep; every given member must match.
 * Text matches are case-insensitive substrings, except `ckId` (exact hex).
 */
export interface CertificateFilter {
  /** The certificate's `ckId` (hex). */
  readonly ckId?: string;
  /** Text in the certificate's `ckLabel`. */
  readonly ckLabel?: string;
  /** Text in the subject's distinguished name (RFC 4514), such as `"CN=Alice"`. */
  readonly subject?: string;
  /** Text in the issuer's distinguished name. */
  readonly issuer?: string;
  /** Key usage bits that must all be set, such as `["nonRepudiation"]` for a qualified signature certificate. */
  readonly keyUsage?: readonly KeyUsageName[];
  /** `true`: only certificates valid now; `false`: only those that are not. */
  readonly valid?: boolean;
  /** `true`: only self-issued certificates; `false`: none of them. */
  readonly root?: boolean;
  /** The reader's name (exact). */
  readonly readerName?: string;
  /** The token's label (exact). */
  readonly tokenLabel?: string;
  /** The token's serial number (exact). */
  readonly tokenSerialNumber?: string;
}

const TEXT_MEMBERS = ["ckId", "ckLabel", "subject", "issuer", "readerName", "tokenLabel", "tokenSerialNumber"] as const;

/** Checks a filter before anything is sent. */
export function checkFilter(filter: unknown): CertificateFilter {
  if (filter === undefined || filter === null) return {};
  if (typeof filter !== "object") throw badParams("filter", "must be an object");
  const given = filter as Record<string, unknown>;
  for (const member of TEXT_MEMBERS)
    if (given[member] !== undefined && typeof given[member] !== "string") throw badParams(`filter.${member}`, "must be a string");
  for (const member of ["valid", "root"])
    if (given[member] !== undefined && typeof given[member] !== "boolean") throw badParams(`filter.${member}`, "must be a boolean");
  if (given.keyUsage !== undefined && (!Array.isArray(given.keyUsage) || given.keyUsage.some((bit) => typeof bit !== "string"))) {
    throw badParams("filter.keyUsage", "must be a list of key usage names");
  }
  return filter as CertificateFilter;
}

const has = (text: string, part: string | undefined) => part === undefined || text.toLowerCase().includes(part.toLowerCase());

function tokenMatches(token: Token, filter: CertificateFilter): boolean {
  return (
    (filter.readerName === undefined || token.reader.name === filter.readerName) &&
    (filter.tokenLabel === undefined || token.label === filter.tokenLabel) &&
    (filter.tokenSerialNumber === undefined || token.serialNumber === filter.tokenSerialNumber)
  );
}

async function certificateMatches(certificate: Certificate, filter: CertificateFilter, options?: CallOptions): Promise<boolean> {
  if (filter.ckId !== undefined && certificate.ckId?.toLowerCase() !== filter.ckId.toLowerCase()) return false;
  if (!has(certificate.ckLabel ?? "", filter.ckLabel)) return false;
  if (filter.root !== undefined && certificate.root !== filter.root) return false;
  if (filter.subject === undefined && filter.issuer === undefined && filter.keyUsage === undefined && filter.valid === undefined) return true;
  const { certificate: details } = await certificate.getDetails(options);
  return (
    has(details.subject, filter.subject) &&
    has(details.issuer, filter.issuer) &&
    (filter.keyUsage ?? []).every((bit) => details.keyUsage.includes(bit)) &&
    (filter.valid === undefined || (details.validity === "valid") === filter.valid)
  );
}

/**
 * The certificates `SCWS.requestCertificates` found: `getObjects()` lists them, each with its `parent` token.
 * Built by the library.
 */
export class CertStore {
  readonly #certificates: readonly Certificate[];
  readonly #opened: readonly Token[];

  /** @internal */
  constructor(
    /** The tokens searched. (open SCWS addition) */
    readonly tokens: readonly Token[],
    certificates: readonly Certificate[],
    opened: readonly Token[],
  ) {
    this.#certificates = certificates;
    this.#opened = opened;
  }

  /** The certificates that matched the filter, in reader order. */
  async getObjects(): Promise<Certificate[]> {
    return [...this.#certificates];
  }

  /** Disconnects the tokens this store connected to (those that were not connected before). (open SCWS addition) */
  async close(options?: CallOptions): Promise<void> {
    await Promise.all(this.#opened.map((token) => token.disconnect(options).catch(() => undefined)));
  }
}

/** Connects (or reuses the connection to) every token in a reader, and keeps the certificates that match. */
export async function findCertificates(
  readers: readonly Reader[],
  connectedTo: (reader: Reader) => Token | undefined,
  filter: CertificateFilter,
  options?: CallOptions,
): Promise<CertStore> {
  const tokens: Token[] = [];
  const opened: Token[] = [];
  const certificates: Certificate[] = [];
  for (const reader of readers) {
    if (!reader.cardPresent || reader.status !== "ok") continue;
    if (filter.readerName !== undefined && reader.name !== filter.readerName) continue;
    let token = connectedTo(reader);
    if (!token) {
      // A token that cannot be connected to (not initialised, mute) holds no certificate SCWS code could use.
      token = await reader.connect(options).catch((error: unknown) => {
        if (error instanceof ScwsError && error.code !== "MWR_SCWS_UNREACHABLE" && error.code !== "MWR_SCWS_COMM_TIMEOUT") return undefined;
        throw error;
      });
      if (!token) continue;
      opened.push(token);
    }
    tokens.push(token);
    if (!tokenMatches(token, filter)) continue;
    const found = await token.getObjects({ type: "certificate", ...(options?.signal ? { signal: options.signal } : {}) });
    for (const object of found) if (object instanceof Certificate && (await certificateMatches(object, filter, options))) certificates.push(object);
  }
  return new CertStore(tokens, certificates, opened);
}

/** How `requestPrivateKey` logs in when the key is not visible yet: `false` (the service's PIN page, the default) or the PIN. */
export type PrivateKeyLogin = false | string;

/** The private key of the one certificate of the store; logs in first (by default on the service's PIN page). */
export async function privateKeyOf(store: CertStore, login: PrivateKeyLogin, options?: CallOptions): Promise<Key> {
  const certificates = await store.getObjects();
  if (certificates.length === 0) {
    throw new ScwsError("No certificate on the connected tokens matches the filter.", "CKR_KEY_HANDLE_INVALID", undefined, { field: "filter", matches: 0 });
  }
  if (certificates.length > 1) {
    throw new ScwsError(`${certificates.length} certificates match the filter: narrow it (ckId, tokenLabel...) to one.`, "CKR_ARGUMENTS_BAD", undefined, {
      field: "filter",
      matches: certificates.length,
    });
  }
  const certificate = certificates[0]!;
  const token = certificate.parent;
  const find = async () =>
    (await token.getObjects({ type: "privateKey", ...(certificate.ckId ? { ckId: certificate.ckId } : {}) })).find((key) => key instanceof Key);
  let key = await find();
  const pin = token.pins[certificate.pinNumber ?? 0];
  if (!key && pin && !pin.validated) {
    await pin.login(login, false, options);
    key = await find();
  }
  if (!(key instanceof Key)) {
    throw new ScwsError("The matching certificate has no private key on its token.", "CKR_KEY_HANDLE_INVALID", undefined, {
      field: "filter",
      ckId: certificate.ckId,
    });
  }
  return key;
}
