// Notices, from the failures of PKCS#11 calls, that a connected token is gone: removed (CKR_DEVICE_REMOVED,
// CKR_TOKEN_NOT_PRESENT), or reinserted so that its sessions and login are void (CKR_SESSION_HANDLE_INVALID,
// CKR_SESSION_CLOSED). PKCS#11 v3.1 section 5.6: a removed token's sessions are all closed.
import { isPkcs11Failure, ScwsError, scwsErrorFromPkcs11 } from "@open-scws/errors";
import type { Pkcs11Host } from "../pkcs11/host.js";

const TOKEN_GONE = new Set([0x32, 0xe0, 0xb3, 0xb0]);

/** Whether a failure shows that the token, or its sessions, are gone. */
export function showsTokenGone(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === "number" && TOKEN_GONE.has(code);
}

/**
 * The answer to a call that met a token gone: CKR_DEVICE_REMOVED, whatever the module said (OpenSC answers a pulled
 * card's sessions with CKR_SESSION_HANDLE_INVALID), with the module's own value kept in customData.pkcs11.
 */
export function deviceRemoved(error: unknown): ScwsError {
  const pkcs11 = isPkcs11Failure(error) ? scwsErrorFromPkcs11(error).customData.pkcs11 : undefined;
  return new ScwsError("The token was removed from its reader; connect to the reader again.", "CKR_DEVICE_REMOVED", undefined, {
    reason: "tokenRemoved",
    ...(pkcs11 ? { pkcs11 } : {}),
  });
}

/** A host whose calls report, through `onLost`, a failure that shows the token is gone, and answer it CKR_DEVICE_REMOVED. */
export function watchForLostToken(host: Pkcs11Host, onLost: () => void): Pkcs11Host {
  return new Proxy(host, {
    get(target, property, receiver) {
      const value = Reflect.get(target, property, receiver);
      if (typeof value !== "function") return value;
      return (...args: unknown[]) =>
        (value.apply(target, args) as Promise<unknown>).catch((error: unknown) => {
          if (!showsTokenGone(error)) throw error;
          onLost();
          throw deviceRemoved(error);
        });
    },
  });
}
