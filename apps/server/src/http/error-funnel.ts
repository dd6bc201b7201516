// The one place that writes error answers: everything thrown becomes a ScwsError rendered as problem+json.
import { ScwsError, toProblem, toScwsError } from "@open-scws/errors";
import type { Context } from "hono";
import { HTTPException } from "hono/http-exception";
import type { AppEnv } from "./app-env.js";

function fromHttpException(error: HTTPException): ScwsError {
  if (error.status === 413) return new ScwsError("SCWS_PAYLOAD_TOO_LARGE", { message: "The request body is too large." });
  if (error.status < 500) return new ScwsError("CKR_ARGUMENTS_BAD", { message: "The request could not be read.", customData: { reason: error.message } });
  return toScwsError(error);
}

/** The problem+json answer for an error. */
export function problemResponse(error: ScwsError, requestId: string): Response {
  const headers = new Headers({ "content-type": "application/problem+json", "cache-control": "no-store" });
  if (error.code === "SCWS_METHOD_NOT_ALLOWED" && error.customData.allowed) headers.set("allow", error.customData.allowed.join(", "));
  // RFC 9110 section 11.6.1: a 401 names the credential expected.
  if (error.httpStatus === 401) {
    const bearer = error.customData.field === "/header/authorization";
    headers.set("www-authenticate", bearer ? 'Bearer realm="open-scws"' : 'SCWS-Environment realm="open-scws"');
  }
  const retryAfter = error.customData.retryAfterSeconds;
  if (typeof retryAfter === "number") headers.set("retry-after", String(Math.ceil(retryAfter)));
  return new Response(JSON.stringify(toProblem(error, requestId)), { status: error.httpStatus, headers });
}

/** Hono's onError: maps, logs what the caller must not see, and answers. */
export function handleError(thrown: Error, c: Context<AppEnv>): Response {
  const error = thrown instanceof HTTPException ? fromHttpException(thrown) : toScwsError(thrown);
  const requestId = c.get("requestId");
  const log = c.get("log");
  c.set("errorCode", error.code);
  if (error.httpStatus >= 500) log.error({ err: thrown, code: error.code }, "request failed");
  else log.info({ code: error.code, status: error.httpStatus, field: error.customData.field }, "request refused");
  return problemResponse(error, requestId);
}
