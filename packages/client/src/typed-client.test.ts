import type { ScwsError } from "@open-scws/errors";
import { describe, expect, expectTypeOf, it } from "vitest";
import { rejection } from "./testing/rejection.js";
import { ENVIRONMENT_HEADER } from "./transport/environment.js";
import { createScwsClient } from "./typed-client.js";

// The client is tested by injecting its fetch, never by mocking the global one.

const BASE = "http://127.0.0.1:8930";
const READER_ID = "r-0123456789abcdef";
const problem = {
  type: "/docs/errors#CKR_SLOT_ID_INVALID",
  title: "Unknown reader",
  status: 404,
  detail: "No reader r-0.",
  code: "CKR_SLOT_ID_INVALID",
  customData: {},
};
const reader = { id: READER_ID, name: "slot", cardPresent: false, status: "ok", moduleId: "softhsm" };

/** A fetch that answers like the service would, recording the requests it gets. */
function answering(status: number, body: unknown, contentType: string | null = status < 400 ? "application/json" : "application/problem+json") {
  const requests: Request[] = [];
  const fetch = async (request: Request) => {
    requests.push(request);
    const text = typeof body === "string" ? body : JSON.stringify(body);
    return new Response(status === 204 ? null : text, { status, headers: contentType ? { "content-type": contentType } : {} });
  };
  return { fetch, requests };
}

/**
 * A fetch that never answers, and gives up only when its request is aborted. It holds the request until then, as a
 * real connection would: undici's Request follows the caller's signal through a weak reference only.
 */
const waiting = new Set<Request>();
const silent = (request: Request) =>
  new Promise<Response>((_resolve, reject) => {
    waiting.add(request);
    if (request.signal.aborted) reject(request.signal.reason);
    request.signal.addEventListener("abort", () => reject(request.signal.reason), { once: true });
  }).finally(() => waiting.delete(request));

/** A fetch that fails as Node's fetch does when the connection cannot be made or breaks. */
const failing = (code: string) => async () => {
  throw new TypeError("fetch failed", { cause: Object.assign(new Error(`connect ${code}`), { code }) });
};

