// Turns a failure of a PKCS#11 call (pkcs11js's Pkcs11Error, or one relayed from a host process) into a ScwsError.
import { errorCatalogue } from "./catalogue/index.js";
import { type CkrName, ckrValues } from "./generated/ckr-values.js";
import { ckrName, codeForCkrValue } from "./pkcs11-mapping.js";
import { ScwsError } from "./scws-error.js";

/** What a PKCS#11 failure carries: pkcs11js's `Pkcs11Error` has this shape. */
export interface Pkcs11Failure {
  readonly name: "Pkcs11Error";
  /** The numeric CK_RV. */
  readonly code: number;
  /** The PKCS#11 function that failed, such as `C_Login`. */
  readonly method?: string;
}

/** A CK_RV by its header name or its value. */
function ckrValue(ckr: CkrName | number): number {
  return typeof ckr === "number" ? ckr : ckrValues[ckr];
}

/**
 * Whether a value is a PKCS#11 failure, by shape (the error package does not load pkcs11js); with `names`, one
 * whose CK_RV is among them.
 * @example if (isPkcs11Failure(error, "CKR_SIGNATURE_INVALID")) return false;
 */
export function isPkcs11Failure(value: unknown, ...names: readonly CkrName[]): value is Pkcs11Failure {
  if (typeof value !== "object" || value === null) return false;
  const candidate = value as { name?: unknown; code?: unknown };
  if (candidate.name !== "Pkcs11Error" || typeof candidate.code !== "number") return false;
  return names.length === 0 || names.some((name) => ckrValues[name] === candidate.code);
}

/**
 * A PKCS#11 failure as pkcs11js throws one (`Pkcs11Error`, its message the CKR name), for code that fails on the
 * token's behalf: a host that is not initialised, a session it no longer holds.
 * @example throw pkcs11Failure("CKR_SESSION_HANDLE_INVALID", { method: "C_SignAsync" });
 */
export function pkcs11Failure(ckr: CkrName | number, options: { readonly method?: string; readonly cause?: unknown } = {}): Error & Pkcs11Failure {
  const code = ckrValue(ckr);
  const error = new Error(ckrName(code), options.cause === undefined ? undefined : { cause: options.cause });
  return Object.assign(error, { name: "Pkcs11Error" as const, code }, options.method === undefined ? {} : { method: options.method });
}

/** The ScwsError for a PKCS#11 failure; customData.pkcs11 keeps the original name, value and function. */
export function scwsErrorFromPkcs11(failure: Pkcs11Failure, context?: string): ScwsError {
  const code = codeForCkrValue(failure.code);
  const name = ckrName(failure.code);
  const where = failure.method ? ` in ${failure.method}` : "";
  const prefix = context ? `${context}: ` : "";
  const message = `${prefix}${errorCatalogue[code].title} (the token answered ${name}${where}).`;
  const pkcs11 = failure.method ? { name, value: failure.code, function: failure.method } : { name, value: failure.code };
  return new ScwsError(message, code, undefined, { pkcs11 }, { cause: failure });
}

/**
 * The one funnel from anything thrown to a ScwsError: ScwsErrors pass through, PKCS#11 failures are
 * mapped by number, and anything else becomes a generic CKR_GENERAL_ERROR that reveals nothing.
 */
export function toScwsError(error: unknown): ScwsError {
  if (error instanceof ScwsError) return error;
  if (isPkcs11Failure(error)) return scwsErrorFromPkcs11(error);
  return new ScwsError("An unexpected error occurred in the service.", "CKR_GENERAL_ERROR", undefined, {}, { cause: error });
}
