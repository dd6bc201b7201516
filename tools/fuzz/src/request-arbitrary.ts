// Requests for one operation of the spec, generated from its parameters and body schema: valid, at the
// boundaries, or hostile (wrong values, repeated and unknown query keys, bodies that are not JSON, invalid
// UTF-8, the wrong media type, a body where none is expected).
import fc from "fast-check";
import { RawSegment, SecretRef } from "./fuzz-values.js";
import { type Mode, schemaArbitrary } from "./schema-arbitrary.js";
import type { OperationSpec, ParameterSpec, Schema } from "./spec-operations.js";

/** A request body as it will be sent. */
export type BodyPlan =
  | { readonly kind: "json"; readonly value: unknown; readonly contentType: string }
  | { readonly kind: "text"; readonly text: string; readonly contentType: string | null }
  | { readonly kind: "bytes"; readonly bytes: readonly number[]; readonly contentType: string };

/** A generated request, with placeholders that are resolved when it is sent. */
export interface RequestPlan {
  readonly operation: OperationSpec;
  readonly mode: Mode;
  readonly path: Readonly<Record<string, unknown>>;
  readonly query: ReadonlyArray<readonly [string, unknown]>;
  readonly headers: ReadonlyArray<readonly [string, unknown]>;
  readonly body?: BodyPlan;
}

/**
 * Limits the fuzzer puts on valid values so that a run fits in minutes: a long poll (`wait`) is cut to 2 s.
 * Hostile values still go past the spec's own limits.
 */
const PARAMETER_CAPS: Readonly<Record<string, Schema>> = { wait: { maximum: 2 } };

const PATH_TROUBLE = ["%", "%zz", "%FF", "%C0%AF", "%ED%A0%80", "%00", "%2F", "a%2Fb", "%252F", "%u0041", "%E2%80%AE"].map((text) => new RawSegment(text));
const NOT_JSON = [
  "{",
  '{"a":',
  "[1,2",
  "nul",
  '"unterminated',
  "{'a':1}",
  '{"a":1,}',
  "\ufeff{}",
  " ",
  "{} {}",
  '{"pin":"1","pin":"2"}',
  "\u0000",
  "0x10",
  "NaN",
];
const INVALID_UTF8: number[][] = [
  [0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xff, 0xfe, 0x22, 0x7d], // {"a":"\xff\xfe"}
  [0x7b, 0x22, 0xc0, 0xaf, 0x22, 0x3a, 0x31, 0x7d], // an overlong "/" as a key
  [0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xed, 0xa0, 0x80, 0x22, 0x7d], // a UTF-8-encoded lone surrogate
  [0xff, 0xfe, 0x7b, 0x00, 0x7d, 0x00], // UTF-16LE "{}" with its BOM
  [0xef, 0xbb, 0xbf, 0x7b, 0x7d], // a UTF-8 BOM before "{}"
];
const OTHER_MEDIA_TYPES = [
  "text/plain",
  "application/xml",
  "application/x-www-form-urlencoded",
  "multipart/form-data; boundary=x",
  "application/json; charset=utf-16",
  "APPLICATION/JSON",
  "application/problem+json",
  "application/jsonx",
  "application/json, text/plain",
  "*/*",
];

const cappedSchemas = new WeakMap<ParameterSpec, Schema>();

function capped(parameter: ParameterSpec): Schema {
  const cap = PARAMETER_CAPS[parameter.name];
  if (!cap) return parameter.schema;
  const schema = cappedSchemas.get(parameter) ?? { ...parameter.schema, ...cap };
  cappedSchemas.set(parameter, schema);
  return schema;
}

function parameterValue(parameter: ParameterSpec, mode: Mode): fc.Arbitrary<unknown> {
  const schema = capped(parameter);
  if (mode !== "hostile") return schemaArbitrary(schema, mode, parameter.name);
  // In a hostile request most parameters stay valid, so that the hostile one reaches the code behind them.
  const hostile = parameter.in === "path" ? fc.oneof(schemaArbitrary(schema, "hostile"), fc.constantFrom(...PATH_TROUBLE)) : schemaArbitrary(schema, "hostile");
  return fc.oneof({ weight: 2, arbitrary: schemaArbitrary(schema, "valid", parameter.name) }, hostile);
}

