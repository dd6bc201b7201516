// fast-check arbitraries from the spec's JSON Schemas: values that conform (`valid`), values that conform at
// the edges (`boundary`: lengths and numbers at their limits, empty arrays, odd unicode, NUL, lone
// surrogates, base64 corner cases), and values that do not (`hostile`, see hostile.ts).
import fc from "fast-check";
import { type IdKind, IdRef, objectOf, SecretRef, SeenRef } from "./fuzz-values.js";
import { hostileValue } from "./hostile.js";
import type { Schema } from "./spec-operations.js";

/** How a generated value relates to its schema. */
export type Mode = "valid" | "boundary" | "hostile";

/** Component schemas whose values are ids handed out by the service, by their title. */
const ID_TITLES: Record<string, IdKind> = { ReaderId: "readerId", TokenId: "tokenId", ObjectId: "objectId" };
/** The byte lengths of digests, so that base64 values often have a length a token signs; and other common sizes. */
const DIGEST_LENGTHS = [20, 28, 32, 32, 48, 64];
const OTHER_LENGTHS = [0, 1, 12, 16, 24, 128, 256, 512];
/** Strings that are valid for any unconstrained string schema but odd: unicode, NUL, lone surrogates, markup. */
const ODD_STRINGS = [
  "a\u0000b",
  "\u0000",
  "\ud800",
  "x\udc00y",
  "😀",
  "e\u0301",
  "\u202eevil",
  "\u200b",
  "\ufeff",
  "<script>alert(1)</script>",
  "%00",
  "%s%n",
  "../../../etc/passwd",
  "$" + "{jndi:ldap://x}", // a Log4Shell lookup, written in two pieces so that it is no template
  "' OR '1'='1",
  "\r\nX-Injected: 1",
  "__proto__",
  "constructor",
];

const oneCodePoint = fc.string({ unit: "binary", minLength: 1, maxLength: 1 });

const integerOf = (schema: Schema, key: string): number | undefined => (typeof schema[key] === "number" ? (schema[key] as number) : undefined);

/** The schema's type, picking the first when it lists several. */
export function typeOf(schema: Schema): string | undefined {
  const type = schema.type;
  if (Array.isArray(type)) return type[0] as string;
  if (typeof type === "string") return type;
  if (schema.properties) return "object";
  return undefined;
}

function lengthBounds(schema: Schema, softMax = 48): { min: number; max: number; hardMax: number } {
  const min = integerOf(schema, "minLength") ?? 0;
  const hardMax = integerOf(schema, "maxLength") ?? 4096;
  return { min, max: Math.max(min, Math.min(hardMax, min + softMax)), hardMax };
}

function isBase64(schema: Schema): boolean {
  return schema.format === "byte" || schema.contentEncoding === "base64";
}

function base64Of(bytes: number): fc.Arbitrary<string> {
  return fc.uint8Array({ minLength: bytes, maxLength: bytes }).map((array) => Buffer.from(array).toString("base64"));
}

function validBase64(schema: Schema): fc.Arbitrary<string> {
  const { min, hardMax } = lengthBounds(schema);
  const fits = (length: number) => Math.ceil(length / 3) * 4 <= hardMax && Math.ceil(length / 3) * 4 >= min;
  const digests = DIGEST_LENGTHS.filter(fits);
  const others = OTHER_LENGTHS.filter(fits);
  const lengths = [
    ...(digests.length > 0 ? [{ weight: 3, arbitrary: fc.constantFrom(...digests) }] : []),
    ...(others.length > 0 ? [{ weight: 1, arbitrary: fc.constantFrom(...others) }] : []),
    { weight: 1, arbitrary: fc.integer({ min: Math.ceil(min / 4) * 3, max: Math.max(Math.ceil(min / 4) * 3, Math.min(600, Math.floor(hardMax / 4) * 3)) }) },
  ];
  return fc.oneof(...lengths).chain(base64Of);
}

