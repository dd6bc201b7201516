import { openApiDocument } from "@open-scws/spec";
import { Ajv2020 } from "ajv/dist/2020.js";
import { describe, expect, it } from "vitest";
import { schemas } from "../generated/contract.js";
import { type CheckedSchema, describeViolation, schemaViolation } from "./schema-check.js";

// The checker is compared with Ajv, a complete JSON Schema implementation, on the spec's own schemas: for each one, a
// sample built from the spec's examples and variants of it with one thing broken must get the same verdict from both.

type Json = Record<string, unknown>;
const components = (openApiDocument.components as Json).schemas as Record<string, Json>;
const ajv = new Ajv2020({ strict: false, validateFormats: false });
ajv.addSchema({
  $id: "components.json",
  $defs: JSON.parse(JSON.stringify(components).replaceAll('"#/components/schemas/', '"components.json#/$defs/')),
});

function resolve(schema: Json): Json {
  const ref = schema.$ref as string | undefined;
  return ref ? resolve(components[ref.slice("#/components/schemas/".length)]!) : schema;
}

/** A value the spec's examples say is valid. */
function sampleOf(raw: Json): unknown {
  const schema = resolve(raw);
  if ("example" in schema) return structuredClone(schema.example);
  if ("const" in schema) return schema.const;
  if (Array.isArray(schema.enum)) return schema.enum[0];
  if (schema.type === "array") return [sampleOf(schema.items as Json)];
  const properties = (schema.properties ?? {}) as Record<string, Json>;
  return Object.fromEntries(Object.entries(properties).map(([name, member]) => [name, sampleOf(member)]));
}

/** Variants of a valid object, each with one member removed or replaced by a value of another type. */
function variantsOf(name: string, sample: unknown): Array<[string, unknown]> {
  if (typeof sample !== "object" || sample === null || Array.isArray(sample)) {
    return [
      [`${name} as an object`, { value: sample }],
      [`${name} as null`, null],
    ];
  }
  const variants: Array<[string, unknown]> = [];
  for (const key of Object.keys(sample)) {
    const { [key]: removed, ...rest } = sample as Json;
    variants.push([`${name} without ${key}`, rest]);
    for (const other of ["text", 7, 1.5, -1, true, null, [], {}]) {
      if (typeof other === typeof removed && Array.isArray(other) === Array.isArray(removed)) continue;
      variants.push([`${name} with ${key} = ${JSON.stringify(other)}`, { ...(sample as Json), [key]: other }]);
    }
  }
  variants.push([`${name} with an extra member`, { ...(sample as Json), extra: 1 }]);
  return variants;
}

const cases = Object.keys(schemas).flatMap((name) => {
  const sample = sampleOf(components[name]!);
  return [[`${name} sample`, name, sample] as const, ...variantsOf(name, sample).map(([label, value]) => [label, name, value] as const)];
});

describe("the schema checker, against Ajv on the spec's schemas", () => {
  it("is compared on valid samples and on many refused variants", () => {
    const refused = cases.filter(([, name, value]) => !ajv.validate(`components.json#/$defs/${name}`, value)).length;
    expect(cases.length - refused).toBeGreaterThanOrEqual(Object.keys(schemas).length);
    expect(refused).toBeGreaterThan(cases.length / 2);
  });

  it.each(cases)("agrees with Ajv on %s", (_label, name, value) => {
    const ajvVerdict = ajv.validate(`components.json#/$defs/${name}`, value);
    expect(schemaViolation({ $ref: name }, value, schemas) === undefined).toBe(ajvVerdict);
  });
});

describe("the schema checker's keywords", () => {
  const table: Array<[string, CheckedSchema, unknown, string | undefined]> = [
    ["an integer", { type: "integer" }, 1.5, "(root) must be integer"],
    ["a type list", { type: ["string", "null"] }, null, undefined],
    ["an exclusive maximum", { exclusiveMaximum: 3 }, 3, "(root) must be < 3"],
    ["a length in code points", { maxLength: 1 }, "😀", undefined],
    ["repeated items", { uniqueItems: true }, [{ a: 1 }, { a: 1 }], "(root) must not repeat items"],
    ["an item's pointer", { items: { type: "string" } }, ["a", 2], "/1 must be string"],
    ["a member's escaped pointer", { properties: { "a/b": { type: "string" } } }, { "a/b": 1 }, "/a~1b must be string"],
    ["a closed object", { additionalProperties: false, properties: { a: {} } }, { a: 1, b: 2 }, "(root) must not have the property b"],
    ["extra members against a schema", { additionalProperties: { type: "integer" } }, { a: "x" }, "/a must be integer"],
    ["anyOf", { anyOf: [{ type: "string" }, { type: "integer" }] }, true, "(root) must match a schema of anyOf"],
    ["oneOf matching twice", { oneOf: [{ type: "integer" }, { minimum: 0 }] }, 1, "(root) must match exactly one schema of oneOf"],
    ["oneOf matching once", { oneOf: [{ type: "integer" }, { type: "string" }] }, "a", undefined],
    ["allOf", { allOf: [{ type: "integer" }, { maximum: 3 }] }, 4, "(root) must be <= 3"],
    ["not", { not: { const: "x" } }, "x", "(root) must not match the schema of not"],
    ["a const object", { const: { a: [1] } }, { a: [1] }, undefined],
    ["an unknown ref", { $ref: "Nowhere" }, 1, "(root) unknown schema Nowhere"],
  ];

  it.each(table)("checks %s", (_name, schema, value, expected) => {
    const violation = schemaViolation(schema, value, schemas);
    expect(violation && describeViolation(violation)).toBe(expected);
  });

  it("never repeats the value it refused, which may be a secret", () => {
    const violation = schemaViolation({ properties: { pin: { type: "string", maxLength: 4 } } }, { pin: "canary-123456" }, schemas);
    expect(JSON.stringify(violation)).not.toContain("canary");
  });
});
