import { afterAll, describe, expect, it } from "vitest";
import { pkcs11Tool } from "./pkcs11-tool.js";
import { SoftHsmSandbox } from "./sandbox.js";

describe("a SoftHSM sandbox", () => {
  const sandbox = SoftHsmSandbox.temporary();
  afterAll(() => sandbox.remove());

  it("initialises tokens that an independent client (pkcs11-tool) finds by label", () => {
    const first = sandbox.initToken("sandbox-a");
    sandbox.initToken("sandbox-b");
    const slots = pkcs11Tool(sandbox, ["--list-slots"]);
    expect(slots).toContain("sandbox-a");
    expect(slots).toContain("sandbox-b");
    expect(first.pin).not.toBe(first.soPin);
  });

  it("logs in with the PIN it generated", () => {
    const token = sandbox.initToken("sandbox-login");
    const output = pkcs11Tool(sandbox, ["--token-label", "sandbox-login", "--login", "--pin", token.pin, "--list-objects"]);
    expect(output).not.toMatch(/error/i);
    expect(() => pkcs11Tool(sandbox, ["--token-label", "sandbox-login", "--login", "--pin", "wrong-pin", "--list-objects"])).toThrow(/CKR_PIN_INCORRECT/);
  });

  it("deletes a token", () => {
    sandbox.initToken("sandbox-gone");
    sandbox.deleteToken("sandbox-gone");
    expect(pkcs11Tool(sandbox, ["--list-slots"])).not.toContain("sandbox-gone");
  });
});
