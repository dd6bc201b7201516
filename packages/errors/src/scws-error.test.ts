import { describe, expect, expectTypeOf, it } from "vitest";
import { errorCatalogue, errorCodes } from "./catalogue/index.js";
import { isPkcs11Failure, pkcs11Failure, scwsErrorFromPkcs11, toScwsError } from "./from-pkcs11.js";
import { toProblem } from "./problem.js";
import { ScwsError } from "./scws-error.js";

const sentByService = errorCodes.filter((code) => errorCatalogue[code].httpStatus !== null);

describe("ScwsError", () => {
  it("takes SCWS.Error's arguments in SCWS's order", () => {
    const error = new ScwsError("wrong PIN", "CKR_PIN_INCORRECT", 403, { remainingTries: 2 });
    expect(error).toBeInstanceOf(Error);
    expect([error.message, error.code, error.httpStatus, error.customData]).toEqual(["wrong PIN", "CKR_PIN_INCORRECT", 403, { remainingTries: 2 }]);
    expect(error.name).toBe("ScwsError");
  });

  it("takes the options form, as Hono's HTTPException does, with the same result as SCWS's order", () => {
    const cause = new Error("underneath");
    const error = new ScwsError("CKR_PIN_INCORRECT", { message: "wrong PIN", httpStatus: 403, customData: { remainingTries: 2 }, cause });
    const positional = new ScwsError("wrong PIN", "CKR_PIN_INCORRECT", 403, { remainingTries: 2 }, { cause });
    expect([error.message, error.code, error.httpStatus, error.customData, error.cause]).toEqual([
      positional.message,
      positional.code,
      positional.httpStatus,
      positional.customData,
      positional.cause,
    ]);
    expect(new ScwsError("CKR_SLOT_ID_INVALID", { message: "x" })).toMatchObject({ httpStatus: 404, customData: {} });
    expect("cause" in new ScwsError("CKR_SLOT_ID_INVALID", { message: "x" })).toBe(false);
  });

  it("defaults the status to the catalogue's and to 0 for client-side codes", () => {
    expect(new ScwsError("x", "CKR_SLOT_ID_INVALID").httpStatus).toBe(404);
    expect(new ScwsError("x", "MWR_SCWS_UNREACHABLE").httpStatus).toBe(0);
  });

  it.each(sentByService)("survives the trip through a problem body with %s", (code) => {
    const original = new ScwsError(`detail of ${code}`, code, undefined, { field: "/body/x" });
    const problem = toProblem(original, "urn:uuid:1");
    expect(problem).toMatchObject({ code, status: errorCatalogue[code].httpStatus, title: errorCatalogue[code].title });
    expect(problem.type).toBe(`/docs/errors#${code}`);
    const rebuilt = ScwsError.fromProblem(JSON.parse(JSON.stringify(problem)), problem.status);
    expect([rebuilt.code, rebuilt.message, rebuilt.httpStatus, rebuilt.customData]).toEqual([code, original.message, problem.status, { field: "/body/x" }]);
  });

  it.each([[null], ["<html>oops</html>"], [{ title: "no code" }], [[1, 2]]])("turns a body that is no problem (%j) into MWR_SCWS_COMM_ERROR", (body) => {
    const error = ScwsError.fromProblem(body, 502);
    expect([error.code, error.httpStatus]).toEqual(["MWR_SCWS_COMM_ERROR", 502]);
  });

  it("turns a code the catalogue does not know into MWR_SCWS_UNKNOWN_ERROR, keeping what was sent", () => {
    const error = ScwsError.fromProblem({ code: "CKR_FROM_THE_FUTURE", detail: "new", customData: { a: 1 } }, 418);
    expect(error.code).toBe("MWR_SCWS_UNKNOWN_ERROR");
    expect(error.httpStatus).toBe(418);
    expect(error.customData).toEqual({ a: 1, receivedCode: "CKR_FROM_THE_FUTURE" });
  });
});

describe("the error funnel", () => {
  const pkcs11Error = Object.assign(new Error("CKR_PIN_INCORRECT"), { name: "Pkcs11Error" as const, code: 0xa0, method: "C_Login" });

  it("maps a PKCS#11 failure by its number and keeps its name, value and function", () => {
    expect(isPkcs11Failure(pkcs11Error)).toBe(true);
    const error = scwsErrorFromPkcs11(pkcs11Error);
    expect(error.code).toBe("CKR_PIN_INCORRECT");
    expect(error.customData.pkcs11).toEqual({ name: "CKR_PIN_INCORRECT", value: 0xa0, function: "C_Login" });
  });

  it("makes a PKCS#11 failure by name or value, as pkcs11js throws one, and reads it by names", () => {
    const cause = new Error("the host process ended");
    const failure = pkcs11Failure("CKR_SESSION_HANDLE_INVALID", { method: "C_SignAsync", cause });
    expect(failure).toMatchObject({ name: "Pkcs11Error", message: "CKR_SESSION_HANDLE_INVALID", code: 0xb3, method: "C_SignAsync", cause });
    expect(pkcs11Failure(0x190)).toMatchObject({ message: "CKR_CRYPTOKI_NOT_INITIALIZED", code: 0x190 });
    expect("method" in pkcs11Failure(0x190)).toBe(false);
    expect(isPkcs11Failure(failure, "CKR_SESSION_CLOSED", "CKR_SESSION_HANDLE_INVALID")).toBe(true);
    expect(isPkcs11Failure(failure, "CKR_SESSION_CLOSED")).toBe(false);
    expect(isPkcs11Failure({ code: 0xb3 }, "CKR_SESSION_HANDLE_INVALID")).toBe(false);
    expect(isPkcs11Failure(new ScwsError("CKR_SESSION_HANDLE_INVALID", { message: "x" }))).toBe(false);
  });

  it("ignores the message text of a PKCS#11 failure", () => {
    const misleading = Object.assign(new Error("CKR_DEVICE_ERROR"), { name: "Pkcs11Error", code: 0x90 });
    expect(toScwsError(misleading).code).toBe("CKR_FUNCTION_FAILED");
  });

  it("passes ScwsErrors through unchanged", () => {
    const error = new ScwsError("x", "CKR_TOKEN_NOT_PRESENT");
    expect(toScwsError(error)).toBe(error);
  });

  it("hides anything else behind a generic CKR_GENERAL_ERROR", () => {
    const error = toScwsError(new TypeError("secret internal path /etc/x"));
    expect(error.code).toBe("CKR_GENERAL_ERROR");
    expect(error.message).not.toMatch(/secret|\/etc/);
    expect(toProblem(error).detail).not.toMatch(/secret/);
  });

  it("types customData from the spec", () => {
    expectTypeOf<ScwsError["customData"]["remainingTries"]>().toEqualTypeOf<number | undefined>();
  });
});
