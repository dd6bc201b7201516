// Counts the calls a PKCS#11 host receives, to prove that a request was refused before reaching the token.
import type { Pkcs11Host } from "@open-scws/server";

/** A host wrapper that counts calls by method name, and the counts. */
export function countingHost(): { decorate: (host: Pkcs11Host) => Pkcs11Host; calls: Map<string, number>; total(method: string): number } {
  const calls = new Map<string, number>();
  const decorate = (host: Pkcs11Host): Pkcs11Host =>
    new Proxy(host, {
      get(target, property, receiver) {
        const value = Reflect.get(target, property, receiver);
        if (typeof value !== "function") return value;
        return (...args: unknown[]) => {
          calls.set(String(property), (calls.get(String(property)) ?? 0) + 1);
          return value.apply(target, args);
        };
      },
    });
  return { decorate, calls, total: (method) => calls.get(method) ?? 0 };
}
