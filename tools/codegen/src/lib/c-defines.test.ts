import { describe, expect, it } from "vitest";
import { parseDefines } from "./c-defines.js";

describe("parseDefines", () => {
  it("reads CKR_ names and hex values in header order, ignoring other defines", () => {
    const header = [
      "#define CKR_OK                                0x00000000UL",
      "#define CKA_CLASS                             0x00000000UL",
      "#define CKR_CANCEL                            0x00000001UL",
      "#define CKR_VENDOR_DEFINED                    0x80000000UL",
      "/* #define CKR_COMMENTED 0x5 */",
    ].join("\n");
    expect(parseDefines(header, "CKR_")).toEqual([
      ["CKR_OK", 0],
      ["CKR_CANCEL", 1],
      ["CKR_VENDOR_DEFINED", 0x80000000],
    ]);
  });
});
