import { toProblem } from "@open-scws/errors";
import { describe, expect, it } from "vitest";
import { validationError } from "./validation-error.js";

describe("validationError", () => {
  it.each([
    [
      {
        instancePath: "/path/readerId",
        schemaPath: "#/properties/path/properties/readerId/pattern",
        keyword: "pattern",
        params: {},
        message: "must match pattern",
      },
      "params",
      "/path/readerId",
    ],
    [{ instancePath: "", schemaPath: "#/required", keyword: "required", params: { missingProperty: "hash" }, message: "x" }, "body", "/body/hash"],
    [
      { instancePath: "/query", schemaPath: "#/additionalProperties", keyword: "additionalProperties", params: { additionalProperty: "slot" } },
      "params",
      "/query/slot",
    ],
    [
      { instancePath: "/options/saltLength", schemaPath: "#/minimum", keyword: "minimum", params: {}, message: "must be >= 0" },
      "body",
      "/body/options/saltLength",
    ],
  ] as const)("names the offending field of %j", (failure, location, field) => {
    const error = validationError([failure], location);
    expect(error.code).toBe("CKR_ARGUMENTS_BAD");
    expect(error.customData.field).toBe(field);
    expect(error.message).toContain(field);
  });

  it("says what is wrong without repeating the value", () => {
    const error = validationError(
      [{ instancePath: "/pin", schemaPath: "#/type", keyword: "type", params: { type: "string" }, message: "must be string" }],
      "body",
    );
    expect(error.customData.reason).toBe("must be string");
    expect(JSON.stringify(toProblem(error))).not.toContain("data");
  });
});
