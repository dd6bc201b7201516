// Checks requests before they leave and answers when they arrive against the contract tables generated from
// the spec: a declared status, a declared media type, and a body that matches its schema.
import { type CustomData, isErrorCode } from "@open-scws/errors";
import { operations, schemas } from "../generated/contract.js";
import type { OperationContract } from "./contract-types.js";
import { type CheckedSchema, describeViolation, type SchemaViolation, schemaViolation } from "./schema-check.js";

/** What to do with an answer, judged from its status and content type before its body is read. */
export type HeadVerdict =
  | { readonly kind: "violation"; readonly reason: string }
  /** The spec declares no body: the body must be empty. */
  | { readonly kind: "empty" }
  /** A JSON body, checked against `schema` (`null`: any JSON). */
  | { readonly kind: "json"; readonly schema: CheckedSchema | null }
  /** A declared body that is not JSON (a stream, binary data): passed on unread. */
  | { readonly kind: "other" }
  /** An operation the tables do not know: passed on unchecked. */
  | { readonly kind: "unchecked" };

/** What a JSON body turned out to be. */
export type BodyVerdict =
  | { readonly kind: "conforms"; readonly body: unknown }
  /** A problem that would conform if its code were one this client knows. */
  | { readonly kind: "unknown-code"; readonly body: unknown }
  | { readonly kind: "violation"; readonly reason: string };

/** The contract of an operation, keyed as `"GET /v1/readers/{readerId}"`. */
export function operationContract(method: string, pathTemplate: string): OperationContract | undefined {
  return operations[`${method.toUpperCase()} ${pathTemplate}`];
}

function isJsonMediaType(mediaType: string): boolean {
  return mediaType === "application/json" || mediaType.endsWith("+json");
}

/** Judges an answer's status and content type. */
export function checkHead(contract: OperationContract | undefined, status: number, contentType: string | null): HeadVerdict {
  if (!contract) return { kind: "unchecked" };
  const declared = contract.answers[String(status)] ?? contract.answers[`${String(status)[0]}XX`] ?? contract.answers.default;
  if (!declared) return { kind: "violation", reason: `HTTP ${status} is not a status the spec declares for this operation` };
  const mediaTypes = Object.keys(declared);
  if (mediaTypes.length === 0) return { kind: "empty" };
  const essence = (contentType ?? "").split(";")[0]!.trim().toLowerCase();
  if (!mediaTypes.includes(essence)) {
    return { kind: "violation", reason: `content type ${essence || "(none)"} is not declared for HTTP ${status} (declared: ${mediaTypes.join(", ")})` };
  }
  return isJsonMediaType(essence) ? { kind: "json", schema: declared[essence] ?? null } : { kind: "other" };
}

/** Judges a JSON body's text against its schema. */
export function checkJsonBody(schema: CheckedSchema | null, text: string): BodyVerdict {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    return { kind: "violation", reason: "the body is not JSON" };
  }
  if (!schema) return { kind: "conforms", body };
  const violation = schemaViolation(schema, body, schemas);
  if (!violation) return { kind: "conforms", body };
  // A newer service may send a code this client does not know: that is MWR_SCWS_UNKNOWN_ERROR, not a broken answer.
  const code = (body as { code?: unknown } | null)?.code;
  if (typeof code === "string" && !isErrorCode(code) && !schemaViolation(schema, { ...(body as object), code: "CKR_GENERAL_ERROR" }, schemas)) {
    return { kind: "unknown-code", body };
  }
  return { kind: "violation", reason: `the body does not match the spec: ${describeViolation(violation)}` };
}

/** Why a request would be refused, as the service's `customData` says it: `field` and `reason`. */
export type RequestRefusal = Required<Pick<CustomData, "field" | "reason">>;

function refusal(violation: SchemaViolation): RequestRefusal {
  return { field: violation.at, reason: violation.rule };
}

/** Checks path parameters and the JSON body of a request before it is sent. */
export function checkRequest(
  contract: OperationContract | undefined,
  pathParams: Readonly<Record<string, unknown>>,
  body: unknown,
): RequestRefusal | undefined {
  if (!contract) return undefined;
  for (const [name, schema] of Object.entries(contract.path ?? {})) {
    const at = `/path/${name}`;
    if (pathParams[name] === undefined) return { field: at, reason: "is required" };
    const violation = schemaViolation(schema, pathParams[name], schemas, at);
    if (violation) return refusal(violation);
  }
  if (body === undefined) return contract.body?.required ? { field: "/body", reason: "is required" } : undefined;
  if (!contract.body) return { field: "/body", reason: "must be absent: the operation takes no body" };
  const violation = schemaViolation(contract.body.schema, body, schemas, "/body");
  return violation ? refusal(violation) : undefined;
}
