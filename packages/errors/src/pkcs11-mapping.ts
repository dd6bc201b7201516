// Maps PKCS#11 return values to SCWS codes by number, never by message text (PKCS#11 v3.1 section 5.1).
import type { ErrorCode } from "./catalogue/index.js";
import { isErrorCode } from "./catalogue/index.js";
import { type CkrName, ckrValues } from "./generated/ckr-values.js";

/** PKCS#11 names that are not SCWS codes, and so travel as the nearest SCWS code. */
type UnlistedCkr = Exclude<CkrName, ErrorCode | "CKR_OK" | "CKR_VENDOR_DEFINED">;

/** The nearest SCWS code for every PKCS#11 value SCWS does not list. The compiler checks that none is missing. */
export const nearestCodeForUnlistedCkr: { readonly [Name in UnlistedCkr]: ErrorCode } = {
  CKR_NO_EVENT: "CKR_FUNCTION_FAILED",
  CKR_NEED_TO_CREATE_THREADS: "CKR_GENERAL_ERROR",
  CKR_CANT_LOCK: "CKR_GENERAL_ERROR",
  CKR_KEY_NEEDED: "CKR_FUNCTION_FAILED",
  CKR_OPERATION_ACTIVE: "CKR_FUNCTION_FAILED",
  CKR_OPERATION_NOT_INITIALIZED: "CKR_FUNCTION_FAILED",
  CKR_SESSION_CLOSED: "CKR_SESSION_HANDLE_INVALID",
  CKR_SESSION_COUNT: "CKR_HOST_MEMORY",
  CKR_SESSION_PARALLEL_NOT_SUPPORTED: "CKR_FUNCTION_NOT_SUPPORTED",
  CKR_SESSION_READ_ONLY: "CKR_TOKEN_WRITE_PROTECTED",
  CKR_SESSION_EXISTS: "CKR_FUNCTION_FAILED",
  CKR_SESSION_READ_ONLY_EXISTS: "CKR_USER_ANOTHER_ALREADY_LOGGED_IN",
  CKR_SESSION_READ_WRITE_SO_EXISTS: "CKR_USER_ANOTHER_ALREADY_LOGGED_IN",
  CKR_RANDOM_SEED_NOT_SUPPORTED: "CKR_FUNCTION_NOT_SUPPORTED",
  CKR_RANDOM_NO_RNG: "CKR_FUNCTION_NOT_SUPPORTED",
  CKR_DOMAIN_PARAMS_INVALID: "CKR_CURVE_NOT_SUPPORTED",
  CKR_BUFFER_TOO_SMALL: "CKR_GENERAL_ERROR",
  CKR_SAVED_STATE_INVALID: "CKR_FUNCTION_FAILED",
  CKR_STATE_UNSAVEABLE: "CKR_FUNCTION_NOT_SUPPORTED",
  CKR_CRYPTOKI_NOT_INITIALIZED: "CKR_LIBRARY_LOAD_FAILED",
  CKR_CRYPTOKI_ALREADY_INITIALIZED: "CKR_GENERAL_ERROR",
  CKR_MUTEX_BAD: "CKR_GENERAL_ERROR",
  CKR_MUTEX_NOT_LOCKED: "CKR_GENERAL_ERROR",
  CKR_NEW_PIN_MODE: "CKR_FUNCTION_FAILED",
  CKR_NEXT_OTP: "CKR_FUNCTION_FAILED",
  CKR_EXCEEDED_MAX_ITERATIONS: "CKR_FUNCTION_FAILED",
  CKR_FIPS_SELF_TEST_FAILED: "CKR_DEVICE_ERROR",
  CKR_FUNCTION_REJECTED: "CKR_CANCEL",
};

/** The code a vendor-defined value (`CKR_VENDOR_DEFINED` and above) travels as. */
export const VENDOR_DEFINED_CODE: ErrorCode = "CKR_FUNCTION_FAILED";
/** The code a value unknown to the header travels as. */
export const UNKNOWN_CKR_CODE: ErrorCode = "CKR_GENERAL_ERROR";

const nameByValue = new Map<number, CkrName>(Object.entries(ckrValues).map(([name, value]) => [value, name as CkrName]));

/** The PKCS#11 name of a return value: its header name, `CKR_VENDOR_DEFINED+0x...`, or `CKR_0x...`. */
export function ckrName(value: number): string {
  const known = nameByValue.get(value);
  if (known !== undefined) return known;
  if (value >= ckrValues.CKR_VENDOR_DEFINED) {
    return `CKR_VENDOR_DEFINED+0x${(value - ckrValues.CKR_VENDOR_DEFINED).toString(16).toUpperCase()}`;
  }
  return `CKR_0x${value.toString(16).toUpperCase()}`;
}

/** The SCWS code a PKCS#11 return value travels as. */
export function codeForCkrValue(value: number): ErrorCode {
  const name = nameByValue.get(value);
  if (name === undefined) return value >= ckrValues.CKR_VENDOR_DEFINED ? VENDOR_DEFINED_CODE : UNKNOWN_CKR_CODE;
  if (isErrorCode(name)) return name;
  if (name === "CKR_OK") return UNKNOWN_CKR_CODE; // a failure that claims CKR_OK is a module bug
  if (name === "CKR_VENDOR_DEFINED") return VENDOR_DEFINED_CODE;
  return nearestCodeForUnlistedCkr[name];
}
