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

function authorityOf(target: string): string {
  try {
    return new URL(target).host.toLowerCase();
  } catch {
    return "";
  }
}

/** Refuses requests whose Host header is missing or not allowed. `port` is read per request, once listening. */
export function hostGuard(port: () => number, extraNames: readonly string[]): MiddlewareHandler {
  let cached: { port: number; values: Set<string> } | undefined;
  return async (c, next) => {
    const currentPort = port();
    if (cached?.port !== currentPort) cached = { port: currentPort, values: allowedHostValues(currentPort, extraNames) };
    const host = c.req.header("host")?.toLowerCase();
    if (host === undefined || !cached.values.has(host)) {
      throw new ScwsError("SCWS_HOST_REFUSED", { message: "The Host header does not name this service.", customData: { field: "/header/host" } });
    }
    // An absolute-form target (GET http://name/path) names the host itself, and RFC 9112 section 3.2.2 has it
    // win over the Host header: it must name this service too. Node's request keeps the target as it came.
    const target = (c.env as { incoming?: { url?: string } } | undefined)?.incoming?.url ?? "/";
    if (!target.startsWith("/") && !cached.values.has(authorityOf(target))) {
      throw new ScwsError("SCWS_HOST_REFUSED", { message: "The request target does not name this service.", customData: { field: "/header/host" } });
    }
    await next();
  };
}
