// The Origin allow-list and CORS (Fetch standard, section 3.2): a page may call the service only from an origin
// a registered application lists. The allowed origin is echoed exactly, with Vary: Origin, never `*` or `null`;
// a preflight's Private Network Access request is granted only to such origins. Others are refused with
// SCWS_ORIGIN_REFUSED before any work, and without CORS headers, so their pages cannot even read the refusal.
import { ScwsError } from "@open-scws/errors";
import type { MiddlewareHandler } from "hono";
import { addAnswerHeaders } from "../answer-headers.js";

/** Headers a page may send: the body's type, the environment credential, the event stream's resume point. */
const ALLOWED_HEADERS = ["content-type", "x-scws-environment", "last-event-id", "authorization"];
/** Headers a page may read. */
const EXPOSED_HEADERS = "x-request-id, retry-after, location, www-authenticate";
const ALLOWED_METHODS = "GET, POST, PATCH, DELETE";

/** Refuses requests from origins no application lists, and answers CORS for those it does. */
export function originGuard(allowsOrigin: (origin: string) => boolean): MiddlewareHandler {
  return async (c, next) => {
    const origin = c.req.header("origin");
    if (origin === undefined) {
      // Not a cross-site browser request (a program, or a same-origin GET): the credential guards it.
      await next();
      addAnswerHeaders(c, [{ name: "vary", value: "Origin", append: true }]);
      return;
    }
    // The service's own pages (the PIN page) call it from its own origin, which the Host guard has checked.
    if (origin === new URL(c.req.url).origin) {
      await next();
      return;
    }
    if (!allowsOrigin(origin)) {
      throw new ScwsError("SCWS_ORIGIN_REFUSED", { message: "Pages of this origin may not call the service.", customData: { field: "/header/origin" } });
    }
    if (c.req.method === "OPTIONS" && c.req.header("access-control-request-method") !== undefined) {
      const requested = (c.req.header("access-control-request-headers") ?? "")
        .split(",")
        .map((name) => name.trim().toLowerCase())
        .filter(Boolean);
      const headers = new Headers({
        "access-control-allow-origin": origin,
        "access-control-allow-methods": ALLOWED_METHODS,
        "access-control-allow-headers": requested.filter((name) => ALLOWED_HEADERS.includes(name)).join(", ") || "content-type",
        "access-control-max-age": "600",
        vary: "Origin, Access-Control-Request-Headers, Access-Control-Request-Private-Network",
      });
      if (c.req.header("access-control-request-private-network") === "true") headers.set("access-control-allow-private-network", "true");
      return new Response(null, { status: 204, headers });
    }
    await next();
    addAnswerHeaders(c, [
      { name: "access-control-allow-origin", value: origin },
      { name: "access-control-expose-headers", value: EXPOSED_HEADERS },
      { name: "vary", value: "Origin", append: true },
    ]);
  };
}
