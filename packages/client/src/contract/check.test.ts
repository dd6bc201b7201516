import { describe, expect, it } from "vitest";
import { checkHead, checkJsonBody, checkRequest, operationContract } from "./check.js";

const getReader = operationContract("get", "/v1/readers/{readerId}");
const disconnect = operationContract("DELETE", "/v1/tokens/{tokenId}");
const problem = { type: "/docs/errors#CKR_SLOT_ID_INVALID", title: "Unknown reader", status: 404, detail: "x", code: "CKR_SLOT_ID_INVALID", customData: {} };
const reader = { id: "r-0123456789abcdef", name: "slot", cardPresent: false, status: "ok", moduleId: "softhsm" };

describe("checkHead", () => {
  it.each([
    ["a declared JSON answer", getReader, 200, "application/json; charset=utf-8", "json"],
    ["a declared problem", getReader, 404, "application/problem+json", "json"],
    ["an undeclared status", getReader, 418, "application/problem+json", "violation"],
    ["an undeclared content type", getReader, 200, "text/html", "violation"],
    ["a missing content type", getReader, 200, null, "violation"],
    ["a status declared without a body", disconnect, 204, null, "empty"],
    ["an operation outside the spec", undefined, 200, "text/html", "unchecked"],
  ] as const)("judges %s", (_name, contract, status, contentType, kind) => {
    expect(checkHead(contract, status, contentType).kind).toBe(kind);
  });

  it("says which status and content types were expected", () => {
    expect(checkHead(getReader, 200, "text/html")).toEqual({
      kind: "violation",
      reason: "content type text/html is not declared for HTTP 200 (declared: application/json)",
    });
  });
});

describe("checkJsonBody", () => {
  const readerSchema = { $ref: "Reader" };
  const problemSchema = { $ref: "Problem" };

  it.each([
    ["a conforming reader", readerSchema, JSON.stringify(reader), "conforms"],
    ["any JSON where the spec gives no schema", null, "[1]", "conforms"],
    ["text that is not JSON", readerSchema, "<html>", "violation"],
    ["a reader without its id", readerSchema, JSON.stringify({ ...reader, id: undefined }), "violation"],
    ["a status outside the enum", readerSchema, JSON.stringify({ ...reader, status: "on fire" }), "violation"],
    ["a conforming problem", problemSchema, JSON.stringify(problem), "conforms"],
    ["a problem with a code this client does not know", problemSchema, JSON.stringify({ ...problem, code: "CKR_FROM_THE_FUTURE" }), "unknown-code"],
    ["an unknown code in a broken problem", problemSchema, JSON.stringify({ code: "CKR_FROM_THE_FUTURE" }), "violation"],
  ] as const)("judges %s", (_name, schema, text, kind) => {
    expect(checkJsonBody(schema, text).kind).toBe(kind);
  });

  it("names the failing member", () => {
    expect(checkJsonBody(readerSchema, JSON.stringify({ ...reader, cardPresent: "yes" }))).toEqual({
      kind: "violation",
      reason: "the body does not match the spec: /cardPresent must be boolean",
    });
  });
});

describe("checkRequest", () => {
  it.each([
    ["a valid reader id", { readerId: "r-0123456789abcdef" }, undefined, undefined],
    ["a missing reader id", {}, undefined, { field: "/path/readerId", reason: "is required" }],
    ["a malformed reader id", { readerId: "../x" }, undefined, { field: "/path/readerId", reason: "must match ^r-[0-9a-f]{16}$" }],
    [
      "a body the operation does not take",
      { readerId: "r-0123456789abcdef" },
      { a: 1 },
      { field: "/body", reason: "must be absent: the operation takes no body" },
    ],
  ])("judges %s", (_name, path, body, expected) => {
    expect(checkRequest(getReader, path, body)).toEqual(expected);
  });

  it("leaves operations outside the spec alone", () => {
    expect(checkRequest(undefined, {}, { a: 1 })).toBeUndefined();
  });
});
