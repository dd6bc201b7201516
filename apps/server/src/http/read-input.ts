// Reads a request's parameters and JSON body into the shapes the generated validators check.
import { ScwsError } from "@open-scws/errors";
import type { Context } from "hono";
import type { RouteDefinition } from "../generated/routes.js";

const JSON_MEDIA_TYPE = /^application\/(?:[\w.+-]+\+)?json\s*(?:;|$)/i;

/** `{ path, query, header }` for the params validator; repeated query keys become arrays only where the spec allows. */
export function readParams(
  c: Context,
  route: RouteDefinition,
): { path: Record<string, string>; query: Record<string, unknown>; header: Record<string, string> } {
  const query: Record<string, unknown> = {};
  for (const [name, values] of Object.entries(c.req.queries())) {
    if (route.queryArrays.includes(name)) query[name] = values;
    else if (values.length === 1) query[name] = values[0];
    else {
      throw new ScwsError("CKR_ARGUMENTS_BAD", {
        message: `Invalid request: /query/${name} is given ${values.length} times.`,
        customData: {
          field: `/query/${name}`,
          reason: "must be given once",
        },
      });
    }
  }
  return { path: { ...c.req.param() }, query, header: c.req.header() };
}

/**
 * Refuses a parameter the validator coerced to a number that is not finite: Ajv turns "1e400" into Infinity and
 * then skips `minimum` and `maximum`, which it checks on finite numbers only.
 */
export function refuseNonFinite(params: { path: Record<string, unknown>; query: Record<string, unknown> }): void {
  for (const location of ["path", "query"] as const) {
    for (const [name, value] of Object.entries(params[location])) {
      if (typeof value === "number" && !Number.isFinite(value)) {
        throw new ScwsError("CKR_ARGUMENTS_BAD", {
          message: `Invalid request: /${location}/${name} must be a finite number.`,
          customData: {
            field: `/${location}/${name}`,
            reason: "must be a finite number",
          },
        });
      }
    }
  }
}

const strictUtf8 = new TextDecoder("utf-8", { fatal: true });

/** The parsed JSON body, or `undefined` when there is none and none is required. */
export async function readJsonBody(c: Context, required: boolean): Promise<unknown> {
  // The service decodes no content coding: a compressed body would otherwise be read as if it were JSON text.
  const encoding = c.req.header("content-encoding")?.trim().toLowerCase();
  if (encoding && encoding !== "identity") {
    throw new ScwsError("SCWS_UNSUPPORTED_MEDIA_TYPE", {
      message: "Send the request body without a content coding (no gzip, deflate or br).",
      customData: {
        field: "/header/content-encoding",
        allowed: ["identity"],
      },
    });
  }
  const bytes = await c.req.arrayBuffer();
  let text: string;
  try {
    // JSON travels as UTF-8 (RFC 8259 section 8.1); invalid bytes are refused, not replaced, so that a PIN is never altered.
    text = strictUtf8.decode(bytes);
  } catch {
    throw new ScwsError("CKR_ARGUMENTS_BAD", {
      message: "Invalid request: the body is not valid UTF-8.",
      customData: { field: "/body", reason: "is not valid UTF-8" },
    });
  }
  if (text.length === 0) {
    if (!required) return undefined;
    throw new ScwsError("CKR_ARGUMENTS_BAD", { message: "Invalid request: a JSON body is required.", customData: { field: "/body", reason: "is required" } });
  }
  const contentType = c.req.header("content-type") ?? "";
  if (!JSON_MEDIA_TYPE.test(contentType)) {
    throw new ScwsError("SCWS_UNSUPPORTED_MEDIA_TYPE", {
      message: "Send the request body as application/json.",
      customData: {
        field: "/header/content-type",
        allowed: ["application/json"],
      },
    });
  }
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new ScwsError("CKR_ARGUMENTS_BAD", {
      message: "Invalid request: the body is not valid JSON.",
      customData: { field: "/body", reason: "is not valid JSON" },
    });
  }
}