function validString(schema: Schema, field: string | undefined): fc.Arbitrary<unknown> {
  const kind = ID_TITLES[schema.title as string];
  const { min, max } = lengthBounds(schema);
  if (kind) return fc.oneof({ weight: 9, arbitrary: fc.nat().map((pick) => new IdRef(kind, pick)) }, fc.stringMatching(new RegExp(schema.pattern as string)));
  if (schema.title === "PinValue") {
    return fc.oneof(
      { weight: 2, arbitrary: fc.constantFrom(new SecretRef("user"), new SecretRef("so")) },
      fc.string({ minLength: Math.max(min, 1), maxLength: max }),
    );
  }
  let plain: fc.Arbitrary<string>;
  if (isBase64(schema)) plain = validBase64(schema);
  else if (schema.format === "email") plain = fc.emailAddress().filter((text) => text.length <= lengthBounds(schema).hardMax);
  else if (typeof schema.pattern === "string") plain = fc.stringMatching(new RegExp(schema.pattern as string)).filter((text) => text.length >= min);
  else plain = fc.string({ minLength: min, maxLength: max, unit: fc.oneof(fc.string({ unit: "grapheme-ascii", minLength: 1, maxLength: 1 }), oneCodePoint) });
  if (!field) return plain;
  // Values the service answered with under the same field name (signatures, IVs, certificates) reach deeper code.
  return fc.oneof(
    { weight: 2, arbitrary: plain },
    fc.tuple(fc.nat(), plain).map(([pick, fallback]) => new SeenRef(field, pick, fallback)),
  );
}

function boundaryString(schema: Schema): fc.Arbitrary<unknown> {
  const { min, hardMax } = lengthBounds(schema);
  if (isBase64(schema)) {
    const longest = Math.floor(hardMax / 4) * 4;
    const corners = [
      "",
      "AA==",
      "AAA=",
      "AAAA",
      "AB==",
      "////",
      "++++",
      "A".repeat(Math.ceil(min / 4) * 4),
      "A".repeat(longest),
      `${"A".repeat(longest - 4)}AA==`,
    ];
    return fc.constantFrom(...corners.filter((text) => text.length >= min && text.length <= hardMax));
  }
  if (schema.format === "email") {
    const local = "l".repeat(64);
    return fc.constantFrom("a@b.cd", `${local}@example.com`, `${local}@${"d".repeat(Math.max(1, Math.min(63, hardMax - local.length - 5)))}.com`);
  }
  if (typeof schema.pattern === "string") return fc.stringMatching(new RegExp(schema.pattern as string));
  const odd = ODD_STRINGS.filter((text) => [...text].length >= min && [...text].length <= hardMax);
  return fc.oneof(
    fc.constantFrom(...odd, "x".repeat(Math.max(min, 0)), "x".repeat(hardMax), "😀".repeat(Math.min(hardMax, 4096)), "\u0000".repeat(Math.min(hardMax, 64))),
    fc.string({ unit: "binary", minLength: min, maxLength: Math.min(hardMax, min + 8) }),
  );
}

function numberBounds(schema: Schema): { min: number; max: number; step: number } {
  const step = integerOf(schema, "multipleOf") ?? 1;
  const min = integerOf(schema, "minimum") ?? -(2 ** 31);
  const max = integerOf(schema, "maximum") ?? 2 ** 31;
  return { min: Math.ceil(min / step) * step, max: Math.floor(max / step) * step, step };
}

function validInteger(schema: Schema): fc.Arbitrary<number> {
  if (Array.isArray(schema.enum)) return fc.constantFrom(...(schema.enum as number[]));
  const { min, max, step } = numberBounds(schema);
  return fc.integer({ min: min / step, max: max / step }).map((n) => n * step);
}

function boundaryInteger(schema: Schema): fc.Arbitrary<number> {
  if (Array.isArray(schema.enum)) return fc.constantFrom(...(schema.enum as number[]));
  const { min, max, step } = numberBounds(schema);
  const edges = [min, max, min + step, max - step, 0].filter((n) => n >= min && n <= max);
  if (schema.maximum === undefined) edges.push(Number.MAX_SAFE_INTEGER - (Number.MAX_SAFE_INTEGER % step));
  return fc.constantFrom(...edges);
}

function arrayOf(schema: Schema, mode: Mode, depth: number): fc.Arbitrary<unknown[]> {
  const items = (schema.items ?? {}) as Schema;
  const minItems = integerOf(schema, "minItems") ?? 0;
  const maxItems = integerOf(schema, "maxItems") ?? 64;
  const item = schemaArbitrary(items, mode === "hostile" ? "boundary" : mode, undefined, depth + 1);
  if (mode === "boundary") {
    // Either edge on its own: the most items, each an ordinary one, or a few items at their own edges. Both at once
    // (256 base64 strings of up to 1 MiB for sign-batch) would only measure the generator.
    const ordinary = schemaArbitrary(items, "valid", undefined, depth + 1);
    const longest = fc.array(ordinary, { minLength: maxItems, maxLength: maxItems });
    const edgeItems = fc.array(item, { minLength: Math.max(minItems, 1), maxLength: Math.min(maxItems, Math.max(minItems, 1) + 2) });
    const shapes = [longest, ...(maxItems >= 1 ? [edgeItems] : [])];
    return minItems === 0 ? fc.oneof(fc.constant<unknown[]>([]), ...shapes) : fc.oneof(...shapes);
  }
  return fc.array(item, { minLength: minItems, maxLength: Math.min(maxItems, minItems + 4) });
}