function queryEntries(parameters: readonly ParameterSpec[], mode: Mode): fc.Arbitrary<Array<readonly [string, unknown]>> {
  const each = parameters.map((parameter) =>
    fc
      .tuple(fc.boolean(), parameterValue(parameter, mode))
      .map(([include, value]) => (parameter.required || include ? [[parameter.name, value] as const] : [])),
  );
  const base = (each.length > 0 ? fc.tuple(...each) : fc.constant([])).map((lists) => lists.flat() as Array<readonly [string, unknown]>);
  if (mode !== "hostile") return base;
  const names = [...parameters.map((parameter) => parameter.name), "unknown", "", "__proto__"];
  // A key given twice, a key the operation does not take, a key with an empty value.
  const extra = fc.tuple(fc.constantFrom(...names), fc.constantFrom("", "1", "x", "a\u0000b", "😀"));
  return fc.tuple(base, fc.array(extra, { maxLength: 2 })).map(([entries, extras]) => [...entries, ...extras]);
}

function jsonBody(value: fc.Arbitrary<unknown>): fc.Arbitrary<BodyPlan> {
  return value.map((generated) => ({ kind: "json", value: stablePins(generated), contentType: "application/json" }) as const);
}

function hostileBody(schema: Schema | undefined): fc.Arbitrary<BodyPlan> {
  const value = schema ? schemaArbitrary(schema, "hostile") : fc.constantFrom({}, [], "x", null);
  const wrongType = fc.tuple(schema ? schemaArbitrary(schema, "valid") : fc.constant({}), fc.constantFrom(...OTHER_MEDIA_TYPES));
  return fc.oneof(
    { weight: 8, arbitrary: jsonBody(value) },
    fc.constantFrom(...NOT_JSON).map((text) => ({ kind: "text", text, contentType: "application/json" }) as const),
    fc.constantFrom(...INVALID_UTF8).map((bytes) => ({ kind: "bytes", bytes, contentType: "application/json" }) as const),
    wrongType.map(([generated, contentType]) => ({ kind: "json", value: stablePins(generated), contentType }) as const),
    fc.constantFrom(null, "application/json").map((contentType) => ({ kind: "text", text: "", contentType }) as const),
  );
}

function bodyPlan(operation: OperationSpec, mode: Mode): fc.Arbitrary<BodyPlan | undefined> {
  const body = operation.body;
  if (!body) {
    // A body where the operation takes none: fetch cannot send one with GET or HEAD.
    if (mode !== "hostile" || operation.method === "GET" || operation.method === "HEAD") return fc.constant(undefined);
    return fc.option(hostileBody(undefined), { freq: 2, nil: undefined });
  }
  const present = mode === "hostile" ? hostileBody(body.schema) : jsonBody(schemaArbitrary(body.schema, mode));
  return body.required || mode === "hostile" ? present : fc.option(present, { freq: 5, nil: undefined });
}

/**
 * The fuzzer never changes a PIN: a `newPin` that would pass validation becomes the PIN it replaces (the old
 * one when given, else the user PIN), so that the token's PINs stay the canaries and later requests can log in.
 */
export function stablePins(value: unknown): unknown {
  if (value === null || typeof value !== "object" || Array.isArray(value) || !Object.hasOwn(value, "newPin")) return value;
  const record = value as Record<string, unknown>;
  const newPin = record.newPin;
  const passes = newPin instanceof SecretRef || (typeof newPin === "string" && [...newPin].length >= 1 && [...newPin].length <= 255);
  if (passes) record.newPin = record.oldPin instanceof SecretRef ? record.oldPin : new SecretRef("user");
  return value;
}

/** Requests for one operation. */
export function requestArbitrary(operation: OperationSpec): fc.Arbitrary<RequestPlan> {
  const mode = fc.constantFrom<Mode>("valid", "valid", "boundary", "hostile", "hostile");
  const pathParameters = operation.parameters.filter((parameter) => parameter.in === "path");
  const queryParameters = operation.parameters.filter((parameter) => parameter.in === "query");
  const headerParameters = operation.parameters.filter((parameter) => parameter.in === "header");
  return mode.chain((chosen) =>
    fc
      .record({
        path: fc.tuple(...pathParameters.map((parameter) => parameterValue(parameter, chosen))),
        query: queryEntries(queryParameters, chosen),
        headers: queryEntries(headerParameters, chosen === "hostile" ? "boundary" : chosen),
        body: bodyPlan(operation, chosen),
      })
      .map(({ path, query, headers, body }) => ({
        operation,
        mode: chosen,
        path: Object.fromEntries(pathParameters.map((parameter, index) => [parameter.name, path[index]])),
        query,
        headers,
        ...(body ? { body } : {}),
      })),
  );
}

/** Requests across every operation, each operation equally likely. */
export function anyRequestArbitrary(operations: readonly OperationSpec[]): fc.Arbitrary<RequestPlan> {
  return fc.oneof(...operations.map(requestArbitrary));
}
