import { describe, expect, it } from "vitest";
import { pathTemplateOf, specViolations } from "./spec-conformance.js";

const problem = { type: "/docs/errors#CKR_SLOT_ID_INVALID", title: "Unknown reader", status: 404, detail: "x", code: "CKR_SLOT_ID_INVALID", customData: {} };

describe("the spec conformance check", () => {
  it("finds the path template of a concrete path", () => {
    expect(pathTemplateOf("/v1/readers/r-0123456789abcdef")).toBe("/v1/readers/{readerId}");
    expect(pathTemplateOf("/v1/nowhere")).toBeUndefined();
  });

  it("accepts a response the spec allows", () => {
    expect(specViolations("GET", "/v1/readers/{readerId}", 404, "application/problem+json", problem)).toEqual([]);
  });

  it.each([
    ["an undeclared status", 418, "application/problem+json", problem, /status not declared/],
    ["a wrong content type", 404, "application/json", problem, /content type application\/json not declared/],
    ["a code outside the enum", 404, "application/problem+json", { ...problem, code: "CKR_NOPE" }, /code must be equal to one of the allowed values/],
    ["a missing required member", 404, "application/problem+json", { ...problem, detail: undefined }, /must have required property 'detail'/],
  ])("reports %s", (_name, status, contentType, body, expected) => {
    expect(specViolations("GET", "/v1/readers/{readerId}", status, contentType, body).join("\n")).toMatch(expected);
  });

  it("reports a body where the spec declares none", () => {
    expect(specViolations("DELETE", "/v1/tokens/{tokenId}", 204, "application/json", { a: 1 })).toEqual([
      "DELETE /v1/tokens/{tokenId} → 204: the spec declares no body",
    ]);
  });
});
