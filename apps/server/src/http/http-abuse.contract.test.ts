// Raw HTTP abuse over node:net sockets against the real service: oversized and broken headers, request
// smuggling attempts, broken chunked framing, invalid bytes, odd targets, methods and versions, pipelining,
// slow senders and oversized or compressed bodies. Each must get a 4xx or a closed connection: never a 5xx,
// never a hang; and the service must still answer afterwards.
import { gzipSync } from "node:zlib";
import { exchange, type SocketExchange, type SocketStep, startTestService, type TestService, trickle } from "@open-scws/test-support";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";

/** Short limits so that the slow-sender cases take seconds; the defaults are 10 s, 30 s and 5 s. */
const HEADERS_TIMEOUT_MS = 1_000;
const REQUEST_TIMEOUT_MS = 2_000;
const BODY_LIMIT = 4_096;

/** How a case must end. */
type Verdict = "refused" | "no-5xx" | readonly number[];

interface AbuseCase {
  readonly name: string;
  /** The bytes to send; `HOST` is replaced by the service's host and port. */
  readonly send: (host: string) => SocketStep[];
  readonly verdict: Verdict;
  readonly answers?: number;
}

const CRLF = "\r\n";
const request = (head: string, headers: string[] = [], body = "") => `${head}${CRLF}${headers.map((header) => `${header}${CRLF}`).join("")}${CRLF}${body}`;
/** The test environment's credential, set once the service runs: the cases test framing, not the credential check. */
let credential = "";
const get = (target: string, host: string, headers: string[] = []) =>
  request(`GET ${target} HTTP/1.1`, [`Host: ${host}`, `X-Scws-Environment: ${credential}`, ...headers]);
const post = (target: string, host: string, headers: string[], body: string | Buffer): SocketStep[] => [
  request(`POST ${target} HTTP/1.1`, [`Host: ${host}`, `X-Scws-Environment: ${credential}`, ...headers]),
  body,
];
/**
 * A slow but legitimate sender: the text in `parts` pieces, with a pause of a tenth of the headers timeout between
 * them (the timeout runs from the first piece). Three parts pause for a fifth of the timeout in all: a margin of four
 * fifths for timers that run late on a loaded machine. (One byte every 5 ms added up to three quarters of it, and
 * late timers under load pushed it past.)
 */
function inParts(text: string, parts: number): SocketStep[] {
  const size = Math.ceil(text.length / parts);
  const pause = { pauseMs: HEADERS_TIMEOUT_MS / 10 };
  return Array.from({ length: parts }, (_, index) => text.slice(index * size, (index + 1) * size)).flatMap((part, index) =>
    index === 0 ? [part] : [pause, part],
  );
}
const LOGIN = `/v1/tokens/t-${"0".repeat(32)}/pins/0/login`;
const JSON_TYPE = "Content-Type: application/json";

