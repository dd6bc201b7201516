import { startTestService, type TestService } from "@open-scws/test-support";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

describe("a PKCS#11 module that cannot be loaded", () => {
  let t: TestService;
  beforeAll(async () => {
    t = await startTestService({
      configure: (config) => ({ ...config, modules: [{ id: "missing", library: "/nonexistent/libmissing.so", maxSessionsPerToken: 2 }] }),
    });
  });
  afterAll(() => t.close());

  it("does not stop the service from starting, and getServiceInfo says why it failed", async () => {
    const { data, response } = await t.client.GET("/v1/service");
    expect(response.status).toBe(200);
    expect(data?.modules).toEqual([{ id: "missing", status: "failed", reason: expect.stringContaining("libmissing.so") }]);
  });

  it("answers reader calls with CKR_LIBRARY_LOAD_FAILED", async () => {
    const { error, response } = await t.client.GET("/v1/readers");
    expect(response.status).toBe(503);
    expect(error).toMatchObject({ code: "CKR_LIBRARY_LOAD_FAILED", customData: { modules: [{ id: "missing" }] } });
  });
});
