import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ScwsError } from "@open-scws/errors";
import { pino } from "pino";
import { afterAll, describe, expect, it } from "vitest";
import { configFromEnvironment } from "../config/load-config.js";
import { AccessControl } from "../security/access-control.js";
import { AuditLog } from "../security/audit-log.js";
import { loadOrCreateServiceKey } from "../security/service-key.js";
import { createApp } from "./app.js";
import type { Handlers } from "./operation-types.js";

/** Handlers that answer without any PKCS#11 module, recording each call, to test the HTTP layer alone. */
function recordingHandlers(calls: string[]): Handlers {
  const record = (name: string, answer: () => unknown) => async () => {
    calls.push(name);
    return answer() as never;
  };
  return {
    getServiceInfo: record("getServiceInfo", () => ({ status: 200, body: { name: "open SCWS" } })),
    listReaders: record("listReaders", () => ({ status: 200, body: { readers: [] } })),
    getReader: record("getReader", () => {
      throw new ScwsError("CKR_SLOT_ID_INVALID", { message: "No reader." });
    }),
    connectToken: record("connectToken", () => {
      throw Object.assign(new Error("CKR_DEVICE_ERROR"), { name: "Pkcs11Error", code: 0x30, method: "C_OpenSession" });
    }),
    getToken: record("getToken", () => {
      throw new TypeError("secret internals at /home/user");
    }),
    disconnectToken: record("disconnectToken", () => ({ status: 204 })),
    logInWithPin: record("logInWithPin", () => ({ status: 200, body: {} })),
  } as unknown as Handlers;
}

/** Real access control over a scratch folder, with one environment whose credential the tests send. */
const scratch = mkdtempSync(join(tmpdir(), "scws-app-test-"));
const access = new AccessControl(
  configFromEnvironment({}),
  loadOrCreateServiceKey(join(scratch, "key.pem")),
  new AuditLog(join(scratch, "audit.jsonl")),
  async () => {},
);
const { credential } = access.environments.create("tests", undefined);

function appWith(calls: string[], bodyLimitBytes = 1024) {
  return createApp({
    access,
    handlers: recordingHandlers(calls),
    logger: pino({ level: "silent" }),
    port: () => 8930,
    allowedHostNames: ["scws.example"],
    bodyLimitBytes,
  });
}

const LOCAL = { host: "127.0.0.1:8930", "x-scws-environment": credential };