const CASES: AbuseCase[] = [
  // Headers: size, count, syntax.
  { name: "one header of 20 KiB (over Node's 16 KiB limit)", send: (h) => [get("/v1/service", h, [`X-Big: ${"a".repeat(20_480)}`])], verdict: "refused" },
  {
    name: "3,000 small headers (over the size limit)",
    send: (h) => [
      get(
        "/v1/service",
        h,
        Array.from({ length: 3000 }, (_, i) => `X-H${i}: v`),
      ),
    ],
    verdict: "refused",
  },
  {
    name: "500 small headers (within the size limit)",
    send: (h) => [
      get(
        "/v1/service",
        h,
        Array.from({ length: 500 }, (_, i) => `X-H${i}: v`),
      ),
    ],
    verdict: [200],
  },
  { name: "a request line of 20 KiB", send: (h) => [get(`/v1/readers/${"r".repeat(20_480)}`, h)], verdict: "refused" },
  { name: "a header line without a colon", send: (h) => [get("/v1/service", h, ["NoColonHere"])], verdict: "refused" },
  { name: "a space inside a header name", send: (h) => [get("/v1/service", h, ["Bad Name: x"])], verdict: "refused" },
  { name: "a NUL byte in a header value", send: (h) => [get("/v1/service", h, ["X-Nul: a\u0000b"])], verdict: "refused" },
  { name: "a bare CR in a header value", send: (h) => [get("/v1/service", h, ["X-Cr: a\rb"])], verdict: "refused" },
  { name: "an obsolete folded header line", send: (h) => [get("/v1/service", h, ["X-Fold: a", " continued"])], verdict: "refused" },
  {
    name: "invalid UTF-8 bytes in a header value",
    send: (h) => [
      Buffer.concat([Buffer.from(get("/v1/service", h, ["X-Bytes: A"]).slice(0, -4)), Buffer.from([0xff, 0xfe, 0xc0, 0xaf]), Buffer.from(CRLF + CRLF)]),
    ],
    verdict: "no-5xx",
  },
  { name: "HTTP/1.1 without a Host header", send: () => [request("GET /v1/service HTTP/1.1")], verdict: "refused" },
  { name: "two Host headers", send: (h) => [get("/v1/service", h, [`Host: ${h}`])], verdict: "refused" },
  { name: "a Host header naming another site (DNS rebinding)", send: () => [get("/v1/service", "evil.example:80")], verdict: [421] },
  // Request smuggling: conflicting or malformed framing.
  {
    name: "Content-Length and Transfer-Encoding together (CL.TE)",
    send: (h) =>
      post(LOGIN, h, [JSON_TYPE, "Content-Length: 4", "Transfer-Encoding: chunked"], `0${CRLF}${CRLF}GET /metrics HTTP/1.1${CRLF}Host: ${h}${CRLF}${CRLF}`),
    verdict: "refused",
    answers: 2,
  },
  {
    name: "Transfer-Encoding then Content-Length (TE.CL)",
    send: (h) => post(LOGIN, h, [JSON_TYPE, "Transfer-Encoding: chunked", "Content-Length: 3"], `8${CRLF}SMUGGLED${CRLF}0${CRLF}${CRLF}`),
    verdict: "refused",
  },
  {
    name: "two different Content-Length headers",
    send: (h) => post(LOGIN, h, [JSON_TYPE, "Content-Length: 5", "Content-Length: 11"], '{"pin":"1"}'),
    verdict: "refused",
  },
  { name: "a Content-Length with trailing junk", send: (h) => post(LOGIN, h, [JSON_TYPE, "Content-Length: 11abc"], '{"pin":"1"}'), verdict: "refused" },
  { name: "a negative Content-Length", send: (h) => post(LOGIN, h, [JSON_TYPE, "Content-Length: -1"], '{"pin":"1"}'), verdict: "refused" },
  {
    name: "an obfuscated Transfer-Encoding (xchunked)",
    send: (h) => post(LOGIN, h, [JSON_TYPE, "Transfer-Encoding: xchunked"], `0${CRLF}${CRLF}`),
    verdict: "refused",
  },
  {
    name: "Transfer-Encoding: gzip, chunked",
    send: (h) => post(LOGIN, h, [JSON_TYPE, "Transfer-Encoding: gzip, chunked"], `0${CRLF}${CRLF}`),
    verdict: "refused",
  },
  {
    name: "a space before the colon of Transfer-Encoding",
    send: (h) => post(LOGIN, h, [JSON_TYPE, "Transfer-Encoding : chunked"], `0${CRLF}${CRLF}`),
    verdict: "refused",
  },
  {
    name: "Transfer-Encoding: chunked given twice",
    send: (h) => post(LOGIN, h, [JSON_TYPE, "Transfer-Encoding: chunked", "Transfer-Encoding: chunked"], `0${CRLF}${CRLF}`),
    verdict: "refused",
  },
  // Broken chunked framing.
  {
    name: "a chunk size that is not hex",
    send: (h) => post(LOGIN, h, [JSON_TYPE, "Transfer-Encoding: chunked"], `zz${CRLF}abc${CRLF}0${CRLF}${CRLF}`),
    verdict: "refused",
  },
  {
    name: "a chunk size that overflows 64 bits",
    send: (h) => post(LOGIN, h, [JSON_TYPE, "Transfer-Encoding: chunked"], `ffffffffffffffffffff${CRLF}a${CRLF}0${CRLF}${CRLF}`),
    verdict: "refused",
  },
  {
    name: "chunk data without its CRLF",
    send: (h) => post(LOGIN, h, [JSON_TYPE, "Transfer-Encoding: chunked"], `3${CRLF}abcdef${CRLF}0${CRLF}${CRLF}`),
    verdict: "refused",
  },
  {
    name: "a chunk extension holding a NUL byte",
    send: (h) => post(LOGIN, h, [JSON_TYPE, "Transfer-Encoding: chunked"], `3;a=\u0000${CRLF}abc${CRLF}0${CRLF}${CRLF}`),
    verdict: "refused",
  },
  {
    name: "a chunked body over the limit, in 1 KiB chunks",
    send: (h) => post(LOGIN, h, [JSON_TYPE, "Transfer-Encoding: chunked"], `${`400${CRLF}${"a".repeat(1024)}${CRLF}`.repeat(8)}0${CRLF}${CRLF}`),
    verdict: [413],
  },
  {
    name: "a chunked JSON body in 1-byte chunks",
    send: (h) => post(LOGIN, h, [JSON_TYPE, "Transfer-Encoding: chunked"], `${[...'{"pin":"1"}'].map((c) => `1${CRLF}${c}${CRLF}`).join("")}0${CRLF}${CRLF}`),
    verdict: "no-5xx",
  },
  // Invalid bytes in the target and body.
  {
    name: "raw invalid UTF-8 bytes in the path",
    send: (h) => [Buffer.concat([Buffer.from("GET /v1/readers/"), Buffer.from([0xff, 0xfe]), Buffer.from(` HTTP/1.1${CRLF}Host: ${h}${CRLF}${CRLF}`)])],
    verdict: "refused",
  },
  { name: "a raw NUL byte in the path", send: (h) => [get("/v1/readers/a\u0000b", h)], verdict: "refused" },
  { name: "percent-encoded invalid UTF-8 in the path", send: (h) => [get("/v1/readers/%FF%FE%C0%AF", h)], verdict: "refused" },
  { name: "a malformed percent escape in the path", send: (h) => [get("/v1/readers/%zz%", h)], verdict: "refused" },
  { name: "a percent-encoded NUL in the query", send: (h) => [get(`/v1/tokens/t-${"0".repeat(32)}/objects?label=%00`, h)], verdict: "refused" },
  {
    name: "invalid UTF-8 in a JSON body",
    send: (h) => post(LOGIN, h, [JSON_TYPE, "Content-Length: 12"], Buffer.from([0x7b, 0x22, 0x70, 0x69, 0x6e, 0x22, 0x3a, 0x22, 0xff, 0xfe, 0x22, 0x7d])),
    verdict: [400],
  },
  { name: "NUL bytes in a JSON body", send: (h) => post(LOGIN, h, [JSON_TYPE, "Content-Length: 12"], '{"pin":"\u0000\u0000"}'.padEnd(12)), verdict: "refused" },
  // Request targets.
  { name: "an absolute-form target", send: (h) => [request(`GET http://${h}/v1/service HTTP/1.1`, [`Host: ${h}`])], verdict: "no-5xx" },
  {
    name: "an absolute-form target naming another site",
    send: (h) => [request("GET http://evil.example/v1/service HTTP/1.1", [`Host: ${h}`])],
    verdict: [421],
  },
  { name: "an authority-form target (CONNECT)", send: (h) => [request(`CONNECT ${h} HTTP/1.1`, [`Host: ${h}`])], verdict: "refused" },
  { name: "the asterisk target with OPTIONS", send: (h) => [request("OPTIONS * HTTP/1.1", [`Host: ${h}`])], verdict: "refused" },
  { name: "the asterisk target with GET", send: (h) => [request("GET * HTTP/1.1", [`Host: ${h}`])], verdict: "refused" },
  { name: "a target without a leading slash", send: (h) => [request("GET v1/service HTTP/1.1", [`Host: ${h}`])], verdict: "refused" },
  // Methods.
  { name: "TRACE", send: (h) => [request("TRACE /v1/service HTTP/1.1", [`Host: ${h}`])], verdict: "refused" },
  { name: "an unknown method", send: (h) => [request("FROBNICATE /v1/service HTTP/1.1", [`Host: ${h}`])], verdict: "refused" },
  { name: "a lower-case method", send: (h) => [request("get /v1/service HTTP/1.1", [`Host: ${h}`])], verdict: "refused" },
  { name: "PROPFIND (WebDAV)", send: (h) => [request("PROPFIND /v1/service HTTP/1.1", [`Host: ${h}`])], verdict: "refused" },
  // Versions.
  { name: "an HTTP/0.9 request line", send: () => [`GET /v1/service${CRLF}`], verdict: "refused" },
  // Node's parser takes major version 2 in HTTP/1 syntax and answers as HTTP/1.1: harmless, and no 505.
  { name: "HTTP/2.0 on an HTTP/1 connection", send: (h) => [request("GET /v1/service HTTP/2.0", [`Host: ${h}`])], verdict: "no-5xx" },
  { name: "HTTP/1.2", send: (h) => [request("GET /v1/service HTTP/1.2", [`Host: ${h}`])], verdict: "refused" },
  { name: "HTTP/9.9", send: (h) => [request("GET /v1/service HTTP/9.9", [`Host: ${h}`])], verdict: "refused" },
  { name: "a bogus protocol name", send: (h) => [request("GET /v1/service HTTX/1.1", [`Host: ${h}`])], verdict: "refused" },
  { name: "the HTTP/2 connection preface", send: () => [`PRI * HTTP/2.0${CRLF}${CRLF}SM${CRLF}${CRLF}`], verdict: "refused" },
  { name: "HTTP/1.0 without a Host header", send: () => [request("GET /v1/service HTTP/1.0")], verdict: "refused" },
  // Pipelining.
  {
    name: "three GETs pipelined in one write",
    send: (h) => [get("/v1/service", h) + get("/health/live", h) + get("/v1/readers", h)],
    verdict: [200, 200, 200],
    answers: 3,
  },
  {
    name: "a refused POST with an unread body, then a GET, pipelined",
    send: (h) => [...post("/v1/tokens/bad/pins/0/login", h, [JSON_TYPE, "Content-Length: 2000"], "x".repeat(2000)), get("/v1/service", h)],
    verdict: "refused",
    answers: 2,
  },
  {
    name: "a POST with a JSON body, then a GET, pipelined",
    send: (h) => [...post(LOGIN, h, [JSON_TYPE, "Content-Length: 11"], '{"pin":"1"}'), get("/v1/service", h)],
    verdict: [404, 200],
    answers: 2,
  },
  // Slow senders.
  { name: "headers sent slowly, in three parts, well within the headers timeout", send: (h) => inParts(get("/health/live", h), 3), verdict: [200] },
  { name: "headers trickled past the headers timeout (slowloris)", send: (h) => trickle(get("/health/live", h), 150), verdict: "refused" },
  {
    name: "a body trickled past the request timeout",
    send: (h) => [request(`POST ${LOGIN} HTTP/1.1`, [`Host: ${h}`, JSON_TYPE, "Content-Length: 40"]), ...trickle("x".repeat(40), 100)],
    verdict: "refused",
  },
  { name: "a Content-Length larger than the body sent", send: (h) => post(LOGIN, h, [JSON_TYPE, "Content-Length: 100"], '{"pin":"1"}'), verdict: "refused" },
  { name: "a connection that sends nothing", send: () => [{ pauseMs: 100 }], verdict: "refused" },
  // Bodies.
  {
    name: "a body over the limit, announced by Content-Length",
    send: (h) => post(LOGIN, h, [JSON_TYPE, `Content-Length: ${BODY_LIMIT * 4}`], "a".repeat(BODY_LIMIT * 4)),
    verdict: [413],
  },
  { name: "a Content-Length of 10 GB with no body", send: (h) => post(LOGIN, h, [JSON_TYPE, "Content-Length: 10000000000"], ""), verdict: [413] },
  {
    name: "a gzip-compressed JSON body",
    send: (h) => post(LOGIN, h, [JSON_TYPE, "Content-Encoding: gzip", `Content-Length: ${gzipSync('{"pin":"1"}').length}`], gzipSync('{"pin":"1"}')),
    verdict: [415],
  },
  {
    name: "a body in an unknown Content-Encoding",
    send: (h) => post(LOGIN, h, [JSON_TYPE, "Content-Encoding: zstd-9000", "Content-Length: 11"], '{"pin":"1"}'),
    verdict: [415],
  },
  {
    name: "an Expect header other than 100-continue",
    send: (h) => post(LOGIN, h, [JSON_TYPE, "Expect: teapot", "Content-Length: 11"], '{"pin":"1"}'),
    verdict: "refused",
  },
  {
    name: "a multipart body sent to a JSON operation",
    send: (h) => post(LOGIN, h, ["Content-Type: multipart/form-data; boundary=x", "Content-Length: 11"], "--x--\r\n\r\n\r\n"),
    verdict: [415],
  },
  {
    name: "an Upgrade to WebSocket on the events path",
    send: (h) => [
      get("/v1/events", h, ["Connection: Upgrade", "Upgrade: websocket", "Sec-WebSocket-Version: 13", "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ=="]),
    ],
    verdict: "no-5xx",
  },
];

