// Which PKCS#11 failures end a session (the pool replaces it) and which end a whole batch (PKCS#11 v3.1 section 5.6:
// a removed token's sessions are all closed).
import { OPERATION_LEFT_ACTIVE } from "./calls/crypto.js";

/** PKCS#11 values after which a session cannot be used again. */
const SESSION_GONE = new Set([
  0xb0, // CKR_SESSION_CLOSED
  0xb3, // CKR_SESSION_HANDLE_INVALID
  0x32, // CKR_DEVICE_REMOVED
  0xe0, // CKR_TOKEN_NOT_PRESENT
]);

/** Whether an error from pkcs11js means the session it used is gone, or cannot serve another call. */
export function isSessionGone(error: unknown): boolean {
  if (typeof error === "object" && error !== null && (error as Record<symbol, unknown>)[OPERATION_LEFT_ACTIVE]) return true;
  return typeof (error as { code?: unknown })?.code === "number" && SESSION_GONE.has((error as { code: number }).code);
}

/** PKCS#11 values that end every item of a batch, not just one: the token or the login is gone. */
const BATCH_ENDING = new Set([
  0x30, // CKR_DEVICE_ERROR
  0x101, // CKR_USER_NOT_LOGGED_IN
]);

/**
 * Whether a failure concerns a whole batch: a session or token that is gone (PKCS#11 v3.1 section 5.6), a
 * context-specific login that failed (one PIN serves every item), or a login that is no longer there.
 */
export function endsBatch(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return isSessionGone(error) || (typeof code === "number" && BATCH_ENDING.has(code));
}
