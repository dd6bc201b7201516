// Hostile values for a schema: wrong types, values just outside its limits, unknown and prototype-polluting
// fields, huge strings, deep nesting, NUL bytes, lone surrogates, and numbers such as -0, 1e308 and 1e400.
import fc from "fast-check";
import { objectOf, RawJson } from "./fuzz-values.js";
import type { Mode } from "./schema-arbitrary.js";
import type { Schema } from "./spec-operations.js";

type Sub = (schema: Schema, mode: Mode) => fc.Arbitrary<unknown>;

const nested = (depth: number, open: string, close: string) => new RawJson(`${open.repeat(depth)}${close.repeat(depth)}`);

/** Values that are wrong, or odd, almost anywhere: the fuzzer's dictionary of troublemakers. */
const GENERIC = [
  null,
  true,
  false,
  0,
  -1,
  "",
  "x",
  [],
  {},
  [null],
  new RawJson("-0"),
  new RawJson("1e308"),
  new RawJson("-1e308"),
  new RawJson("1e400"),
  new RawJson("-1e400"),
  new RawJson("4.9e-324"),
  new RawJson("9007199254740993"),
  new RawJson("1.0"),
  new RawJson("1E2"),
  "\u0000",
  "\ud800",
  "\udfff\ud800",
  "NaN",
  "Infinity",
  "1",
  "true",
  "null",
  "A".repeat(65_537),
  "A".repeat(700_001),
  "\u0000".repeat(100_000),
  "😀".repeat(200_000),
  nested(1_000, "[", "]"),
  nested(100_000, "[", "]"),
  new RawJson(`${'{"a":'.repeat(10_000)}1${"}".repeat(10_000)}`),
  objectOf([["__proto__", { polluted: true }]]),
  objectOf([["constructor", { prototype: { polluted: true } }]]),
  objectOf([["prototype", { polluted: true }]]),
];

/** Keys that no schema declares, some chosen to pollute prototypes or confuse parsers. */
const EXTRA_KEYS = ["__proto__", "constructor", "prototype", "toString", "hasOwnProperty", "", "extra", "a\u0000b", "\ud800", "😀", "$ref"];

const generic = fc.constantFrom(...GENERIC);

function hostileString(schema: Schema, sub: Sub): fc.Arbitrary<unknown> {
  const options: fc.Arbitrary<unknown>[] = [generic, sub(schema, "boundary")];
  const max = typeof schema.maxLength === "number" ? schema.maxLength : undefined;
  const min = typeof schema.minLength === "number" ? schema.minLength : 0;
  // Strings just past the limits: one character too many (as code points, as UTF-16 units), one too few.
  if (max !== undefined) options.push(fc.constantFrom("y".repeat(max + 1), "😀".repeat(Math.ceil((max + 1) / 2)), "é".repeat(max + 1)));
  if (min > 0) options.push(fc.constant("z".repeat(min - 1)));
  if (Array.isArray(schema.enum)) {
    const values = (schema.enum as unknown[]).filter((value): value is string => typeof value === "string");
    options.push(fc.constantFrom(...values).chain((value) => fc.constantFrom(value.toUpperCase(), ` ${value}`, `${value}\u0000`, `${value}x`, value.slice(1))));
  }
  if (typeof schema.pattern === "string") options.push(fc.string({ unit: "binary", maxLength: 40 }));
  if (schema.format === "byte" || schema.contentEncoding === "base64") {
    options.push(fc.constantFrom("A", "AA", "AAA", "A===", "====", "AA=A", "-_-_", "AA AA", "AAAA\nAAAA", "AAAA\u0000", "Zm9v!", "\u00ffAAA"));
  }
  return fc.oneof(...options);
}

function hostileInteger(schema: Schema): fc.Arbitrary<unknown> {
  const values: unknown[] = [1.5, -0.5, "1", "0x10", " 1", "1e3", new RawJson("-0"), new RawJson("1e308"), new RawJson("1e400")];
  if (typeof schema.minimum === "number") values.push(schema.minimum - 1, schema.minimum - 0.5, -(2 ** 63));
  if (typeof schema.maximum === "number") values.push(schema.maximum + 1, schema.maximum + 0.5, 2 ** 64);
  if (typeof schema.multipleOf === "number") values.push(((schema.minimum as number) ?? 0) + 1);
  if (Array.isArray(schema.enum)) values.push(Math.max(...(schema.enum as number[])) + 1);
  return fc.oneof(fc.constantFrom(...values), generic);
}

function hostileObject(schema: Schema, sub: Sub): fc.Arbitrary<unknown> {
  const properties = Object.entries((schema.properties ?? {}) as Record<string, Schema>);
  const required = (schema.required as string[] | undefined) ?? [];
  const base = sub(schema, "valid") as fc.Arbitrary<Record<string, unknown>>;
  const entriesOf = (object: Record<string, unknown>) => Object.keys(object).map((key) => [key, object[key]] as const);
  const mutations: fc.Arbitrary<unknown>[] = [
    // An unknown field next to valid ones.
    fc.tuple(base, fc.constantFrom(...EXTRA_KEYS), generic).map(([object, key, value]) => objectOf([...entriesOf(object), [key, value]])),
    // A wrong type for the whole object.
    generic,
    fc.constantFrom([], "object", 1, null),
  ];
  if (required.length > 0) {
    mutations.push(fc.tuple(base, fc.constantFrom(...required)).map(([object, drop]) => objectOf(entriesOf(object).filter(([key]) => key !== drop))));
  }
  if (properties.length > 0) {
    // One field hostile, the others valid: the most likely to get past the first checks.
    const one = fc.constantFrom(...properties).chain(([name, property]) => fc.tuple(fc.constant(name), sub(property, "hostile")));
    mutations.push(fc.tuple(base, one).map(([object, [name, value]]) => objectOf([...entriesOf(object).filter(([key]) => key !== name), [name, value]])));
  }
  // The last mutation (one hostile field) weighs as much as all the others together.
  return fc.oneof(...mutations.map((arbitrary, index) => ({ arbitrary, weight: index === mutations.length - 1 ? mutations.length : 1 })));
}

/** A hostile value for `schema`: usually invalid, sometimes valid but odd; `sub` makes values of inner schemas. */
export function hostileValue(schema: Schema, sub: Sub, depth: number): fc.Arbitrary<unknown> {
  if (depth > 6) return generic;
  const type = Array.isArray(schema.type) ? schema.type[0] : schema.type;
  if (type === "object" || schema.properties) return hostileObject(schema, sub);
  if (type === "string") return hostileString(schema, sub);
  if (type === "integer" || type === "number") return hostileInteger(schema);
  if (type === "array") {
    const items = (schema.items ?? {}) as Schema;
    const maxItems = typeof schema.maxItems === "number" ? schema.maxItems : 64;
    return fc.oneof(
      generic,
      fc.array(sub(items, "hostile"), { minLength: 1, maxLength: 3 }),
      fc.array(sub(items, "valid"), { minLength: maxItems + 1, maxLength: maxItems + 1 }),
    );
  }
  if (Array.isArray(schema.oneOf)) return fc.oneof(generic, ...(schema.oneOf as Schema[]).map((branch) => hostileValue(branch, sub, depth + 1)));
  return generic;
}
