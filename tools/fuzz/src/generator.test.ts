// The fuzzer's generator checked against the spec itself: valid and boundary values pass the spec's schemas,
// hostile ones mostly do not, placeholders resolve, and raw JSON says what JSON.stringify cannot.
import { openApiDocument } from "@open-scws/spec";
import { Ajv2020 } from "ajv/dist/2020.js";
import addFormats from "ajv-formats";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { IdRef, objectOf, RawJson, type Resolver, SecretRef, SeenRef, toJsonText, toPathSegment } from "./fuzz-values.js";
import { requestArbitrary, stablePins } from "./request-arbitrary.js";
import { type Mode, schemaArbitrary } from "./schema-arbitrary.js";
import { specOperations } from "./spec-operations.js";

const resolver: Resolver = {
  id: (ref) => ({ readerId: "r-0123456789abcdef", tokenId: `t-${"a".repeat(32)}`, objectId: `o-${"b".repeat(24)}` })[ref.kind],
  secret: (ref) => (ref.which === "user" ? "user-pin" : "so-pin"),
  seen: (ref) => ref.fallback,
};

const ajv = new Ajv2020({ strict: false, validateFormats: true });
addFormats.default(ajv);
const withBodies = specOperations().filter((operation) => operation.body);

function verdicts(mode: Mode, runs: number) {
  return withBodies.map((operation) => {
    const validate = ajv.compile(operation.body!.schema);
    const values = fc.sample(schemaArbitrary(operation.body!.schema, mode), { seed: 7, numRuns: runs });
    const refused = values.filter((value) => !validate(JSON.parse(toJsonText(value, resolver))));
    return {
      operationId: operation.operationId,
      refused: refused.length,
      example: refused[0] === undefined ? "" : toJsonText(refused[0], resolver).slice(0, 200),
    };
  });
}

describe("the spec fuzzer's generator", () => {
  it("finds every operation of the bundled spec, with its path, query and header parameters and its body", () => {
    const operationIds = JSON.stringify(openApiDocument.paths).match(/"operationId":"[^"]+"/g) ?? [];
    const operations = specOperations();
    expect(operations.map((operation) => operation.operationId).sort()).toEqual(operationIds.map((entry) => entry.split(":")[1]!.replaceAll('"', "")).sort());
    const listEvents = operations.find((operation) => operation.operationId === "listEvents")!;
    expect(listEvents.parameters.map((parameter) => `${parameter.in}:${parameter.name}`)).toEqual(["query:since", "query:wait", "header:Last-Event-ID"]);
    expect(operations.find((operation) => operation.operationId === "signWithKey")!.body?.schema).toMatchObject({ required: ["hash"] });
  });

  it("makes valid bodies that every request schema of the spec accepts", () => {
    expect(verdicts("valid", 150).filter((verdict) => verdict.refused > 0)).toEqual([]);
  });

  it("makes boundary bodies (limits, odd unicode, NUL, base64 corners) that the schemas still accept", () => {
    expect(verdicts("boundary", 150).filter((verdict) => verdict.refused > 0)).toEqual([]);
  });

  it("makes hostile bodies that the schemas refuse most of the time", () => {
    for (const verdict of verdicts("hostile", 100)) expect(verdict.refused, verdict.operationId).toBeGreaterThan(100 * 0.6);
  });

  it("writes raw JSON that JSON.stringify cannot: -0, 1e400, an own __proto__ key; resolves ids, PINs and seen values", () => {
    const value = objectOf([
      ["__proto__", { polluted: true }],
      ["zero", new RawJson("-0")],
      ["huge", new RawJson("1e400")],
      ["pin", new SecretRef("so")],
      ["token", new IdRef("tokenId", 3)],
      ["seen", new SeenRef("signature", 1, "fallback")],
      ["surrogate", "\ud800"],
    ]);
    expect(toJsonText(value, resolver)).toBe(
      `{"__proto__":{"polluted":true},"zero":-0,"huge":1e400,"pin":"so-pin","token":"t-${"a".repeat(32)}","seen":"fallback","surrogate":"\\ud800"}`,
    );
    expect(Object.getPrototypeOf(JSON.parse(toJsonText(value, resolver)))).toBe(Object.prototype);
  });

  it("never sends an empty, '.' or '..' path segment, which URLs fold away", () => {
    expect([toPathSegment("", resolver), toPathSegment(".", resolver), toPathSegment("..", resolver), toPathSegment("a/b", resolver)]).toEqual([
      "x",
      "x%2E",
      "x%2E%2E",
      "a%2Fb",
    ]);
  });

  it("never changes a PIN: a newPin that would pass becomes the old PIN, or the user PIN", () => {
    expect(
      stablePins(
        objectOf([
          ["oldPin", new SecretRef("so")],
          ["newPin", "123456"],
        ]),
      ),
    ).toEqual({ oldPin: new SecretRef("so"), newPin: new SecretRef("so") });
    expect(stablePins(objectOf([["newPin", "123456"]]))).toEqual({ newPin: new SecretRef("user") });
    expect(stablePins(objectOf([["newPin", "x".repeat(256)]]))).toEqual({ newPin: "x".repeat(256) });
    const changePin = specOperations().find((operation) => operation.operationId === "changePin")!;
    for (const plan of fc.sample(requestArbitrary(changePin), { seed: 3, numRuns: 300 })) {
      const body = plan.body?.kind === "json" ? (plan.body.value as Record<string, unknown> | null) : null;
      const newPin = body && typeof body === "object" ? body.newPin : undefined;
      if (typeof newPin === "string") expect([...newPin].length === 0 || [...newPin].length > 255, newPin).toBe(true);
    }
  });
});