describe("the HTTP layer", () => {
  afterAll(() => rmSync(scratch, { recursive: true, force: true }));

  it.each(["127.0.0.1:8930", "localhost:8930", "[::1]:8930", "LOCALHOST:8930", "scws.example", "scws.example:8930"])("accepts Host %s", async (host) => {
    const calls: string[] = [];
    const response = await appWith(calls).request("/v1/service", { headers: { host } });
    expect(response.status).toBe(200);
    expect(calls).toEqual(["getServiceInfo"]);
  });

  it.each(["evil.example:8930", "127.0.0.1:8931", "localhost", "127.0.0.1", "127.0.0.1.evil.example:8930", "scws.example.evil:8930"])(
    "refuses Host %s with SCWS_HOST_REFUSED before any handler runs",
    async (host) => {
      const calls: string[] = [];
      const response = await appWith(calls).request("/v1/readers", { headers: { host } });
      expect(response.status).toBe(421);
      expect(await response.json()).toMatchObject({ code: "SCWS_HOST_REFUSED", customData: { field: "/header/host" } });
      expect(calls).toEqual([]);
    },
  );

  it("renders a ScwsError as problem+json with its catalogue title and the request id", async () => {
    const response = await appWith([]).request("/v1/readers/r-0000000000000000", { headers: LOCAL });
    expect(response.status).toBe(404);
    expect(response.headers.get("content-type")).toBe("application/problem+json");
    const body = (await response.json()) as Record<string, unknown>;
    expect(body).toMatchObject({ type: "/docs/errors#CKR_SLOT_ID_INVALID", title: "Unknown reader", status: 404, code: "CKR_SLOT_ID_INVALID" });
    expect(body.instance).toBe(response.headers.get("x-request-id"));
  });

  it("maps a PKCS#11 failure by its number and keeps the original in customData", async () => {
    const response = await appWith([]).request("/v1/readers/r-0000000000000000/connect", { method: "POST", headers: LOCAL });
    expect(response.status).toBe(502);
    expect(await response.json()).toMatchObject({
      code: "CKR_DEVICE_ERROR",
      customData: { pkcs11: { name: "CKR_DEVICE_ERROR", value: 0x30, function: "C_OpenSession" } },
    });
  });

  it("hides unexpected errors behind CKR_GENERAL_ERROR without internals", async () => {
    const response = await appWith([]).request(`/v1/tokens/t-${"a".repeat(32)}`, { headers: LOCAL });
    expect(response.status).toBe(500);
    const text = await response.text();
    expect(text).toContain("CKR_GENERAL_ERROR");
    expect(text).not.toMatch(/secret|\/home/);
  });

  it("answers a path outside the API with SCWS_ROUTE_NOT_FOUND", async () => {
    const response = await appWith([]).request("/v2/anything", { headers: LOCAL });
    expect(response.status).toBe(404);
    expect(await response.json()).toMatchObject({ code: "SCWS_ROUTE_NOT_FOUND" });
  });

  it("answers a method the path does not offer with 405 and an Allow header", async () => {
    const response = await appWith([]).request("/v1/readers", { method: "PUT", headers: LOCAL });
    expect(response.status).toBe(405);
    expect(response.headers.get("allow")).toBe("GET");
    expect(await response.json()).toMatchObject({ code: "SCWS_METHOD_NOT_ALLOWED", customData: { allowed: ["GET"] } });
  });

  it("refuses a body over the limit with SCWS_PAYLOAD_TOO_LARGE before the handler runs", async () => {
    const calls: string[] = [];
    const response = await appWith(calls, 16).request("/v1/readers/r-0000000000000000/connect", {
      method: "POST",
      headers: { ...LOCAL, "content-type": "application/json" },
      body: JSON.stringify({ padding: "x".repeat(64) }),
    });
    expect(response.status).toBe(413);
    expect(await response.json()).toMatchObject({ code: "SCWS_PAYLOAD_TOO_LARGE", customData: { limit: 16 } });
    expect(calls).toEqual([]);
  });

  // Found by the spec fuzzer: Ajv coerces "1e400" to Infinity and skips its range checks for non-finite numbers.
  it.each(["1e400", "-1e400", "1e999"])("refuses the number parameter %s (not finite) naming the field, before the handler runs", async (value) => {
    const calls: string[] = [];
    const response = await appWith(calls).request(`/v1/tokens/t-${"0".repeat(32)}/pins/${value}`, { headers: LOCAL });
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ code: "CKR_ARGUMENTS_BAD", customData: { field: "/path/pinNumber" } });
    expect(calls).toEqual([]);
  });

  // Found by the spec fuzzer: the unread rest of a refused request's body was taken for the client's next request.
  it("asks the client to close the connection after refusing a request whose body it did not read", async () => {
    const calls: string[] = [];
    const app = appWith(calls, 64);
    const post = (path: string, body: string) =>
      app.request(path, { method: "POST", headers: { ...LOCAL, "content-type": "application/json", "content-length": String(body.length) }, body });
    const tooLarge = await post("/v1/readers/r-0000000000000000/connect", JSON.stringify({ padding: "x".repeat(100) }));
    expect([tooLarge.status, tooLarge.headers.get("connection")]).toEqual([413, "close"]);
    const badPath = await post("/v1/tokens/not-an-id/pins/0/login", '{"pin":"1"}');
    expect([badPath.status, badPath.headers.get("connection")]).toEqual([400, "close"]);
    const read = await post(`/v1/tokens/t-${"0".repeat(32)}/pins/0/login`, '{"pin":"1"}');
    expect([read.status, read.headers.get("connection")]).toEqual([200, null]);
    expect(calls).toEqual(["logInWithPin"]);
  });

  // Found by the raw-HTTP abuse table: RFC 9112 section 3.2.2 has an absolute-form target's host win over Host.
  it("refuses an absolute-form target naming another site even when the Host header is allowed", async () => {
    const calls: string[] = [];
    // @hono/node-server hands the app Node's request as `incoming`, whose url is the target as it came.
    const absolute = (target: string) => appWith(calls).request(target, { headers: LOCAL }, { incoming: { url: target } });
    const response = await absolute("http://evil.example/v1/service");
    expect(response.status).toBe(421);
    expect(await response.json()).toMatchObject({ code: "SCWS_HOST_REFUSED" });
    expect((await absolute("http://127.0.0.1:8930/v1/service")).status).toBe(200);
    expect(calls).toEqual(["getServiceInfo"]);
  });

  // Found by the raw-HTTP abuse table: a gzip body was read as JSON text, and invalid UTF-8 silently became U+FFFD.
  it.each([
    ["a gzip content coding", { "content-encoding": "gzip" }, '{"pin":"1"}', 415, "/header/content-encoding"],
    ["an unknown content coding", { "content-encoding": "zstd-9000" }, '{"pin":"1"}', 415, "/header/content-encoding"],
    ["invalid UTF-8", {}, Buffer.from([0x7b, 0x22, 0x70, 0x69, 0x6e, 0x22, 0x3a, 0x22, 0xff, 0xfe, 0x22, 0x7d]), 400, "/body"],
  ] as const)("refuses a body in %s before the handler runs", async (_, headers, body, status, field) => {
    const calls: string[] = [];
    const response = await appWith(calls).request(`/v1/tokens/t-${"0".repeat(32)}/pins/0/login`, {
      method: "POST",
      headers: { ...LOCAL, "content-type": "application/json", ...headers },
      body: typeof body === "string" ? body : new Uint8Array(body),
    });
    expect(response.status).toBe(status);
    expect(await response.json()).toMatchObject({ customData: { field } });
    expect(calls).toEqual([]);
  });
});
