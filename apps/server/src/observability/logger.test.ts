import { Writable } from "node:stream";
import { uniquePin } from "@open-scws/softhsm";
import { rawRequest, startTestService, type TestService } from "@open-scws/test-support";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { censor, createLogger, REDACTED, SECRET_KEYS } from "./logger.js";

/** A destination that keeps every log line. */
function memory(): { stream: Writable; text: () => string; lines: () => Record<string, unknown>[] } {
  const chunks: string[] = [];
  const stream = new Writable({
    write(chunk, _encoding, done) {
      chunks.push(String(chunk));
      done();
    },
  });
  const text = () => chunks.join("");
  return {
    stream,
    text,
    lines: () =>
      text()
        .trim()
        .split("\n")
        .map((line) => JSON.parse(line) as Record<string, unknown>),
  };
}

describe("the log's redaction of secrets", () => {
  it.each(SECRET_KEYS)("censors %s at the top level and nested up to four objects deep", (key) => {
    const log = memory();
    const logger = createLogger("trace", log.stream);
    const canary = uniquePin("canary");
    logger.info({ [key]: canary, body: { [key]: canary }, req: { headers: { [key]: canary } }, a: { b: { c: { [key]: canary } } } }, "with secrets");
    expect(log.text()).not.toContain(canary);
    const line = log.lines()[0]!;
    expect(line[key]).toBe(REDACTED);
    expect((line.req as { headers: Record<string, unknown> }).headers[key]).toBe(REDACTED);
  });

  it("leaves an object without secrets as it is, uncopied, and censors a copy of one with secrets at any depth", () => {
    const plain = { method: "GET", operation: "listReaders", status: 200, nested: { code: "none" } };
    expect(censor(plain)).toBe(plain);
    const deep = { a: { b: { c: { d: { e: { pin: "1234" } } } } }, list: [{ puk: "9999" }] };
    expect(censor(deep)).toEqual({ a: { b: { c: { d: { e: { pin: REDACTED } } } } }, list: [{ puk: REDACTED }] });
    expect(deep.a.b.c.d.e.pin).toBe("1234");
  });

  it("writes JSON lines with an ISO time and the service's name", () => {
    const log = memory();
    createLogger("info", log.stream).info({ answer: 42 }, "hello");
    expect(log.lines()[0]).toMatchObject({ level: 30, service: "open-scws", answer: 42, msg: "hello", time: expect.stringMatching(/^\d{4}-\d\d-\d\dT/) });
  });
});

describe("the running service's log, with canary secrets in every request", () => {
  const log = memory();
  const canary = uniquePin("canary");
  let t: TestService;

  beforeAll(async () => {
    t = await startTestService({ tokenLabels: ["log"], logger: createLogger("trace", log.stream) });
  });
  afterAll(() => t.close());

  it("logs each request with its request id, operation and status", async () => {
    const { response } = await t.client.GET("/v1/readers");
    const requestId = response.headers.get("x-request-id");
    const line = log.lines().find((entry) => entry.requestId === requestId && entry.msg === "request answered");
    expect(line).toMatchObject({ method: "GET", operation: "listReaders", status: 200, code: "none", durationMs: expect.any(Number) });
  });

  it("never writes a secret sent in headers, bodies or paths, and shows it was censored", async () => {
    const secretHeaders = { authorization: `Bearer ${canary}`, "x-scws-environment": canary, cookie: `session=${canary}` };
    // The canary credential is refused (and logged, censored); the listing needs the real one.
    const { data } = await t.client.GET("/v1/readers", { headers: { authorization: secretHeaders.authorization, cookie: secretHeaders.cookie } });
    await t.fetch("/v1/readers", { headers: secretHeaders });
    const reader = data!.readers.find((entry) => entry.token?.label === "log")!;
    const body = JSON.stringify({ pin: canary, soPin: canary, newPin: canary, oldPin: canary, puk: canary, password: canary });
    // A body on an operation that takes none, a wrong content type, and an unknown path: each is refused and logged.
    await t.fetch(`/v1/readers/${reader.id}/connect`, { method: "POST", headers: { ...secretHeaders, "content-type": "application/json" }, body });
    await rawRequest(`${t.service.url}/v1/readers`, { method: "POST", headers: { host: new URL(t.service.url).host, ...secretHeaders }, body });
    await rawRequest(`${t.service.url}/v1/nowhere`, { headers: { host: new URL(t.service.url).host, ...secretHeaders } });
    await rawRequest(`${t.service.url}/v1/readers`, { headers: { host: "evil.example", ...secretHeaders } });

    const text = log.text();
    expect(text).not.toContain(canary);
    const withHeaders = log.lines().filter((entry) => (entry.headers as Record<string, unknown> | undefined)?.authorization !== undefined);
    expect(withHeaders.length).toBeGreaterThanOrEqual(4);
    for (const entry of withHeaders) {
      expect(entry.headers).toMatchObject({ authorization: REDACTED, "x-scws-environment": REDACTED, cookie: REDACTED });
    }
  });
});
