// Notices, from the failures of PKCS#11 calls, that a connected token is gone: removed (CKR_DEVICE_REMOVED,
// CKR_TOKEN_NOT_PRESENT), or reinserted so that its sessions and login are void (CKR_SESSION_HANDLE_INVALID,
// CKR_SESSION_CLOSED). PKCS#11 v3.1 section 5.6: a removed token's sessions are all closed.
import { type CkrName, isPkcs11Failure } from "@open-scws/errors";
import type { Pkcs11Host } from "../pkcs11/host.js";

const TOKEN_GONE: readonly CkrName[] = ["CKR_DEVICE_REMOVED", "CKR_TOKEN_NOT_PRESENT", "CKR_SESSION_HANDLE_INVALID", "CKR_SESSION_CLOSED"];

/** Whether a failure shows that the token, or its sessions, are gone. */
export function showsTokenGone(error: unknown): boolean {
  return isPkcs11Failure(error, ...TOKEN_GONE);
}

/** A host whose calls report, through `onLost`, a failure that shows the token is gone; the failure itself goes on. */
export function watchForLostToken(host: Pkcs11Host, onLost: () => void): Pkcs11Host {
  return new Proxy(host, {
    get(target, property, receiver) {
      const value = Reflect.get(target, property, receiver);
      if (typeof value !== "function") return value;
      return (...args: unknown[]) =>
        (value.apply(target, args) as Promise<unknown>).catch((error: unknown) => {
          if (showsTokenGone(error)) onLost();
          throw error;
        });
    },
  });
}
