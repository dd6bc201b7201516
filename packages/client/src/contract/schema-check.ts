// A small checker for the subset of JSON Schema 2020-12 that tools/codegen keeps in the client's contract
// tables (formats are not checked). Small on purpose: it ships in the browser bundle, where Ajv would not fit.
// Its messages name where and what was expected, never the value found, which may be secret.

type JsonType = "string" | "number" | "integer" | "boolean" | "object" | "array" | "null";

/** A schema as the contract tables hold it: JSON Schema keywords the checker implements, refs by component name. */
export interface CheckedSchema {
  readonly $ref?: string;
  readonly type?: JsonType | readonly JsonType[];
  readonly const?: unknown;
  readonly enum?: readonly unknown[];
  readonly required?: readonly string[];
  readonly minProperties?: number;
  readonly maxProperties?: number;
  readonly properties?: Readonly<Record<string, CheckedSchema>>;
  readonly additionalProperties?: boolean | CheckedSchema;
  readonly items?: CheckedSchema;
  readonly minItems?: number;
  readonly maxItems?: number;
  readonly uniqueItems?: boolean;
  readonly multipleOf?: number;
  readonly minimum?: number;
  readonly maximum?: number;
  readonly exclusiveMinimum?: number;
  readonly exclusiveMaximum?: number;
  readonly minLength?: number;
  readonly maxLength?: number;
  readonly pattern?: string;
  readonly oneOf?: readonly CheckedSchema[];
  readonly anyOf?: readonly CheckedSchema[];
  readonly allOf?: readonly CheckedSchema[];
  readonly not?: CheckedSchema;
}

/** Component schemas by name, which `$ref`s point into. */
export type SchemaTable = Readonly<Record<string, CheckedSchema>>;

/** Where a value fails its schema (a JSON Pointer, `""` for the value itself) and the rule it breaks. */
export interface SchemaViolation {
  readonly at: string;
  readonly rule: string;
}

function fail(at: string, rule: string): SchemaViolation {
  return { at, rule };
}

/** A violation as one line of text. */
export function describeViolation({ at, rule }: SchemaViolation): string {
  return `${at || "(root)"} ${rule}`;
}

const patterns = new Map<string, RegExp>();

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function hasType(value: unknown, type: JsonType): boolean {
  switch (type) {
    case "integer":
      return Number.isInteger(value);
    case "number":
      return typeof value === "number" && Number.isFinite(value);
    case "null":
      return value === null;
    case "array":
      return Array.isArray(value);
    case "object":
      return isObject(value);
    default:
      return typeof value === type;
  }
}

function equal(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((item, i) => equal(item, b[i]));
  if (isObject(a) && isObject(b)) {
    const keys = Object.keys(a);
    return keys.length === Object.keys(b).length && keys.every((key) => Object.hasOwn(b, key) && equal(a[key], b[key]));
  }
  return false;
}

/** JSON Pointer escaping of one segment (RFC 6901). */
function pointer(at: string, segment: string | number): string {
  return `${at}/${String(segment).replace(/~/g, "~0").replace(/\//g, "~1")}`;
}

function stringLength(value: string): number {
  // JSON Schema counts code points, not UTF-16 units.
  return [...value].length;
}

/**
 * The first way `value` fails `schema`, or `undefined` when it conforms.
 * @example schemaViolation({ type: "string", pattern: "^r-" }, "x", {}, "/path/readerId") // { at: "/path/readerId", rule: "must match ^r-" }
 */
