import { describe, expect, it } from "vitest";
import { contractTables, reduceSchema } from "./contract-tables.js";

const fixture = {
  openapi: "3.1.0",
  paths: {
    "/v1/things/{thingId}": {
      parameters: [{ $ref: "#/components/parameters/ThingId" }],
      get: {
        operationId: "getThing",
        responses: {
          "200": { description: "ok", content: { "application/json": { schema: { $ref: "#/components/schemas/Thing" } } } },
          "404": { $ref: "#/components/responses/NotFound" },
        },
      },
      delete: { operationId: "deleteThing", responses: { "204": { description: "gone" } } },
    },
    "/v1/things": {
      post: {
        operationId: "createThing",
        requestBody: { required: true, content: { "application/json": { schema: { $ref: "#/components/schemas/NewThing" } } } },
        responses: { "201": { description: "made", content: { "Application/JSON": {} } } },
      },
    },
  },
  components: {
    parameters: { ThingId: { name: "thingId", in: "path", required: true, schema: { type: "string", pattern: "^t-", example: "t-1" } } },
    responses: { NotFound: { description: "no", content: { "application/problem+json": { schema: { $ref: "#/components/schemas/Problem" } } } } },
    schemas: {
      Thing: {
        type: "object",
        title: "Thing",
        description: "A thing.",
        required: ["id"],
        properties: { id: { type: "string", example: "t-1" }, "x-named": { $ref: "#/components/schemas/Colour" } },
        additionalProperties: true,
        "x-scws-error": "CKR_ARGUMENTS_BAD",
      },
      Colour: { type: "string", enum: ["red", "blue"] },
      NewThing: { type: "object", properties: { size: { type: "integer", minimum: 1, format: "int32" } }, additionalProperties: false },
      Problem: { type: "object", required: ["code"], properties: { code: { type: "string" } } },
      Unused: { type: "string" },
    },
  },
};

describe("contractTables", () => {
  const tables = contractTables(fixture);

  it("lists every declared status with its media types and schema refs, for every operation", () => {
    expect(tables.operations["GET /v1/things/{thingId}"]?.answers).toEqual({
      "200": { "application/json": { $ref: "Thing" } },
      "404": { "application/problem+json": { $ref: "Problem" } },
    });
    expect(tables.operations["DELETE /v1/things/{thingId}"]?.answers).toEqual({ "204": {} });
    expect(tables.operations["POST /v1/things"]?.answers).toEqual({ "201": { "application/json": null } });
  });

  it("keeps path parameters and the JSON body with whether it is required", () => {
    expect(tables.operations["GET /v1/things/{thingId}"]?.path).toEqual({ thingId: { type: "string", pattern: "^t-" } });
    expect(tables.operations["POST /v1/things"]?.body).toEqual({ required: true, schema: { $ref: "NewThing" } });
  });

  it("keeps only the schemas in use, without annotations or extensions, but keeps properties named x-", () => {
    expect(Object.keys(tables.schemas)).toEqual(["Colour", "NewThing", "Problem", "Thing"]);
    expect(tables.schemas.Thing).toEqual({ type: "object", required: ["id"], properties: { id: { type: "string" }, "x-named": { $ref: "Colour" } } });
    expect(tables.schemas.NewThing).toEqual({ type: "object", properties: { size: { type: "integer", minimum: 1 } }, additionalProperties: false });
  });

  it.each([
    ["a keyword the checker does not implement", { type: "object", propertyNames: { pattern: "^a" } }, /does not implement "propertyNames"/],
    ["a ref outside the component schemas", { $ref: "other.json#/Thing" }, /only refs to component schemas/],
    ["a schema that is not an object", { items: true }, /a schema must be an object/],
  ])("refuses %s", (_name, schema, message) => {
    expect(() => reduceSchema(schema, "#/test", new Set())).toThrow(message);
  });
});