describe("createScwsClient", () => {
  it("returns the data of a success, typed from the spec", async () => {
    const client = createScwsClient(BASE, answering(200, { readers: [reader] }));
    const { data, error } = await client.GET("/v1/readers");
    expect(data).toEqual({ readers: [reader] });
    expect(error).toBeUndefined();
    expectTypeOf<NonNullable<typeof data>["readers"][number]["status"]>().toEqualTypeOf<"ok" | "unavailable" | "mute" | "exclusive">();
  });

  it("returns a problem the spec declares as a typed error value", async () => {
    const client = createScwsClient(BASE, answering(404, problem));
    const { data, error, response } = await client.GET("/v1/readers/{readerId}", { params: { path: { readerId: READER_ID } } });
    expect(data).toBeUndefined();
    expect(response.status).toBe(404);
    expect(error?.code).toBe("CKR_SLOT_ID_INVALID");
    expectTypeOf<NonNullable<typeof error>["code"]>().toEqualTypeOf<ScwsError["code"]>();
  });

  it("accepts an empty answer where the spec declares none", async () => {
    const client = createScwsClient(BASE, answering(204, null));
    const { data, error, response } = await client.DELETE("/v1/tokens/{tokenId}", { params: { path: { tokenId: `t-${"a".repeat(32)}` } } });
    expect([data, error, response.status]).toEqual([undefined, undefined, 204]);
  });

  it.each([
    ["an undeclared status", 418, problem, "application/problem+json", /HTTP 418 is not a status the spec declares/],
    ["a content type the spec does not declare", 200, "<html>hi</html>", "text/html", /content type text\/html is not declared/],
    ["JSON labelled as something else", 200, reader, "text/plain", /content type text\/plain is not declared/],
    ["a body that is not JSON", 200, "{", "application/json", /the body is not JSON/],
    ["a success without a required member", 200, { ...reader, moduleId: undefined }, "application/json", /\(root\) must have the property moduleId/],
    ["a problem that is not a problem", 404, { message: "no" }, "application/problem+json", /must have the property type/],
  ])("rejects %s with MWR_SCWS_COMM_ERROR, keeping the HTTP status", async (_name, status, body, contentType, reason) => {
    const client = createScwsClient(BASE, answering(status, body, contentType));
    const error = await rejection(client.GET("/v1/readers/{readerId}", { params: { path: { readerId: READER_ID } } }));
    expect(error).toMatchObject({ code: "MWR_SCWS_COMM_ERROR", httpStatus: status });
    expect(error.customData.reason).toMatch(reason);
  });

  it("rejects a body where the spec declares none with MWR_SCWS_COMM_ERROR", async () => {
    const client = createScwsClient(BASE, answering(200, reader));
    const error = await rejection(client.DELETE("/v1/tokens/{tokenId}", { params: { path: { tokenId: `t-${"a".repeat(32)}` } } }));
    expect(error.code).toBe("MWR_SCWS_COMM_ERROR");
    expect(error.customData.reason).toMatch(/HTTP 200 is not a status the spec declares/);
  });

  it("rejects a problem whose code the catalogue does not know with MWR_SCWS_UNKNOWN_ERROR, keeping what the service sent", async () => {
    const client = createScwsClient(BASE, answering(409, { ...problem, status: 409, code: "CKR_FROM_THE_FUTURE", customData: { remainingTries: 2 } }));
    const error = await rejection(client.POST("/v1/readers/{readerId}/connect", { params: { path: { readerId: READER_ID } } }));
    expect(error).toMatchObject({ code: "MWR_SCWS_UNKNOWN_ERROR", httpStatus: 409, message: problem.detail });
    expect(error.customData).toEqual({ remainingTries: 2, receivedCode: "CKR_FROM_THE_FUTURE" });
  });

  it("refuses arguments that break the spec with MWR_SCWS_BAD_PARAMS before sending anything", async () => {
    const service = answering(200, reader);
    const client = createScwsClient(BASE, service);
    const error = await rejection(client.GET("/v1/readers/{readerId}", { params: { path: { readerId: "../service" } } }));
    expect(error).toMatchObject({ code: "MWR_SCWS_BAD_PARAMS", httpStatus: 0, customData: { field: "/path/readerId", reason: "must match ^r-[0-9a-f]{16}$" } });
    expect(service.requests).toHaveLength(0);
  });

  it.each([
    ["a relative base URL", "/v1", {}, "baseUrl"],
    ["a base URL of another scheme", "ftp://127.0.0.1", {}, "baseUrl"],
    ["a base URL with credentials", "http://user:secret@127.0.0.1", {}, "baseUrl"],
    ["a negative timeout", BASE, { timeoutMs: -1 }, "timeoutMs"],
    ["a fractional timeout", BASE, { timeoutMs: 0.5 }, "timeoutMs"],
  ])("refuses %s with MWR_SCWS_BAD_PARAMS", (_name, baseUrl, options, field) => {
    expect(() => createScwsClient(baseUrl, options)).toThrow(
      expect.objectContaining({ code: "MWR_SCWS_BAD_PARAMS", customData: expect.objectContaining({ field }) }),
    );
  });

  it("rejects with MWR_SCWS_COMM_TIMEOUT when the service does not answer within timeoutMs", async () => {
    const client = createScwsClient(BASE, { fetch: silent, timeoutMs: 30 });
    const error = await rejection(client.GET("/v1/readers"));
    expect(error).toMatchObject({ code: "MWR_SCWS_COMM_TIMEOUT", httpStatus: 0, customData: { limit: 30 } });
  });

  it("treats a caller's AbortSignal.timeout() as MWR_SCWS_COMM_TIMEOUT", async () => {
    const client = createScwsClient(BASE, { fetch: silent });
    const error = await rejection(client.GET("/v1/readers", { signal: AbortSignal.timeout(20) }));
    expect(error.code).toBe("MWR_SCWS_COMM_TIMEOUT");
  });

  it("passes a caller's own abort on as it is", async () => {
    const client = createScwsClient(BASE, { fetch: silent });
    const controller = new AbortController();
    const call = client.GET("/v1/readers", { signal: controller.signal });
    const reason = new Error("user left the page");
    controller.abort(reason);
    await expect(call).rejects.toBe(reason);
  });

  it.each([
    ["a refused connection", "ECONNREFUSED", "MWR_SCWS_UNREACHABLE"],
    ["an unknown host", "ENOTFOUND", "MWR_SCWS_UNREACHABLE"],
    ["a reset connection", "ECONNRESET", "MWR_SCWS_COMM_ERROR"],
    ["an answer that is not HTTP", "HPE_INVALID_CONSTANT", "MWR_SCWS_COMM_ERROR"],
  ])("maps %s to %s", async (_name, code, expected) => {
    const client = createScwsClient(BASE, { fetch: failing(code) });
    const error = await rejection(client.GET("/v1/readers"));
    expect(error.code).toBe(expected);
    expect(JSON.stringify(error.customData)).toContain(code);
  });

  it(`sends the environment credential in ${ENVIRONMENT_HEADER} when there is one`, async () => {
    const service = answering(200, { readers: [] });
    let credential: string | undefined;
    const client = createScwsClient(BASE, { ...service, credential: () => credential });
    await client.GET("/v1/readers");
    credential = "env-credential";
    await client.GET("/v1/readers");
    expect(service.requests.map((request) => request.headers.get(ENVIRONMENT_HEADER))).toEqual([null, "env-credential"]);
  });

  it("does not compile calls to paths, with parameters or bodies the spec lacks", () => {
    const client = createScwsClient(BASE, answering(200, {}));
    // @ts-expect-error no such path
    void client.GET("/v1/nowhere").catch(() => {});
    // @ts-expect-error readerId is required
    void client.GET("/v1/readers/{readerId}", { params: { path: {} } }).catch(() => {});
    // @ts-expect-error connecting takes no body
    void client.POST("/v1/readers/{readerId}/connect", { params: { path: { readerId: READER_ID } }, body: { pin: "1234" } }).catch(() => {});
    // @ts-expect-error readers are not deleted
    void client.DELETE("/v1/readers/{readerId}", { params: { path: { readerId: READER_ID } } }).catch(() => {});
    expect(true).toBe(true);
  });
});
