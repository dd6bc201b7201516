import { describe, expect, expectTypeOf, it } from "vitest";
import { createScwsClient } from "./typed-client.js";

/** A fetch that answers like the service would, so the client is tested by injection rather than global mocks. */
function answering(status: number, body: unknown, contentType = "application/json"): typeof fetch {
  return async () => new Response(JSON.stringify(body), { status, headers: { "content-type": contentType } });
}

describe("createScwsClient", () => {
  it("returns the data of a success, typed from the spec", async () => {
    const client = createScwsClient("http://127.0.0.1:8930", { fetch: answering(200, { readers: [] }) });
    const { data, error } = await client.GET("/v1/readers");
    expect(data).toEqual({ readers: [] });
    expect(error).toBeUndefined();
    expectTypeOf<NonNullable<typeof data>["readers"][number]["status"]>().toEqualTypeOf<"ok" | "unavailable" | "mute" | "exclusive">();
  });

  it("returns a problem as a typed error value", async () => {
    const problem = {
      type: "/docs/errors#CKR_SLOT_ID_INVALID",
      title: "Unknown reader",
      status: 404,
      detail: "x",
      code: "CKR_SLOT_ID_INVALID",
      customData: {},
    };
    const client = createScwsClient("http://127.0.0.1:8930", { fetch: answering(404, problem, "application/problem+json") });
    const { data, error } = await client.GET("/v1/readers/{readerId}", { params: { path: { readerId: "r-0000000000000000" } } });
    expect(data).toBeUndefined();
    expect(error?.code).toBe("CKR_SLOT_ID_INVALID");
  });

  it("does not compile calls to paths or with parameters the spec lacks", () => {
    const client = createScwsClient("http://127.0.0.1:8930", { fetch: answering(200, {}) });
    // @ts-expect-error no such path
    void client.GET("/v1/nowhere");
    // @ts-expect-error readerId is required
    void client.GET("/v1/readers/{readerId}", { params: { path: {} } });
    expect(true).toBe(true);
  });
});
