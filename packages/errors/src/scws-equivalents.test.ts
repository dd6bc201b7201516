import { describe, expect, it } from "vitest";
import { errorCatalogue, errorCodes } from "./catalogue/index.js";
import { scwsDocumentedCodes } from "./catalogue/scws-codes.js";
import { asScwsCodeError, isScwsCode, scwsCodeFor, scwsEquivalents } from "./scws-equivalents.js";
import { ScwsError } from "./scws-error.js";

// Iterates the catalogue, not the table: a code added to the spec without an SCWS equivalent fails here.
const documented: readonly string[] = scwsDocumentedCodes;
const nonScwsCodes = errorCodes.filter((code) => !documented.includes(code));

describe("the nearest SCWS code for every code SCWS does not document", () => {
  it("finds the codes outside the 92 in the catalogue (CKR_*, SCWS_*)", () => {
    expect(nonScwsCodes).toContain("CKR_SESSION_HANDLE_INVALID");
    expect(nonScwsCodes).toContain("CKR_OBJECT_HANDLE_INVALID");
    expect(nonScwsCodes.filter((code) => code.startsWith("SCWS_")).length).toBeGreaterThan(0);
    expect(nonScwsCodes.length + scwsDocumentedCodes.length).toBe(errorCodes.length);
  });

  it("knows an SCWS code as one of the list of 92, and nothing else as one", () => {
    expect(errorCodes.filter((code) => isScwsCode(code))).toEqual(errorCodes.filter((code) => documented.includes(code)));
    for (const notACode of ["CKR_NOT_A_CODE", "", "toString", "constructor", 42, undefined]) expect(isScwsCode(notACode)).toBe(false);
  });

  it.each(nonScwsCodes)("maps %s to one of the 92 SCWS codes", (code) => {
    const equivalent = scwsEquivalents[code as keyof typeof scwsEquivalents];
    expect(isScwsCode(equivalent)).toBe(true);
    expect(scwsCodeFor(code)).toBe(equivalent);
  });

  it("lists no code that SCWS documents or the catalogue lacks", () => {
    expect(Object.keys(scwsEquivalents).sort()).toEqual([...nonScwsCodes].sort());
  });

  it.each(scwsDocumentedCodes)("keeps %s, which SCWS documents, as it is", (code) => {
    expect(scwsCodeFor(code)).toBe(code);
    const error = new ScwsError("kept", code, 400, { field: "/body/x" });
    expect(asScwsCodeError(error)).toBe(error);
  });

  it.each([
    ["CKR_SESSION_HANDLE_INVALID", "CKR_TOKEN_NOT_PRESENT"],
    ["CKR_OBJECT_HANDLE_INVALID", "CKR_KEY_HANDLE_INVALID"],
    ["SCWS_CREDENTIAL_INVALID", "CXR_BROKEN_AUTHENTICATION"],
    ["SCWS_FINAL_TRY_UNCONFIRMED", "CKR_CANCEL"],
  ] as const)("turns a %s error into %s, keeping the service's code, message, status and customData", (code, expected) => {
    const original = new ScwsError("The token connection ended.", code, undefined, { remainingTries: 1 });
    const mapped = asScwsCodeError(original);
    expect(mapped).toBeInstanceOf(ScwsError);
    expect(mapped).toMatchObject({ code: expected, message: original.message, httpStatus: errorCatalogue[code].httpStatus });
    expect(mapped.customData).toEqual({ remainingTries: 1, serviceCode: code });
  });
});
