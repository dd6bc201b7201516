// Reduces the bundled spec to the tables the client checks requests and answers with: per operation, the
// declared statuses with their media types and schemas, the path parameters and the JSON body; and the
// component schemas those use, stripped to the JSON Schema keywords the client's checker implements.
import { readOperations } from "./operations.js";

type Json = Record<string, unknown>;

/** Keywords that only annotate: dropped, because they constrain nothing the client checks. */
const ANNOTATIONS = new Set([
  "title",
  "description",
  "example",
  "examples",
  "format",
  "contentEncoding",
  "contentMediaType",
  "contentSchema",
  "deprecated",
  "readOnly",
  "writeOnly",
  "default",
  "$comment",
  "discriminator",
  "externalDocs",
  "xml",
]);
/** Keywords whose value is kept as is. */
const VALUE_KEYWORDS = new Set([
  "type",
  "const",
  "enum",
  "required",
  "minProperties",
  "maxProperties",
  "multipleOf",
  "minimum",
  "maximum",
  "exclusiveMinimum",
  "exclusiveMaximum",
  "minLength",
  "maxLength",
  "pattern",
  "minItems",
  "maxItems",
  "uniqueItems",
]);
const SCHEMA_KEYWORDS = new Set(["items", "not"]);
const SCHEMA_LIST_KEYWORDS = new Set(["oneOf", "anyOf", "allOf"]);
const COMPONENT_PREFIX = "#/components/schemas/";

/** The tables, as plain JSON. */
export interface ContractTables {
  /** `"METHOD /path"` → what it takes and may answer. */
  readonly operations: Record<
    string,
    { answers: Record<string, Record<string, Json | null>>; path?: Record<string, Json>; body?: { required: boolean; schema: Json } }
  >;
  /** Component schemas by name, reduced. */
  readonly schemas: Record<string, Json>;
}

function resolveRef(document: Json, value: unknown): Json {
  const ref = (value as { $ref?: unknown } | undefined)?.$ref;
  if (typeof ref !== "string") return value as Json;
  let node: unknown = document;
  for (const segment of ref.slice(2).split("/")) node = (node as Json)[segment.replace(/~1/g, "/").replace(/~0/g, "~")];
  if (node === undefined) throw new Error(`unresolved $ref ${ref}`);
  return resolveRef(document, node);
}

/** Reduces one schema; component refs become `{ $ref: "Name" }` and their names are added to `used`. */
export function reduceSchema(schema: unknown, where: string, used: Set<string>): Json {
  if (typeof schema !== "object" || schema === null || Array.isArray(schema)) throw new Error(`${where}: a schema must be an object`);
  const reduced: Json = {};
  for (const [keyword, value] of Object.entries(schema)) {
    const at = `${where}/${keyword}`;
    if (ANNOTATIONS.has(keyword) || keyword.startsWith("x-")) continue;
    if (keyword === "$ref") {
      if (typeof value !== "string" || !value.startsWith(COMPONENT_PREFIX)) throw new Error(`${at}: only refs to component schemas are supported`);
      const name = value.slice(COMPONENT_PREFIX.length);
      used.add(name);
      reduced.$ref = name;
    } else if (VALUE_KEYWORDS.has(keyword)) {
      reduced[keyword] = value;
    } else if (SCHEMA_KEYWORDS.has(keyword)) {
      reduced[keyword] = reduceSchema(value, at, used);
    } else if (SCHEMA_LIST_KEYWORDS.has(keyword)) {
      reduced[keyword] = (value as unknown[]).map((item, index) => reduceSchema(item, `${at}/${index}`, used));
    } else if (keyword === "properties") {
      reduced.properties = Object.fromEntries(Object.entries(value as Json).map(([name, sub]) => [name, reduceSchema(sub, `${at}/${name}`, used)]));
    } else if (keyword === "additionalProperties") {
      // `true` is the default; `false` and schemas constrain.
      if (value !== true) reduced.additionalProperties = typeof value === "boolean" ? value : reduceSchema(value, at, used);
    } else {
      throw new Error(`${at}: the client's schema checker does not implement "${keyword}"; extend packages/client/src/contract/schema-check.ts`);
    }
  }
  return reduced;
}

/** Builds the client's contract tables from a bundled OpenAPI document. */
export function contractTables(document: Json): ContractTables {
  const used = new Set<string>();
  const operations: ContractTables["operations"] = {};
  for (const operation of readOperations(document)) {
    const key = `${operation.method.toUpperCase()} ${operation.path}`;
    const item = resolveRef(document, (document.paths as Json)[operation.path]);
    const raw = item[operation.method] as Json;
    const answers: Record<string, Record<string, Json | null>> = {};
    for (const [status, response] of Object.entries(raw.responses as Json)) {
      const content = (resolveRef(document, response).content ?? {}) as Record<string, Json>;
      answers[status] = Object.fromEntries(
        Object.entries(content).map(([mediaType, media]) => [
          mediaType.toLowerCase(),
          media.schema === undefined ? null : reduceSchema(media.schema, `${key} ${status} ${mediaType}`, used),
        ]),
      );
    }
    const pathParameters = operation.parameters.filter((parameter) => parameter.in === "path");
    operations[key] = {
      answers,
      ...(pathParameters.length > 0
        ? { path: Object.fromEntries(pathParameters.map((p) => [p.name, reduceSchema(p.schema, `${key} path ${p.name}`, used)])) }
        : {}),
      ...(operation.body ? { body: { required: operation.body.required, schema: reduceSchema(operation.body.schema, `${key} body`, used) } } : {}),
    };
  }

  const components = ((document.components as Json | undefined)?.schemas ?? {}) as Json;
  const schemas: Record<string, Json> = {};
  const pending = [...used];
  while (pending.length > 0) {
    const name = pending.pop()!;
    if (schemas[name]) continue;
    if (!(name in components)) throw new Error(`unknown component schema ${name}`);
    const before = new Set(used);
    schemas[name] = reduceSchema(components[name], `#/components/schemas/${name}`, used);
    for (const found of used) if (!before.has(found)) pending.push(found);
  }
  const sorted = Object.fromEntries(
    Object.keys(schemas)
      .sort()
      .map((name) => [name, schemas[name]!]),
  );
  return { operations, schemas: sorted };
}
