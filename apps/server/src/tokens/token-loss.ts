// Notices, from the failures of PKCS#11 calls, that a connected token is gone: removed (CKR_DEVICE_REMOVED,
// CKR_TOKEN_NOT_PRESENT), or reinserted so that its sessions and login are void (CKR_SESSION_HANDLE_INVALID,
// CKR_SESSION_CLOSED). PKCS#11 v3.1 section 5.6: a removed token's sessions are all closed.
// WatchedHost (watched-host.ts) applies this to every call of a token and reports the slot.
import { type CkrName, isPkcs11Failure } from "@open-scws/errors";

const TOKEN_GONE: readonly CkrName[] = ["CKR_DEVICE_REMOVED", "CKR_TOKEN_NOT_PRESENT", "CKR_SESSION_HANDLE_INVALID", "CKR_SESSION_CLOSED"];

/** Whether a failure shows that the token, or its sessions, are gone. */
export function showsTokenGone(error: unknown): boolean {
  return isPkcs11Failure(error, ...TOKEN_GONE);
}