/** For an object with `oneOf: [{required: [a]}, {required: [b]}]`: each branch's own required names. */
function exclusiveRequirements(schema: Schema): string[][] | undefined {
  const branches = schema.oneOf as Schema[] | undefined;
  if (!branches?.every((branch) => Object.keys(branch).every((key) => key === "required"))) return undefined;
  return branches.map((branch) => branch.required as string[]);
}

function objectOfSchema(schema: Schema, mode: Mode, depth: number): fc.Arbitrary<Record<string, unknown>> {
  const properties = (schema.properties ?? {}) as Record<string, Schema>;
  const branches = exclusiveRequirements(schema);
  const minProperties = integerOf(schema, "minProperties") ?? 0;
  return fc.integer({ min: 0, max: Math.max(0, (branches?.length ?? 1) - 1) }).chain((branch) => {
    const excluded = new Set(branches?.filter((_, index) => index !== branch).flat());
    const required = new Set([...((schema.required as string[]) ?? []), ...(branches?.[branch] ?? [])]);
    const optional = Object.keys(properties).filter((name) => !required.has(name) && !excluded.has(name));
    return fc.subarray(optional, { minLength: Math.min(optional.length, Math.max(0, minProperties - required.size)) }).chain((chosen) => {
      const names = [...required, ...chosen];
      const values = names.map((name) => fieldArbitrary(properties[name] ?? {}, mode, name, depth + 1));
      return fc.tuple(...values).map((generated) => objectOf(names.map((name, index) => [name, generated[index]] as const)));
    });
  });
}

function fieldArbitrary(schema: Schema, mode: Mode, name: string, depth: number): fc.Arbitrary<unknown> {
  if (mode === "valid") return schemaArbitrary(schema, "valid", name, depth);
  // A boundary or hostile object keeps most of its fields valid, so that the odd one reaches the code behind it.
  return fc.oneof({ weight: 2, arbitrary: schemaArbitrary(schema, "valid", name, depth) }, schemaArbitrary(schema, mode, name, depth));
}

/** Arbitraries already built, by schema object: requests are generated by the ten thousand, and chains rebuild. */
const built = new WeakMap<Schema, Map<string, fc.Arbitrary<unknown>>>();

/** An arbitrary for values of `schema` in the given mode; `field` is the property or parameter name, if any. */
export function schemaArbitrary(schema: Schema, mode: Mode, field?: string, depth = 0): fc.Arbitrary<unknown> {
  const cache = built.get(schema) ?? new Map<string, fc.Arbitrary<unknown>>();
  built.set(schema, cache);
  const key = `${mode}|${field ?? ""}|${depth}`;
  const arbitrary = cache.get(key) ?? buildArbitrary(schema, mode, field, depth);
  cache.set(key, arbitrary);
  return arbitrary;
}

function buildArbitrary(schema: Schema, mode: Mode, field: string | undefined, depth: number): fc.Arbitrary<unknown> {
  if (mode === "hostile") return hostileValue(schema, (inner, innerMode) => schemaArbitrary(inner, innerMode, field, depth + 1), depth);
  if (schema.const !== undefined) return fc.constant(schema.const);
  if (Array.isArray(schema.enum) && typeOf(schema) !== "integer") return fc.constantFrom(...(schema.enum as unknown[]));
  const branches = (schema.oneOf ?? schema.anyOf) as Schema[] | undefined;
  if (branches && typeOf(schema) !== "object") return fc.oneof(...branches.map((branch) => schemaArbitrary(branch, mode, field, depth + 1)));
  switch (typeOf(schema)) {
    case "string":
      return mode === "boundary" ? boundaryString(schema) : validString(schema, field);
    case "integer":
      return mode === "boundary" ? boundaryInteger(schema) : validInteger(schema);
    case "number":
      return mode === "boundary" ? fc.constantFrom(0, -1, 1.5, Number.MAX_VALUE, Number.MIN_VALUE) : fc.double({ noNaN: true, noDefaultInfinity: true });
    case "boolean":
      return fc.boolean();
    case "null":
      return fc.constant(null);
    case "array":
      return arrayOf(schema, mode, depth);
    case "object":
      return objectOfSchema(schema, mode, depth);
    default:
      return depth > 4 ? fc.constant(null) : fc.jsonValue({ maxDepth: 2 });
  }
}
