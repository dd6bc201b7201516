// Every operation that takes a body declares what the service answers for a body it will not read: 413 (too large)
// and 415 (not JSON). The spec fuzzer found two operations without them; this finds the next one at once.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";

type Operation = { operationId?: string; requestBody?: unknown; responses?: Record<string, unknown> };
const spec = JSON.parse(readFileSync(new URL("../../../spec/generated/openapi.json", import.meta.url), "utf8")) as {
  paths: Record<string, Record<string, Operation>>;
};
const withBodies = Object.entries(spec.paths).flatMap(([path, item]) =>
  Object.entries(item)
    .filter(([, operation]) => typeof operation === "object" && operation !== null && "requestBody" in operation)
    .map(([method, operation]) => ({ name: `${method.toUpperCase()} ${path}`, responses: Object.keys(operation.responses ?? {}) })),
);

describe("operations that take a body", () => {
  it("are found in the bundled spec", () => {
    expect(withBodies.length).toBeGreaterThan(20);
  });

  it.each(withBodies)("$name declares 413 and 415", ({ responses }) => {
    expect(responses).toEqual(expect.arrayContaining(["413", "415"]));
  });
});
