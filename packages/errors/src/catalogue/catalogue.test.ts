import { describe, expect, expectTypeOf, it } from "vitest";
import { httpStatusOf } from "../codes.js";
import { ckrValues } from "../generated/ckr-values.js";
import { type ErrorCode, errorCatalogue, errorCodes, isErrorCode } from "./index.js";
import { scwsDocumentedCodes } from "./scws-codes.js";

const STATUSES_IN_USE = new Set([400, 401, 403, 404, 405, 409, 413, 415, 421, 422, 429, 500, 502, 503, 507]);

describe("the error catalogue", () => {
  it("holds all 92 codes the SCWS conventions document", () => {
    expect(scwsDocumentedCodes).toHaveLength(92);
    const missing = scwsDocumentedCodes.filter((code) => !isErrorCode(code));
    expect(missing).toEqual([]);
  });

  it("agrees with the generated code/status table that ScwsError and the browser use", () => {
    expect([...errorCodes].sort()).toEqual(Object.keys(errorCatalogue).sort());
    for (const code of errorCodes) expect(httpStatusOf(code)).toBe(errorCatalogue[code].httpStatus ?? 0);
    expect(isErrorCode("CKR_NOT_A_CODE")).toBe(false);
  });

  it("adds only CKR_ codes PKCS#11 defines and SCWS_ codes of its own", () => {
    const added = errorCodes.filter((code) => !(scwsDocumentedCodes as readonly string[]).includes(code));
    for (const code of added) expect(code).toMatch(/^(CKR_|SCWS_)/);
    expect(added).toContain("CKR_OBJECT_HANDLE_INVALID");
  });

  it.each(errorCodes.filter((code) => code.startsWith("CKR_")))("gives %s its PKCS#11 value", (code) => {
    expect(errorCatalogue[code].pkcs11Value).toBe(ckrValues[code as keyof typeof ckrValues]);
  });

  it.each(errorCodes)("describes %s completely", (code) => {
    const entry = errorCatalogue[code];
    expect(entry.title.length).toBeGreaterThan(3);
    expect(entry.description.length).toBeGreaterThan(20);
    expect(entry.remedy.length).toBeGreaterThan(10);
    if (entry.httpStatus !== null) expect(STATUSES_IN_USE).toContain(entry.httpStatus);
  });

  it("sends no status for codes only the client library or mobile platforms raise", () => {
    const silent = errorCodes.filter((code) => errorCatalogue[code].httpStatus === null);
    for (const code of silent) expect(["client", "mobile"]).toContain(errorCatalogue[code].origin);
    expect(silent.filter((code) => code.startsWith("MWR_SCWS_"))).toHaveLength(5);
    expect(errorCatalogue.CXR_BT_NOT_SCANNING.origin).toBe("mobile");
  });

  it("corrects the slips of the SCWS page instead of copying them", () => {
    expect(errorCatalogue.CKR_SLOT_ID_INVALID.description).not.toMatch(/pin/i);
    expect(errorCatalogue.CXR_CONTAINER_EXISTS.description).not.toMatch(/security status/i);
    expect(errorCatalogue.CXR_NOT_PERMITTED.description).not.toMatch(/puk/i);
    expect(errorCatalogue.CKR_WRAPPED_KEY_INVALID.description).not.toMatch(/size|range/i);
    expect(errorCatalogue.CKR_WRAPPED_KEY_LEN_RANGE.description).toMatch(/length/i);
    expect(errorCatalogue.CKR_FUNCTION_CANCELED.description).not.toMatch(/parallel/i);
    expect(errorCatalogue.CKR_FUNCTION_NOT_PARALLEL.pkcs11Value).toBe(0x51);
    const allText = errorCodes.map((code) => errorCatalogue[code].description).join(" ");
    expect(allText).not.toMatch(/chanel|in invalid|decribed|intializing|succesfull/);
  });

  it("tells retryable failures from final ones", () => {
    expect(errorCatalogue.CKR_DEVICE_ERROR.retryable).toBe(true);
    expect(errorCatalogue.MWR_SCWS_COMM_TIMEOUT.retryable).toBe(true);
    expect(errorCatalogue.CKR_PIN_INCORRECT.retryable).toBe(false);
    expect(errorCatalogue.CKR_ARGUMENTS_BAD.retryable).toBe(false);
  });

  it("types codes as the spec's closed enum", () => {
    expectTypeOf<"CKR_PIN_INCORRECT">().toExtend<ErrorCode>();
    expectTypeOf<"CKR_NOT_A_CODE">().not.toExtend<ErrorCode>();
    // @ts-expect-error a code the spec lacks is not a key of the catalogue
    void errorCatalogue.CKR_NOT_A_CODE;
  });
});
