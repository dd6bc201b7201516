import { startTestService, type TestService } from "@open-scws/test-support";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

describe("getServiceInfo against SoftHSM", () => {
  let t: TestService;
  beforeAll(async () => {
    t = await startTestService();
  });
  afterAll(() => t.close());

  it("names the service, its versions and its capabilities", async () => {
    const { data, response } = await t.client.GET("/v1/service");
    expect(response.status).toBe(200);
    expect(data).toMatchObject({ name: "open SCWS", apiVersion: "1.0.0", mode: "local" });
    expect(data?.version).toMatch(/^\d+\.\d+\.\d+/);
    expect(data?.capabilities).toEqual(expect.arrayContaining(["readers", "tokens"]));
  });

  it("reports the SoftHSM module as ready, with its description and version", async () => {
    const { data } = await t.client.GET("/v1/service");
    expect(data?.modules).toEqual([
      expect.objectContaining({ id: "softhsm", status: "ready", description: expect.stringContaining("SoftHSM"), libraryVersion: "2.6" }),
    ]);
  });

  it("tags every answer with a request id", async () => {
    const { response } = await t.client.GET("/v1/service");
    expect(response.headers.get("x-request-id")).toMatch(/^urn:uuid:[0-9a-f-]{36}$/);
  });
});
