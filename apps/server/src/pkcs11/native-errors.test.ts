import { isPkcs11Failure } from "@open-scws/errors";
import { describe, expect, it } from "vitest";
import { asPkcs11Failure } from "./native-errors.js";

describe("asPkcs11Failure", () => {
  it("turns pkcs11js's plain 'CKR_NAME:value' errors into PKCS#11 failures the error package maps", () => {
    const failure = asPkcs11Failure(new Error("CKR_DEVICE_ERROR:48"));
    expect(isPkcs11Failure(failure)).toBe(true);
    expect(failure).toMatchObject({ name: "Pkcs11Error", code: 48, message: "CKR_DEVICE_ERROR" });
  });

  it("leaves real Pkcs11Errors, other errors and TypeErrors alone", () => {
    const real = Object.assign(new Error("CKR_PIN_INCORRECT"), { name: "Pkcs11Error", code: 0xa0 });
    expect(asPkcs11Failure(real)).toBe(real);
    const other = new Error("something else: 12");
    expect(asPkcs11Failure(other)).toBe(other);
    const typeError = new TypeError("Parameter 'template' must be Array");
    expect(asPkcs11Failure(typeError)).toBe(typeError);
  });
});
