// Turns a failure of a PKCS#11 call (pkcs11js's Pkcs11Error, or one relayed from a host process) into a ScwsError.
import { errorCatalogue } from "./catalogue/index.js";
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

/** Whether a value is a PKCS#11 failure, by shape (the error package does not load pkcs11js). */
export function isPkcs11Failure(value: unknown): value is Pkcs11Failure {
  if (typeof value !== "object" || value === null) return false;
  const candidate = value as { name?: unknown; code?: unknown };
  return candidate.name === "Pkcs11Error" && typeof candidate.code === "number";
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