export function schemaViolation(schema: CheckedSchema, value: unknown, schemas: SchemaTable, at = ""): SchemaViolation | undefined {
  if (schema.$ref !== undefined) {
    const target = schemas[schema.$ref];
    if (!target) return fail(at, `unknown schema ${schema.$ref}`);
    const failure = schemaViolation(target, value, schemas, at);
    if (failure) return failure;
  }
  if (schema.type !== undefined) {
    const types = typeof schema.type === "string" ? [schema.type] : schema.type;
    if (!types.some((type) => hasType(value, type))) return fail(at, `must be ${types.join(" or ")}`);
  }
  if ("const" in schema && !equal(value, schema.const)) return fail(at, `must be ${JSON.stringify(schema.const)}`);
  if (schema.enum && !schema.enum.some((allowed) => equal(value, allowed))) return fail(at, `must be one of the values the spec lists`);
  if (typeof value === "number") {
    if (schema.minimum !== undefined && value < schema.minimum) return fail(at, `must be >= ${schema.minimum}`);
    if (schema.multipleOf !== undefined && !Number.isInteger(value / schema.multipleOf)) return fail(at, `must be a multiple of ${schema.multipleOf}`);
    if (schema.maximum !== undefined && value > schema.maximum) return fail(at, `must be <= ${schema.maximum}`);
    if (schema.exclusiveMinimum !== undefined && value <= schema.exclusiveMinimum) return fail(at, `must be > ${schema.exclusiveMinimum}`);
    if (schema.exclusiveMaximum !== undefined && value >= schema.exclusiveMaximum) return fail(at, `must be < ${schema.exclusiveMaximum}`);
  }
  if (typeof value === "string") {
    if (schema.minLength !== undefined && stringLength(value) < schema.minLength) return fail(at, `must have at least ${schema.minLength} characters`);
    if (schema.maxLength !== undefined && stringLength(value) > schema.maxLength) return fail(at, `must have at most ${schema.maxLength} characters`);
    if (schema.pattern !== undefined) {
      const regex = patterns.get(schema.pattern) ?? new RegExp(schema.pattern, "u");
      patterns.set(schema.pattern, regex);
      if (!regex.test(value)) return fail(at, `must match ${schema.pattern}`);
    }
  }
  if (Array.isArray(value)) {
    if (schema.minItems !== undefined && value.length < schema.minItems) return fail(at, `must have at least ${schema.minItems} items`);
    if (schema.maxItems !== undefined && value.length > schema.maxItems) return fail(at, `must have at most ${schema.maxItems} items`);
    if (schema.uniqueItems && value.some((item, i) => value.findIndex((other) => equal(item, other)) !== i)) return fail(at, `must not repeat items`);
    if (schema.items) {
      for (const [i, item] of value.entries()) {
        const failure = schemaViolation(schema.items, item, schemas, pointer(at, i));
        if (failure) return failure;
      }
    }
  }
  if (isObject(value)) {
    for (const name of schema.required ?? []) if (!Object.hasOwn(value, name)) return fail(at, `must have the property ${name}`);
    const count = Object.keys(value).length;
    if (schema.minProperties !== undefined && count < schema.minProperties) return fail(at, `must have at least ${schema.minProperties} properties`);
    if (schema.maxProperties !== undefined && count > schema.maxProperties) return fail(at, `must have at most ${schema.maxProperties} properties`);
    for (const [name, member] of Object.entries(value)) {
      const declared = schema.properties?.[name];
      const memberSchema = declared ?? (schema.additionalProperties === undefined ? undefined : schema.additionalProperties);
      if (memberSchema === false) return fail(at, `must not have the property ${name}`);
      if (memberSchema === undefined || memberSchema === true) continue;
      const failure = schemaViolation(memberSchema, member, schemas, pointer(at, name));
      if (failure) return failure;
    }
  }
  for (const sub of schema.allOf ?? []) {
    const failure = schemaViolation(sub, value, schemas, at);
    if (failure) return failure;
  }
  if (schema.anyOf && !schema.anyOf.some((sub) => schemaViolation(sub, value, schemas, at) === undefined)) return fail(at, `must match a schema of anyOf`);
  if (schema.oneOf && schema.oneOf.filter((sub) => schemaViolation(sub, value, schemas, at) === undefined).length !== 1) {
    return fail(at, `must match exactly one schema of oneOf`);
  }
  if (schema.not && schemaViolation(schema.not, value, schemas, at) === undefined) return fail(at, `must not match the schema of not`);
  return undefined;
}
