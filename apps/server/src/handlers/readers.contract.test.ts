import { pkcs11Tool } from "@open-scws/softhsm";
import { startTestService, type TestService } from "@open-scws/test-support";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

describe("readers against SoftHSM", () => {
  let t: TestService;
  beforeAll(async () => {
    t = await startTestService({ tokenLabels: ["readers-a", "readers-b"] });
  });
  afterAll(() => t.close());

  async function readerOf(label: string) {
    const { data } = await t.client.GET("/v1/readers");
    const reader = data?.readers.find((entry) => entry.token?.label === label);
    if (!reader) throw new Error(`no reader holds ${label}`);
    return reader;
  }

  it("lists a reader per slot, with its token's label and serial, and SoftHSM's free slot as uninitialised", async () => {
    const { data, response } = await t.client.GET("/v1/readers");
    expect(response.status).toBe(200);
    const labels = data?.readers.map((reader) => reader.token?.label);
    expect(labels).toEqual(expect.arrayContaining(["readers-a", "readers-b", ""]));
    for (const reader of data?.readers ?? []) {
      expect(reader).toMatchObject({ cardPresent: true, status: "ok", moduleId: "softhsm" });
      expect(reader.name).toMatch(/^SoftHSM slot ID 0x/);
    }
    expect(data?.readers.find((reader) => reader.token?.label === "")?.token?.initialized).toBe(false);
    expect((await readerOf("readers-a")).token?.serialNumber).toMatch(/^[0-9a-f]{16}$/);
  });

  it("keeps reader ids stable between listings and never shows a slot number in them", async () => {
    const first = await readerOf("readers-a");
    const second = await readerOf("readers-a");
    expect(second.id).toBe(first.id);
    const slotNumber = first.name.replace("SoftHSM slot ID 0x", "");
    expect(first.id).not.toContain(slotNumber);
  });

  it("describes one reader", async () => {
    const reader = await readerOf("readers-b");
    const { data, response } = await t.client.GET("/v1/readers/{readerId}", { params: { path: { readerId: reader.id } } });
    expect(response.status).toBe(200);
    expect(data).toEqual(reader);
  });

  it("answers an unknown reader with CKR_SLOT_ID_INVALID", async () => {
    const { error, response } = await t.client.GET("/v1/readers/{readerId}", { params: { path: { readerId: "r-0000000000000000" } } });
    expect(response.status).toBe(404);
    expect(error).toMatchObject({ code: "CKR_SLOT_ID_INVALID", customData: { field: "/path/readerId" } });
  });

  it("refuses a malformed reader id with CKR_ARGUMENTS_BAD naming the field", async () => {
    const { error, response } = await t.client.GET("/v1/readers/{readerId}", { params: { path: { readerId: "slot-1" } } });
    expect(response.status).toBe(400);
    expect(error).toMatchObject({ code: "CKR_ARGUMENTS_BAD", customData: { field: "/path/readerId" } });
  });

  it("refuses query parameters the operation does not take", async () => {
    const response = await t.fetch("/v1/readers?slot=1");
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ code: "CKR_ARGUMENTS_BAD", customData: { field: "/query/slot" } });
  });

  it("answers connecting to SoftHSM's uninitialised token with CKR_TOKEN_NOT_RECOGNIZED", async () => {
    const { data } = await t.client.GET("/v1/readers");
    const free = data?.readers.find((reader) => reader.token?.initialized === false);
    const { error, response } = await t.client.POST("/v1/readers/{readerId}/connect", { params: { path: { readerId: free!.id } } });
    expect(response.status).toBe(422);
    expect(error?.code).toBe("CKR_TOKEN_NOT_RECOGNIZED");
  });

  it("answers connecting through an unknown reader with CKR_SLOT_ID_INVALID", async () => {
    const { error, response } = await t.client.POST("/v1/readers/{readerId}/connect", { params: { path: { readerId: "r-ffffffffffffffff" } } });
    expect(response.status).toBe(404);
    expect(error?.code).toBe("CKR_SLOT_ID_INVALID");
  });

  it("reports what pkcs11-tool, an independent client, sees in the same slots", () => {
    const listing = pkcs11Tool(t.sandbox, ["--list-slots"]);
    expect(listing).toContain("readers-a");
    expect(listing).toContain("readers-b");
  });
});
