// Which PKCS#11 failures end a session (the pool replaces it) and which end a whole batch (PKCS#11 v3.1 section 5.6:
// a removed token's sessions are all closed).
import { type CkrName, isPkcs11Failure } from "@open-scws/errors";
import { OPERATION_LEFT_ACTIVE } from "./calls/crypto.js";

/** PKCS#11 failures after which a session cannot be used again. */
const SESSION_GONE: readonly CkrName[] = ["CKR_SESSION_CLOSED", "CKR_SESSION_HANDLE_INVALID", "CKR_DEVICE_REMOVED", "CKR_TOKEN_NOT_PRESENT"];

/** Whether an error from pkcs11js means the session it used is gone, or cannot serve another call. */
export function isSessionGone(error: unknown): boolean {
  if (typeof error === "object" && error !== null && (error as Record<symbol, unknown>)[OPERATION_LEFT_ACTIVE]) return true;
  return isPkcs11Failure(error, ...SESSION_GONE);
}

/** PKCS#11 failures that end every item of a batch, not just one: the token or the login is gone. */
const BATCH_ENDING: readonly CkrName[] = ["CKR_DEVICE_ERROR", "CKR_USER_NOT_LOGGED_IN"];

/**
 * Whether a failure concerns a whole batch: a session or token that is gone (PKCS#11 v3.1 section 5.6), a
 * context-specific login that failed (one PIN serves every item), or a login that is no longer there.
 */
export function endsBatch(error: unknown): boolean {
  return isSessionGone(error) || isPkcs11Failure(error, ...BATCH_ENDING);
}
