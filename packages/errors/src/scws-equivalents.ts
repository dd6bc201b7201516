// The nearest SCWS code for each code the service can answer that SCWS does not document, so that the facade
// gives SCWS code only the 92 codes it knows; the service's own code rides along in customData.serviceCode.
import type { ErrorCode } from "./catalogue/index.js";
import type { ScwsCode } from "./catalogue/scws-codes.js";
import { isErrorCode } from "./codes.js";
import { ScwsError } from "./scws-error.js";

/** A code the service can answer that is not one of SCWS's 92. */
export type NonScwsCode = Exclude<ErrorCode, ScwsCode>;

/**
 * Every non-SCWS code and the SCWS code SCWS code should see instead; the compiler checks that each is listed.
 * Each choice keeps what the code tells SCWS code to do (retry, log in again, fix the call).
 */
export const scwsEquivalents: { readonly [Code in NonScwsCode]: ScwsCode } = {
  // An object id that no longer names an object on the token: SCWS's "specified key handle is not valid".
  CKR_OBJECT_HANDLE_INVALID: "CKR_KEY_HANDLE_INVALID",
  // A token connection that ended (disconnect, removal): SCWS's "the token has been removed".
  CKR_SESSION_HANDLE_INVALID: "CKR_TOKEN_NOT_PRESENT",
  // A service without this operation (an older release): "not supported".
  SCWS_ROUTE_NOT_FOUND: "CKR_FUNCTION_NOT_SUPPORTED",
  SCWS_METHOD_NOT_ALLOWED: "CKR_FUNCTION_NOT_SUPPORTED",
  // Data too long for the service's body limit.
  SCWS_PAYLOAD_TOO_LARGE: "CKR_DATA_LEN_RANGE",
  // A request the facade shaped wrongly.
  SCWS_UNSUPPORTED_MEDIA_TYPE: "MWR_SCWS_BAD_PARAMS",
  // The answer came from something that refused to serve this address: the communication failed.
  SCWS_HOST_REFUSED: "MWR_SCWS_COMM_ERROR",
  // The service did not try the PIN (the application opted in to confirming the last try): nothing was done.
  SCWS_FINAL_TRY_UNCONFIRMED: "CKR_CANCEL",
  // The page or application is not allowed to use the service.
  SCWS_ORIGIN_REFUSED: "CXR_NOT_PERMITTED",
  SCWS_APPLICATION_UNKNOWN: "CXR_NOT_PERMITTED",
  // No live environment: the authenticated channel to the service is gone; createEnvironment again.
  SCWS_CREDENTIAL_REQUIRED: "CXR_BROKEN_AUTHENTICATION",
  SCWS_CREDENTIAL_INVALID: "CXR_BROKEN_AUTHENTICATION",
  // The back end's signature of the challenge does not verify (or the challenge expired).
  SCWS_CHALLENGE_INVALID: "CKR_SIGNATURE_INVALID",
  // Too many requests for now: a transient communication failure, retryAfterSeconds in customData.
  SCWS_RATE_LIMITED: "MWR_SCWS_COMM_ERROR",
  // Too many environments, connections or requests in flight: the host's resources are exhausted.
  SCWS_LIMIT_REACHED: "CKR_HOST_MEMORY",
};

/**
 * Whether a code is one of the 92 SCWS documents: a catalogue code with no equivalent. (Read from the equivalents
 * rather than from the list of 92, so that browser bundles carry the code names once; the compiler keeps the two
 * complementary, and scws-equivalents.test.ts checks it against the list.)
 */
export function isScwsCode(code: unknown): code is ScwsCode {
  return isErrorCode(code) && !Object.hasOwn(scwsEquivalents, code);
}

/** The SCWS code for a code: itself when SCWS documents it, its nearest equivalent otherwise. */
export function scwsCodeFor(code: ErrorCode): ScwsCode {
  return isScwsCode(code) ? code : scwsEquivalents[code];
}

/**
 * The error as SCWS code must see it: unchanged when its code is one of the 92, otherwise the same error under
 * the nearest SCWS code, with the service's code in `customData.serviceCode`.
 * @example catch (e) { throw asScwsCodeError(e); } // e.code "CKR_SESSION_HANDLE_INVALID" -> "CKR_TOKEN_NOT_PRESENT"
 */
export function asScwsCodeError(error: ScwsError): ScwsError {
  if (isScwsCode(error.code)) return error;
  const customData = { ...error.customData, serviceCode: error.code };
  return new ScwsError(error.message, scwsCodeFor(error.code), error.httpStatus, customData, { cause: error });
}
