// Headers added to an answer that a handler already made, as middleware does after `await next()`.
import type { Context } from "hono";

/** A header to add: set (replacing any value) or appended (as Vary is). */
export interface AnswerHeader {
  readonly name: string;
  readonly value: string;
  readonly append?: boolean;
}

/**
 * Adds the headers to the answer's own Headers. Hono's c.header() would, once the answer exists, rebuild it as a web
 * Response with a stream for its body, which then costs more to send than the answer took to make (--cpu-prof: the
 * Origin guard's three c.header() calls were 6 % of the service's CPU under ECDSA signing).
 */
export function addAnswerHeaders(c: Context, headers: readonly AnswerHeader[]): void {
  try {
    for (const { name, value, append } of headers) {
      if (append) c.res.headers.append(name, value);
      else c.res.headers.set(name, value);
    }
  } catch {
    // An answer whose headers cannot change (such as a fetched one): c.header() makes a new Response.
    for (const { name, value, append } of headers) c.header(name, value, append ? { append: true } : undefined);
  }
}
