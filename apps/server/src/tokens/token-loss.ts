// Notices, from the failures of PKCS#11 calls, that a connected token is gone: removed (CKR_DEVICE_REMOVED,
// CKR_TOKEN_NOT_PRESENT), or reinserted so that its sessions and login are void (CKR_SESSION_HANDLE_INVALID,
// CKR_SESSION_CLOSED). PKCS#11 v3.1 section 5.6: a removed token's sessions are all closed.
// WatchedHost (watched-host.ts) applies this to every call of a token and reports the slot.
import { type CkrName, isPkcs11Failure, ScwsError, scwsErrorFromPkcs11 } from "@open-scws/errors";

const TOKEN_GONE: readonly CkrName[] = ["CKR_DEVICE_REMOVED", "CKR_TOKEN_NOT_PRESENT", "CKR_SESSION_HANDLE_INVALID", "CKR_SESSION_CLOSED"];

/** Whether a failure shows that the token, or its sessions, are gone. */
export function showsTokenGone(error: unknown): boolean {
  return isPkcs11Failure(error, ...TOKEN_GONE);
}

/**
 * Failures that may be a token pulled in the middle of the call: OpenSC 0.23 answers a card removed during its
 * C_Sign with CKR_GENERAL_ERROR (the reader's transmit failed) rather than CKR_DEVICE_REMOVED. The token is asked
 * afresh before such a failure is taken for a removal.
 */
const MAYBE_TOKEN_GONE: readonly CkrName[] = ["CKR_GENERAL_ERROR", "CKR_DEVICE_ERROR", "CKR_FUNCTION_FAILED"];

/** Whether a failure may hide a token removed mid-call (see MAYBE_TOKEN_GONE). */
export function mayShowTokenGone(error: unknown): boolean {
  return isPkcs11Failure(error, ...MAYBE_TOKEN_GONE);
}

/**
 * The answer to a call that met a token gone: CKR_DEVICE_REMOVED, whatever the module said (OpenSC answers a pulled
 * card's sessions with CKR_SESSION_HANDLE_INVALID), with the module's own value kept in customData.pkcs11.
 */
export function deviceRemoved(error: unknown): ScwsError {
  const pkcs11 = isPkcs11Failure(error) ? scwsErrorFromPkcs11(error).customData.pkcs11 : undefined;
  return new ScwsError("CKR_DEVICE_REMOVED", {
    message: "The token was removed from its reader; connect to the reader again.",
    customData: { reason: "tokenRemoved", ...(pkcs11 ? { pkcs11 } : {}) },
  });
}
