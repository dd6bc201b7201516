// Every operation that takes a request body can be refused before its handler runs: 415 for a body that is not
// JSON (the body reader) and 413 for one over the body limit. The spec must declare both for each such operation;
// the fuzzer found two that did not (createPinRequest, startAutoLogin), whose 415s then broke the contract.
import { openApiDocument } from "@open-scws/spec";
import { describe, expect, it } from "vitest";

interface Operation {
  readonly operationId: string;
  readonly requestBody?: unknown;
  readonly responses: Record<string, unknown>;
}

const operations = Object.values(openApiDocument.paths as Record<string, Record<string, unknown>>).flatMap((item) =>
  Object.values(item).filter((value): value is Operation => typeof value === "object" && value !== null && "responses" in value),
);

describe("operations with a request body", () => {
  it("all declare 413 and 415, the responses the body limit and the body reader give before any handler", () => {
    const withBody = operations.filter((operation) => operation.requestBody !== undefined);
    expect(withBody.length).toBeGreaterThan(20);
    const missing = withBody.filter((operation) => !("413" in operation.responses && "415" in operation.responses)).map((operation) => operation.operationId);
    expect(missing).toEqual([]);
  });
});
