import { describe, expect, it } from "vitest";
import { findLeak } from "./canaries.js";

describe("canary search", () => {
  const secret = "pin-3f9a2c";
  it.each([
    ["raw", `{"detail":"bad ${secret}"}`],
    ["base64", `x ${Buffer.from(secret).toString("base64")} y`],
    ["hex", Buffer.from(secret).toString("hex")],
    ["URL-encoded", `/v1?pin=${encodeURIComponent(secret)}`],
  ])("finds a PIN leaked %s", (_form, text) => {
    expect(findLeak(text, [secret])).toBe(secret);
  });

  it("finds nothing in clean text", () => {
    expect(findLeak('{"code":"CKR_PIN_INCORRECT","remainingTries":2}', [secret])).toBeUndefined();
  });
});
