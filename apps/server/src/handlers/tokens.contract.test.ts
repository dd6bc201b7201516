import { pkcs11Tool } from "@open-scws/softhsm";
import { startTestService, type TestService } from "@open-scws/test-support";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

describe("token connections against SoftHSM", () => {
  let t: TestService;
  beforeAll(async () => {
    t = await startTestService({
      tokenLabels: ["tokens-main"],
      beforeStart: (sandbox) => {
        // A token made by OpenSC's pkcs11-tool rather than softhsm2-util: the service must report it the same way.
        pkcs11Tool(sandbox, ["--slot-index", "1", "--init-token", "--label", "tokens-opensc", "--so-pin", "opensc-so-1234"]);
        pkcs11Tool(sandbox, [
          "--token-label",
          "tokens-opensc",
          "--login",
          "--login-type",
          "so",
          "--so-pin",
          "opensc-so-1234",
          "--init-pin",
          "--new-pin",
          "opensc-user-1234",
        ]);
      },
    });
  });
  afterAll(() => t.close());

  async function readerIdOf(label: string): Promise<string> {
    const { data } = await t.client.GET("/v1/readers");
    const reader = data?.readers.find((entry) => entry.token?.label === label);
    if (!reader) throw new Error(`no reader holds ${label}`);
    return reader.id;
  }

  async function connect(label: string) {
    const readerId = await readerIdOf(label);
    const result = await t.client.POST("/v1/readers/{readerId}/connect", { params: { path: { readerId } } });
    if (!result.data) throw new Error(`connect failed: ${JSON.stringify(result.error)}`);
    return { ...result, token: result.data, readerId };
  }

  it("connects to a token and reports its properties, flags and PIN state", async () => {
    const { token, response, readerId } = await connect("tokens-main");
    expect(response.status).toBe(201);
    expect(response.headers.get("location")).toBe(`/v1/tokens/${token.id}`);
    expect(token).toMatchObject({
      readerId,
      label: "tokens-main",
      manufacturer: "SoftHSM project",
      model: "SoftHSM v2",
      protectedAuthPath: false,
      pinLength: { min: 4, max: 255 },
      hardwareVersion: "2.6",
    });
    expect(token.id).toMatch(/^t-[0-9a-f]{32}$/);
    expect(token.flags).toMatchObject({ tokenInitialized: true, userPinInitialized: true, loginRequired: true, rng: true, userPinLocked: false });
    expect(token.pins).toEqual([
      expect.objectContaining({ number: 0, initialized: true, blocked: false, toBeChanged: false, validated: false, soValidated: false }),
    ]);
  });

  it("gives each connection its own id and describes it afresh", async () => {
    const first = await connect("tokens-main");
    const second = await connect("tokens-main");
    expect(second.token.id).not.toBe(first.token.id);
    const { data, response } = await t.client.GET("/v1/tokens/{tokenId}", { params: { path: { tokenId: first.token.id } } });
    expect(response.status).toBe(200);
    expect(data).toEqual(first.token);
  });

  it("reports a token that pkcs11-tool initialised", async () => {
    const { token } = await connect("tokens-opensc");
    expect(token.flags.userPinInitialized).toBe(true);
    expect(token.serialNumber).toMatch(/\S/);
  });

  it("disconnects, after which the id answers CKR_SESSION_HANDLE_INVALID", async () => {
    const { token } = await connect("tokens-main");
    const path = { params: { path: { tokenId: token.id } } };
    const ended = await t.client.DELETE("/v1/tokens/{tokenId}", path);
    expect(ended.response.status).toBe(204);
    const after = await t.client.GET("/v1/tokens/{tokenId}", path);
    expect(after.response.status).toBe(404);
    expect(after.error).toMatchObject({ code: "CKR_SESSION_HANDLE_INVALID", customData: { field: "/path/tokenId" } });
    const again = await t.client.DELETE("/v1/tokens/{tokenId}", path);
    expect(again.error?.code).toBe("CKR_SESSION_HANDLE_INVALID");
  });

  it("answers a token id that was never issued with CKR_SESSION_HANDLE_INVALID", async () => {
    const { error, response } = await t.client.GET("/v1/tokens/{tokenId}", { params: { path: { tokenId: `t-${"0".repeat(32)}` } } });
    expect(response.status).toBe(404);
    expect(error?.code).toBe("CKR_SESSION_HANDLE_INVALID");
  });

  it("refuses a malformed token id with CKR_ARGUMENTS_BAD", async () => {
    const { error, response } = await t.client.DELETE("/v1/tokens/{tokenId}", { params: { path: { tokenId: "t-1" } } });
    expect(response.status).toBe(400);
    expect(error).toMatchObject({ code: "CKR_ARGUMENTS_BAD", customData: { field: "/path/tokenId" } });
  });
});
