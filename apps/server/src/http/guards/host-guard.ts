// The Host allow-list: a request whose Host header names another site (DNS rebinding) is refused before any work.
import { ScwsError } from "@open-scws/errors";
import type { MiddlewareHandler } from "hono";

/** The Host values a service on `port` answers to: loopback names with the port, plus configured names. */
export function allowedHostValues(port: number, extraNames: readonly string[]): Set<string> {
  const names = ["127.0.0.1", "localhost", "[::1]", ...extraNames.map((name) => name.toLowerCase())];
  const values = new Set<string>();
  for (const name of names) {
    values.add(`${name}:${port}`);
    // A configured name may stand behind a proxy on the default port; loopback names never omit the port.
    if (extraNames.includes(name)) values.add(name);
  }
  return values;
}

/** Refuses requests whose Host header is missing or not allowed. `port` is read per request, once listening. */
export function hostGuard(port: () => number, extraNames: readonly string[]): MiddlewareHandler {
  let cached: { port: number; values: Set<string> } | undefined;
  return async (c, next) => {
    const currentPort = port();
    if (cached?.port !== currentPort) cached = { port: currentPort, values: allowedHostValues(currentPort, extraNames) };
    const host = c.req.header("host")?.toLowerCase();
    if (host === undefined || !cached.values.has(host)) {
      throw new ScwsError("The Host header does not name this service.", "SCWS_HOST_REFUSED", undefined, { field: "/header/host" });
    }
    await next();
  };
}
