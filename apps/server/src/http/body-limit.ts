// The body limit, without building a web Request for every call. Hono's bodyLimit reads `c.req.raw.body`
// first, which makes @hono/node-server turn the Node request into an undici Request with a web stream (the
// largest cost of a small request, measured with --cpu-prof); a declared Content-Length is checked from the
// header alone, and the body is then read by node-server's direct path. Bodies without one (chunked) go
// through Hono's own middleware, which counts them as they stream.
import type { MiddlewareHandler } from "hono";
import { bodyLimit as honoBodyLimit } from "hono/body-limit";

/** Refuses bodies over `maxSize` bytes with `onError`, as Hono's bodyLimit does. */
export function bodyLimit(options: { maxSize: number; onError: () => never }): MiddlewareHandler {
  const streamed = honoBodyLimit(options);
  return async (c, next) => {
    const method = c.req.method;
    // A GET or HEAD request has no body in the web Request model that Hono's middleware checks either.
    if (method === "GET" || method === "HEAD") return next();
    const length = c.req.header("content-length");
    // RFC 9112 section 6.3: Transfer-Encoding overrides Content-Length; Node's parser enforces the length it uses.
    if (length !== undefined && c.req.header("transfer-encoding") === undefined) {
      if (Number.parseInt(length, 10) > options.maxSize) options.onError();
      return next();
    }
    return streamed(c, next);
  };
}
