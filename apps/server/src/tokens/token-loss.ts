// Notices, from the failures of PKCS#11 calls, that a connected token is gone: removed (CKR_DEVICE_REMOVED,
// CKR_TOKEN_NOT_PRESENT), or reinserted so that its sessions and login are void (CKR_SESSION_HANDLE_INVALID,
// CKR_SESSION_CLOSED). PKCS#11 v3.1 section 5.6: a removed token's sessions are all closed.
// WatchedHost (watched-host.ts) applies this to every call of a token and reports the slot.

const TOKEN_GONE = new Set([0x32, 0xe0, 0xb3, 0xb0]);

/** Whether a failure shows that the token, or its sessions, are gone. */
export function showsTokenGone(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === "number" && TOKEN_GONE.has(code);
}
