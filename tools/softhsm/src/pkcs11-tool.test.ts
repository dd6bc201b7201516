import { afterAll, describe, expect, it } from "vitest";
import { pkcs11Tool, pkcs11ToolAsUser } from "./pkcs11-tool.js";
import { SoftHsmSandbox } from "./sandbox.js";

describe("pkcs11-tool logged in as a token's user", () => {
  const sandbox = SoftHsmSandbox.temporary();
  afterAll(() => sandbox.remove());

  it("makes a key pair whose private key only a login lists", () => {
    const token = sandbox.initToken("tool-user");
    pkcs11ToolAsUser(sandbox, token, ["--keypairgen", "--key-type", "EC:prime256v1", "--id", "01", "--label", "tool-key"]);
    expect(pkcs11ToolAsUser(sandbox, token, ["--list-objects", "--type", "privkey"])).toContain("tool-key");
    expect(pkcs11Tool(sandbox, ["--token-label", "tool-user", "--list-objects", "--type", "privkey"])).not.toContain("tool-key");
  });

  it("refuses a token whose PIN is wrong", () => {
    const token = sandbox.initToken("tool-wrong-pin");
    expect(() => pkcs11ToolAsUser(sandbox, { ...token, pin: "wrong-pin" }, ["--list-objects"])).toThrow(/CKR_PIN_INCORRECT/);
  });
});
