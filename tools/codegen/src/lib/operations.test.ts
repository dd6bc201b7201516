import { describe, expect, it } from "vitest";
import { readOperations } from "./operations.js";

const fixture = {
  openapi: "3.1.0",
  paths: {
    "/v1/things/{thingId}": {
      parameters: [{ $ref: "#/components/parameters/ThingId" }],
      get: { operationId: "getThing", responses: { "200": { description: "ok" }, "404": { description: "no" } } },
      delete: {
        operationId: "deleteThing",
        parameters: [{ name: "force", in: "query", schema: { type: "boolean" } }],
        responses: { "204": { description: "gone" } },
      },
    },
    "/v1/things": {
      post: {
        operationId: "createThing",
        requestBody: { $ref: "#/components/requestBodies/NewThing" },
        responses: { "201": { description: "made" }, "202": { description: "queued" }, "400": { description: "bad" } },
      },
    },
  },
  components: {
    parameters: { ThingId: { name: "thingId", in: "path", required: true, schema: { type: "string" } } },
    requestBodies: { NewThing: { required: true, content: { "application/json": { schema: { $ref: "#/components/schemas/Thing" } } } } },
    schemas: { Thing: { type: "object" } },
  },
};

describe("readOperations", () => {
  const operations = readOperations(fixture);

  it("lists every operation with its method and path, in document order", () => {
    expect(operations.map((o) => `${o.method} ${o.path} ${o.operationId}`)).toEqual([
      "get /v1/things/{thingId} getThing",
      "delete /v1/things/{thingId} deleteThing",
      "post /v1/things createThing",
    ]);
  });

  it("merges path-level parameters, resolving $refs", () => {
    const remove = operations.find((o) => o.operationId === "deleteThing")!;
    expect(remove.parameters.map((p) => `${p.in}:${p.name}:${p.required}`)).toEqual(["path:thingId:true", "query:force:false"]);
  });

  it("reads whether an operation needs a credential, from its own security or the document's", () => {
    const secured = readOperations({ ...fixture, security: [{ key: [] }] });
    expect(secured.map((o) => o.needsCredential)).toEqual([true, true, true]);
    const open = structuredClone(fixture) as typeof fixture & { security?: unknown };
    (open.paths["/v1/things"].post as Record<string, unknown>).security = [];
    expect(readOperations({ ...open, security: [{ key: [] }] }).map((o) => o.needsCredential)).toEqual([true, true, false]);
    expect(operations.every((o) => !o.needsCredential)).toBe(true);
  });

  it("finds a JSON body through a $ref and whether it is required", () => {
    const create = operations.find((o) => o.operationId === "createThing")!;
    expect(create.body).toEqual({ schema: { $ref: "#/components/schemas/Thing" }, required: true });
    expect(create.successStatuses).toEqual([201, 202]);
  });

  it("refuses a body that is not JSON", () => {
    const xml = structuredClone(fixture) as typeof fixture;
    (xml.components.requestBodies.NewThing.content as Record<string, unknown>) = { "application/xml": {} };
    expect(() => readOperations(xml)).toThrow(/only JSON bodies/);
  });
});
