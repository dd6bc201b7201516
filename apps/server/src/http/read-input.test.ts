import { Hono } from "hono";
import { describe, expect, it } from "vitest";
import { type RouteDefinition, routes } from "../generated/routes.js";
import { readParams } from "./read-input.js";

function route(operationId: string): RouteDefinition {
  const found = routes.find((r) => r.operationId === operationId);
  if (!found) throw new Error(`no route ${operationId}`);
  return found;
}

/** What readParams gives for one request to the route's path. */
async function paramsOf(definition: RouteDefinition, url: string, headers: Record<string, string>) {
  const app = new Hono();
  let seen: ReturnType<typeof readParams> | undefined;
  app.on(definition.method, definition.honoPath, (c) => {
    seen = readParams(c, definition);
    return c.body(null, 204);
  });
  const response = await app.request(url, { method: definition.method, headers });
  expect(response.status).toBe(204);
  return seen!;
}

describe("readParams", () => {
  it("gives the validator the header parameters the operation declares, and no other header", async () => {
    const listEvents = route("listEvents");
    expect(listEvents.headerParams).toEqual(["last-event-id"]);
    const params = await paramsOf(listEvents, "/v1/events?wait=5", {
      "Last-Event-ID": "41",
      "x-scws-environment": "not for the validator",
      accept: "text/event-stream",
    });
    expect(params.header).toEqual({ "last-event-id": "41" });
    expect(params.query).toEqual({ wait: "5" });
    expect(route("listEvents").validateParams(params)).toBe(true);
  });

  it("gives an empty header object to an operation that declares none, which its validator accepts", async () => {
    const listReaders = route("listReaders");
    expect(listReaders.headerParams).toEqual([]);
    const params = await paramsOf(listReaders, "/v1/readers", { "x-scws-environment": "secret", "user-agent": "test" });
    expect(params.header).toEqual({});
    expect(listReaders.validateParams(params)).toBe(true);
  });

  it("still refuses a declared header with a bad value, naming it", async () => {
    const listEvents = route("listEvents");
    const params = await paramsOf(listEvents, "/v1/events", { "last-event-id": "not a number" });
    expect(listEvents.validateParams(params)).toBe(false);
    expect(listEvents.validateParams.errors?.[0]?.instancePath).toBe("/header/last-event-id");
  });
});
