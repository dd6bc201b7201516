import { startTestService, type TestService } from "@open-scws/test-support";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

describe("exposeTokens: RFC 7512 URIs choose the readers the service shows", () => {
  let t: TestService;
  beforeAll(async () => {
    t = await startTestService({
      tokenLabels: ["shown one", "hidden"],
      configure: (config) => ({ ...config, exposeTokens: ["pkcs11:token=shown%20one;manufacturer=SoftHSM%20project"] }),
    });
  });
  afterAll(() => t.close());

  it("lists only the readers whose token matches a URI; SoftHSM's empty slot and the other token are hidden", async () => {
    const { data } = await t.client.GET("/v1/readers");
    expect(data?.readers.map((reader) => reader.token?.label)).toEqual(["shown one"]);
  });

  it("connects to a shown token", async () => {
    const { data } = await t.client.GET("/v1/readers");
    const { response } = await t.client.POST("/v1/readers/{readerId}/connect", { params: { path: { readerId: data!.readers[0]!.id } } });
    expect(response.status).toBe(201);
  });
});
