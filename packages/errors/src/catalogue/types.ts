// The shape of one entry of the SCWS error catalogue.
import type { components } from "@open-scws/spec";

/** Every SCWS error code the spec declares: the closed enum of `Problem.code`. */
export type ErrorCode = components["schemas"]["ErrorCode"];

/**
 * Where a code can arise:
 * - `token`: reported by the token or its PKCS#11 module;
 * - `service`: decided by the service itself (validation, access control, limits);
 * - `client`: raised by the client library, never sent by the service;
 * - `mobile`: only on Idopte's mobile platforms (Bluetooth, NFC); kept for compatibility, never raised here.
 */
export type ErrorOrigin = "token" | "service" | "client" | "mobile";

/** What the catalogue says about one code. */
export interface CatalogueEntry {
  /** A short summary, the problem's `title`. */
  readonly title: string;
  /** What the code means, in this project's words. */
  readonly description: string;
  /** What the caller should do about it. */
  readonly remedy: string;
  /** The HTTP status the code travels with, or `null` for codes the service never sends. */
  readonly httpStatus: number | null;
  /** The PKCS#11 `CK_RV` value, for `CKR_*` codes. */
  readonly pkcs11Value?: number;
  /** Where the code can arise. */
  readonly origin: ErrorOrigin;
  /** Whether sending the same request again, unchanged, can succeed. */
  readonly retryable: boolean;
}

/** The catalogue entries of one family of codes, keyed by every code of that family and no other. */
export type FamilyCatalogue<Family extends ErrorCode> = { readonly [Code in Family]: CatalogueEntry };
