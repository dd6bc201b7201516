import { describe, expect, it } from "vitest";
import { errorCatalogue, isErrorCode } from "./catalogue/index.js";
import { type CkrName, ckrValues } from "./generated/ckr-values.js";
import { ckrName, codeForCkrValue, nearestCodeForUnlistedCkr } from "./pkcs11-mapping.js";

const everyFailure = (Object.entries(ckrValues) as Array<[CkrName, number]>).filter(([name]) => name !== "CKR_OK" && name !== "CKR_VENDOR_DEFINED");

describe("mapping PKCS#11 return values to SCWS codes", () => {
  it("knows every CKR_* value of the header pkcs11js is built with", () => {
    expect(everyFailure.length).toBeGreaterThanOrEqual(93);
  });

  it.each(everyFailure)("maps %s (%i) by its number", (name, value) => {
    const code = codeForCkrValue(value);
    const expected = isErrorCode(name) ? name : nearestCodeForUnlistedCkr[name as keyof typeof nearestCodeForUnlistedCkr];
    expect(code).toBe(expected);
    expect(ckrName(value)).toBe(name);
    expect(errorCatalogue[code].httpStatus).not.toBeNull();
  });

  it.each([
    [0x90, "CKR_FUNCTION_FAILED", "CKR_OPERATION_ACTIVE"],
    [0xb0, "CKR_SESSION_HANDLE_INVALID", "CKR_SESSION_CLOSED"],
    [0xb7, "CKR_USER_ANOTHER_ALREADY_LOGGED_IN", "CKR_SESSION_READ_ONLY_EXISTS"],
    [0x190, "CKR_LIBRARY_LOAD_FAILED", "CKR_CRYPTOKI_NOT_INITIALIZED"],
    [0x200, "CKR_CANCEL", "CKR_FUNCTION_REJECTED"],
    [0x1b, "CKR_ACTION_PROHIBITED", "CKR_ACTION_PROHIBITED"],
    [0x140, "CKR_CURVE_NOT_SUPPORTED", "CKR_CURVE_NOT_SUPPORTED"],
  ])("answers 0x%s with %s and keeps the name %s", (value, code, name) => {
    expect(codeForCkrValue(value)).toBe(code);
    expect(ckrName(value)).toBe(name);
  });

  it("answers vendor-defined values with CKR_FUNCTION_FAILED and names them by offset", () => {
    expect(codeForCkrValue(0x80000123)).toBe("CKR_FUNCTION_FAILED");
    expect(ckrName(0x80000123)).toBe("CKR_VENDOR_DEFINED+0x123");
  });

  it("answers values no header defines with CKR_GENERAL_ERROR", () => {
    expect(codeForCkrValue(0x7777)).toBe("CKR_GENERAL_ERROR");
    expect(ckrName(0x7777)).toBe("CKR_0x7777");
    expect(codeForCkrValue(0)).toBe("CKR_GENERAL_ERROR");
  });
});