function judge(result: SocketExchange, verdict: Verdict): string | undefined {
  if (result.hung) return "no answer and no close before the deadline (a hang)";
  if (result.statuses.some((status) => status >= 500)) return `a 5xx answer (${result.statuses.join(", ")})`;
  if (Array.isArray(verdict))
    return JSON.stringify(result.statuses.slice(0, verdict.length)) === JSON.stringify(verdict)
      ? undefined
      : `answers ${result.statuses.join(", ") || "none"}, expected ${verdict.join(", ")}`;
  if (verdict === "refused" && result.statuses.some((status) => status < 400))
    return `answered ${result.statuses.join(", ")}, expected a 4xx or a closed connection`;
  if (result.statuses.length === 0 && !result.closed) return "no answer, and the connection stayed open";
  return undefined;
}

describe("raw HTTP abuse: every case gets a 4xx or a closed connection, never a 5xx or a hang", () => {
  let t: TestService;
  const seen: Array<{ name: string; statuses: number[]; closed: boolean; ms: number }> = [];
  beforeAll(async () => {
    t = await startTestService({
      configure: (config) => ({
        ...config,
        bodyLimitBytes: BODY_LIMIT,
        http: { headersTimeoutMs: HEADERS_TIMEOUT_MS, requestTimeoutMs: REQUEST_TIMEOUT_MS, keepAliveTimeoutMs: 1_000 },
      }),
    });
    credential = t.credential;
  });
  afterEach(async () => {
    // The service still answers after each case.
    expect((await t.fetch("/v1/service")).status).toBe(200);
  });
  afterAll(async () => {
    console.table(seen.map((entry) => ({ case: entry.name, answers: entry.statuses.join(" ") || "-", closed: entry.closed, ms: entry.ms })));
    await t?.close();
  });

  it("has at least 40 cases", () => {
    expect(CASES.length).toBeGreaterThanOrEqual(40);
  });

  it.each(CASES)("$name", async ({ name, send, verdict, answers }) => {
    const host = `127.0.0.1:${t.service.port}`;
    const result = await exchange(t.service.port, send(host), { answers: answers ?? 1, deadlineMs: REQUEST_TIMEOUT_MS + 4_000 });
    seen.push({ name, statuses: result.statuses, closed: result.closed, ms: result.ms });
    expect(judge(result, verdict), result.received.slice(0, 400)).toBeUndefined();
  });
});
