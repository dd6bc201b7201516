import { countingHost, rawRequest, signChallenge, startTestService, type TestService } from "@open-scws/test-support";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const ALLOWED_ORIGIN = "http://127.0.0.1:1";

describe("guards in front of every operation: Host, Origin, credential", () => {
  const counter = countingHost();
  let t: TestService;
  let port: number;
  let host: string;
  const totalCalls = () => [...counter.calls.values()].reduce((sum, count) => sum + count, 0);
  beforeAll(async () => {
    t = await startTestService({ tokenLabels: ["guarded"], decorateHost: counter.decorate });
    port = t.service.port;
    host = `127.0.0.1:${port}`;
  });
  afterAll(() => t.close());

  /** A raw request carrying a valid credential, so that only the guard under test can refuse it. */
  const send = (headers: Record<string, string>, method = "GET", path = "/v1/readers", body?: string) =>
    rawRequest(`${t.service.url}${path}`, { method, headers: { "x-scws-environment": t.credential, ...headers }, ...(body === undefined ? {} : { body }) });

  // Every refused Host gets the same problem answer, also the values @hono/node-server cannot make a URL of (the
  // mapped IPv6 address, user information, a name after the port), which it used to answer with an empty 400.
  it.each([
    ["a foreign name", () => "evil.example"],
    ["a foreign name with the port", () => `evil.example:${port}`],
    ["the loopback address without the port", () => "127.0.0.1"],
    ["localhost without the port", () => "localhost"],
    ["[::1] without the port", () => "[::1]"],
    ["the next port", () => `127.0.0.1:${port + 1}`],
    ["port 80", () => "localhost:80"],
    ["a port with a leading zero", () => `127.0.0.1:0${port}`],
    ["a rebinding name ending in the loopback address", () => `127.0.0.1.evil.example:${port}`],
    ["a rebinding name starting with localhost", () => `localhost.evil.example:${port}`],
    ["a name ending in localhost", () => `evil-localhost:${port}`],
    ["localhost with a trailing dot", () => `localhost.:${port}`],
    ["another loopback address", () => `127.0.0.2:${port}`],
    ["the unspecified address", () => `0.0.0.0:${port}`],
    ["an IPv4-mapped IPv6 address", () => `[::ffff:127.0.0.1]:${port}`],
    ["a name after the port", () => `127.0.0.1:${port}.evil.example`],
    ["user information after the port", () => `127.0.0.1:${port}@evil.example`],
    ["the decimal form of 127.0.0.1", () => `2130706433:${port}`],
    ["the hexadecimal form of 127.0.0.1", () => `0x7f000001:${port}`],
    ["the short form 127.1", () => `127.1:${port}`],
    ["user information before the address", () => `user@127.0.0.1:${port}`],
    ["two hosts in one header", () => `127.0.0.1:${port}, evil.example`],
    ["an empty Host", () => ""],
  ] as Array<[string, () => string]>)("refuses a Host of %s with a 421 problem, calling no PKCS#11 function", async (_case, hostOf) => {
    const before = totalCalls();
    const answer = await send({ host: hostOf() });
    expect(answer.status).toBe(421);
    expect(answer.headers["content-type"]).toBe("application/problem+json");
    expect(answer.json).toMatchObject({ code: "SCWS_HOST_REFUSED", status: 421, customData: { field: "/header/host" } });
    expect(totalCalls()).toBe(before);
  });

  it("refuses a request without a Host header", async () => {
    const before = totalCalls();
    const answer = await rawRequest(`${t.service.url}/v1/readers`, { headers: { "x-scws-environment": t.credential } });
    expect([400, 421]).toContain(answer.status);
    expect(totalCalls()).toBe(before);
  });

  it.each([
    ["another site", "https://evil.example"],
    ["the opaque origin null", "null"],
    ["an empty origin", ""],
    ["a registered origin's name as a prefix", `${ALLOWED_ORIGIN}.evil.example`],
    ["a registered origin with a trailing dot", `${ALLOWED_ORIGIN}.`],
    ["a registered origin with a trailing slash", `${ALLOWED_ORIGIN}/`],
    ["the registered host without its port", "http://127.0.0.1"],
    ["the registered origin over https", "https://127.0.0.1:1"],
    ["the registered host on another port", "http://127.0.0.1:2"],
    ["localhost for the registered 127.0.0.1", "http://localhost:1"],
    ["[::1] for the registered 127.0.0.1", "http://[::1]:1"],
    ["the registered origin in upper case", "HTTP://127.0.0.1:1"],
    ["a file: page", "file://"],
    ["a browser extension", "chrome-extension://abcdefghijklmnop"],
    ["the service's own origin, which no application lists", "SERVICE"],
  ])("refuses Origin %s with 403 SCWS_ORIGIN_REFUSED and no CORS headers, calling no PKCS#11 function", async (_case, origin) => {
    const before = totalCalls();
    const answer = await send({ host, origin: origin === "SERVICE" ? t.service.url : origin });
    expect(answer.status).toBe(403);
    expect(answer.json).toMatchObject({ code: "SCWS_ORIGIN_REFUSED", customData: { field: "/header/origin" } });
    expect(answer.headers["access-control-allow-origin"]).toBeUndefined();
    expect(totalCalls()).toBe(before);
  });

  it("echoes a registered origin exactly, with Vary: Origin, never * or null", async () => {
    const origin = { origin: ALLOWED_ORIGIN };
    const challenge = await t.anonymous.POST("/v1/environments/challenges", { body: { applicationId: "tests" }, headers: origin });
    const environment = await t.anonymous.POST("/v1/environments", {
      body: { challengeId: challenge.data!.challengeId, signature: signChallenge(t.application, challenge.data!.message) },
      headers: origin,
    });
    t.addCanary(environment.data!.credential!);
    const answer = await send({ host, ...origin, "x-scws-environment": environment.data!.credential! });
    expect(answer.status).toBe(200);
    expect(answer.headers["access-control-allow-origin"]).toBe(ALLOWED_ORIGIN);
    expect(String(answer.headers.vary)).toMatch(/\bOrigin\b/);
    expect(answer.headers["access-control-expose-headers"]).toContain("x-request-id");
  });

  it("answers a registered origin's preflight with the credential header allowed, and Private Network Access", async () => {
    const answer = await rawRequest(`${t.service.url}/v1/readers/r-0000000000000000/connect`, {
      method: "OPTIONS",
      headers: {
        host,
        origin: ALLOWED_ORIGIN,
        "access-control-request-method": "POST",
        "access-control-request-headers": "x-scws-environment, content-type, x-evil",
        "access-control-request-private-network": "true",
      },
    });
    expect(answer.status).toBe(204);
    expect(answer.headers["access-control-allow-origin"]).toBe(ALLOWED_ORIGIN);
    expect(answer.headers["access-control-allow-headers"]).toBe("x-scws-environment, content-type");
    expect(answer.headers["access-control-allow-private-network"]).toBe("true");
  });

  it("refuses another origin's preflight, granting it neither CORS nor Private Network Access", async () => {
    const answer = await rawRequest(`${t.service.url}/v1/readers`, {
      method: "OPTIONS",
      headers: { host, origin: "https://evil.example", "access-control-request-method": "GET", "access-control-request-private-network": "true" },
    });
    expect(answer.status).toBe(403);
    expect(answer.headers["access-control-allow-origin"]).toBeUndefined();
    expect(answer.headers["access-control-allow-private-network"]).toBeUndefined();
  });

  describe("requests a page can send without a preflight achieve nothing", () => {
    const pinBody = JSON.stringify({ pin: "1234" });
    const login = "/v1/tokens/t-00000000000000000000000000000000/pins/0/login";
    it.each([
      ["a form post as text/plain", "text/plain", pinBody],
      ["a form post as urlencoded", "application/x-www-form-urlencoded", "pin=1234"],
      ["a form post as multipart", "multipart/form-data; boundary=x", '--x\r\nContent-Disposition: form-data; name="pin"\r\n\r\n1234\r\n--x--\r\n'],
    ])("%s from another site is refused, calling no PKCS#11 function", async (_case, contentType, body) => {
      const before = totalCalls();
      const answer = await rawRequest(`${t.service.url}${login}`, {
        method: "POST",
        headers: { host, origin: "https://evil.example", "content-type": contentType },
        body,
      });
      expect(answer.status).toBe(403);
      expect(totalCalls()).toBe(before);
    });

    it.each([
      ["a form post from a registered page", { origin: ALLOWED_ORIGIN, "content-type": "text/plain" }, pinBody],
      ["a no-cors fetch, which sends no Origin and no custom header", {}, undefined],
    ])("%s carries no credential, is refused with 401, and calls no PKCS#11 function", async (_case, headers, body) => {
      const before = totalCalls();
      const answer = await rawRequest(`${t.service.url}${body ? login : "/v1/readers"}`, {
        method: body ? "POST" : "GET",
        headers: { host, ...headers },
        ...(body ? { body } : {}),
      });
      expect(answer.status).toBe(401);
      expect(answer.json).toMatchObject({ code: "SCWS_CREDENTIAL_REQUIRED" });
      expect(totalCalls()).toBe(before);
    });
  });
});
