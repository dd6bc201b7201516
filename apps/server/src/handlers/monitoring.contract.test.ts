import { softHsmModule } from "@open-scws/softhsm";
import { rawRequest, startTestService, type TestService } from "@open-scws/test-support";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

/** One sample of the Prometheus text format (0.0.4): name, labels, value. */
interface Sample {
  readonly name: string;
  readonly labels: Record<string, string>;
  readonly value: number;
}

// The exposition format's grammar, strictly: every line is a comment (HELP/TYPE) or a sample. Values are
// floats as Prometheus parses them (Go's ParseFloat: NaN in any case, prom-client writes "Nan").
const HELP = /^# HELP [a-zA-Z_:][a-zA-Z0-9_:]* .*$/;
const TYPE = /^# TYPE [a-zA-Z_:][a-zA-Z0-9_:]* (counter|gauge|histogram|summary|untyped)$/;
const SAMPLE =
  /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{((?:[a-zA-Z_][a-zA-Z0-9_]*="(?:[^"\\\n]|\\["\\n])*",?)*)\})? (-?\d+(?:\.\d+)?(?:e[+-]?\d+)?|[Nn][Aa][Nn]|[+-][Ii]nf)(?: -?\d+)?$/;

/** Parses the text exposition; throws on the first line that is not in the format. */
function parseExposition(text: string): Sample[] {
  const samples: Sample[] = [];
  for (const line of text.split("\n")) {
    if (line === "" || HELP.test(line) || TYPE.test(line)) continue;
    const match = SAMPLE.exec(line);
    if (!match) throw new Error(`not Prometheus text format: ${line}`);
    const labels: Record<string, string> = {};
    for (const [, name, value] of (match[2] ?? "").matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g)) labels[name!] = value!;
    samples.push({ name: match[1]!, labels, value: Number(match[3]!.replace(/^([+-])[Ii]nf$/, "$1Infinity").replace(/^nan$/i, "NaN")) });
  }
  return samples;
}

function sampleValue(samples: readonly Sample[], name: string, labels: Record<string, string>): number | undefined {
  return samples.find((sample) => sample.name === name && Object.entries(labels).every(([key, value]) => sample.labels[key] === value))?.value;
}

describe("liveness, readiness and metrics over SoftHSM", () => {
  let t: TestService;
  beforeAll(async () => {
    t = await startTestService({ tokenLabels: ["ops"] });
  });
  afterAll(() => t.close());

  it("answers liveness with live and the uptime", async () => {
    const { data, response } = await t.client.GET("/health/live");
    expect(response.status).toBe(200);
    expect(data).toEqual({ status: "live", uptimeSeconds: expect.any(Number) });
  });

  it("answers readiness with every module's state", async () => {
    const { data, response } = await t.client.GET("/health/ready");
    expect(response.status).toBe(200);
    expect(data).toEqual({ status: "ready", modules: [expect.objectContaining({ id: "softhsm", status: "ready" })] });
  });

  it("exposes metrics in the Prometheus text format, with its content type", async () => {
    const response = await t.fetch("/metrics");
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe("text/plain; version=0.0.4; charset=utf-8");
    const text = await response.text();
    expect(parseExposition(text).length).toBeGreaterThan(20);
    for (const [name, type] of [
      ["scws_http_requests_total", "counter"],
      ["scws_http_request_duration_seconds", "histogram"],
      ["scws_http_requests_in_flight", "gauge"],
      ["scws_pkcs11_calls_total", "counter"],
      ["scws_pkcs11_call_duration_seconds", "histogram"],
      ["scws_pkcs11_attached_slots", "gauge"],
      ["scws_pkcs11_sessions", "gauge"],
      ["scws_pkcs11_module_ready", "gauge"],
      ["scws_token_connections", "gauge"],
      ["scws_environments", "gauge"],
      ["scws_process_cpu_seconds_total", "counter"],
    ]) {
      expect(text).toMatch(new RegExp(`^# HELP ${name} .+$`, "m"));
      expect(text).toMatch(new RegExp(`^# TYPE ${name} ${type}$`, "m"));
    }
  });

  it("counts requests by operation, status and code, with their latency", async () => {
    await t.client.GET("/v1/readers");
    await t.client.GET("/v1/readers/{readerId}", { params: { path: { readerId: "r-0000000000000000" } } });
    const samples = parseExposition(await (await t.fetch("/metrics")).text());
    expect(sampleValue(samples, "scws_http_requests_total", { operation: "listReaders", status: "200", code: "none" })).toBeGreaterThanOrEqual(1);
    expect(sampleValue(samples, "scws_http_requests_total", { operation: "getReader", status: "404", code: "CKR_SLOT_ID_INVALID" })).toBe(1);
    expect(sampleValue(samples, "scws_http_request_duration_seconds_count", { operation: "listReaders" })).toBeGreaterThanOrEqual(1);
    expect(sampleValue(samples, "scws_http_request_duration_seconds_bucket", { operation: "listReaders", le: "+Inf" })).toBeGreaterThanOrEqual(1);
  });

  it("counts and times every PKCS#11 host call, and tracks token connections and attached slots", async () => {
    const { data: list } = await t.client.GET("/v1/readers");
    const reader = list!.readers.find((entry) => entry.token?.label === "ops")!;
    const { data: token } = await t.client.POST("/v1/readers/{readerId}/connect", { params: { path: { readerId: reader.id } } });
    let samples = parseExposition(await (await t.fetch("/metrics")).text());
    expect(sampleValue(samples, "scws_pkcs11_calls_total", { module: "softhsm", method: "start", result: "ok" })).toBe(1);
    expect(sampleValue(samples, "scws_pkcs11_calls_total", { module: "softhsm", method: "listSlots", result: "ok" })).toBeGreaterThanOrEqual(2);
    expect(sampleValue(samples, "scws_pkcs11_calls_total", { module: "softhsm", method: "attach", result: "ok" })).toBe(1);
    expect(sampleValue(samples, "scws_pkcs11_call_duration_seconds_count", { module: "softhsm", method: "getTokenInfo" })).toBeGreaterThanOrEqual(1);
    expect(sampleValue(samples, "scws_token_connections", {})).toBe(1);
    expect(sampleValue(samples, "scws_pkcs11_attached_slots", { module: "softhsm" })).toBe(1);
    // A connected token keeps at least one session open (its login lives as long as one does).
    expect(sampleValue(samples, "scws_pkcs11_sessions", { module: "softhsm" })).toBeGreaterThanOrEqual(1);
    expect(sampleValue(samples, "scws_pkcs11_calls_total", { module: "softhsm", method: "openSessions", result: "ok" })).toBeUndefined();
    expect(sampleValue(samples, "scws_pkcs11_module_ready", { module: "softhsm" })).toBe(1);

    await t.client.DELETE("/v1/tokens/{tokenId}", { params: { path: { tokenId: token!.id } } });
    samples = parseExposition(await (await t.fetch("/metrics")).text());
    expect(sampleValue(samples, "scws_token_connections", {})).toBe(0);
    expect(sampleValue(samples, "scws_pkcs11_attached_slots", { module: "softhsm" })).toBe(0);
    expect(sampleValue(samples, "scws_pkcs11_sessions", { module: "softhsm" })).toBe(0);
  });

  it("counts live environments: one more while a new one lives, one less once it ends", async () => {
    const count = async () => sampleValue(parseExposition(await (await t.fetch("/metrics")).text()), "scws_environments", {});
    const before = await count();
    expect(before).toBeGreaterThanOrEqual(1);
    const other = await t.newEnvironment();
    expect(await count()).toBe(before! + 1);
    expect((await other.client.DELETE("/v1/environments/current")).response.status).toBe(204);
    expect(await count()).toBe(before);
  });

  it("never puts a token id in a metric", async () => {
    const { data: list } = await t.client.GET("/v1/readers");
    const reader = list!.readers.find((entry) => entry.token?.label === "ops")!;
    const { data: token } = await t.client.POST("/v1/readers/{readerId}/connect", { params: { path: { readerId: reader.id } } });
    await t.client.GET("/v1/tokens/{tokenId}", { params: { path: { tokenId: token!.id } } });
    const text = await (await t.fetch("/metrics")).text();
    expect(text).not.toContain(token!.id);
    expect(text).not.toContain(reader.id);
  });

  it("keeps health and metrics behind the Host allow-list", async () => {
    for (const path of ["/health/live", "/health/ready", "/metrics"]) {
      const answer = await rawRequest(`${t.service.url}${path}`, { headers: { host: "evil.example" } });
      expect(answer.status).toBe(421);
      expect(answer.json).toMatchObject({ code: "SCWS_HOST_REFUSED" });
    }
  });
});

describe("readiness when modules fail", () => {
  it("answers 503 CKR_LIBRARY_LOAD_FAILED naming each module and why, when no module is ready", async () => {
    const t = await startTestService({
      configure: (config) => ({ ...config, modules: [{ id: "missing", library: "/nonexistent/libmissing.so", maxSessionsPerToken: 2 }] }),
    });
    try {
      const { error, response } = await t.client.GET("/health/ready");
      expect(response.status).toBe(503);
      expect(error).toMatchObject({
        code: "CKR_LIBRARY_LOAD_FAILED",
        customData: { modules: [{ id: "missing", reason: expect.stringContaining("libmissing.so") }] },
      });
      const { response: live } = await t.client.GET("/health/live");
      expect(live.status).toBe(200);
    } finally {
      await t.close();
    }
  });

  it("stays ready while one module of two works, and says why the other failed", async () => {
    const t = await startTestService({
      configure: (config) => ({
        ...config,
        modules: [
          { id: "softhsm", library: softHsmModule, maxSessionsPerToken: 2 },
          { id: "missing", library: "/nonexistent/libmissing.so", maxSessionsPerToken: 2 },
        ],
      }),
    });
    try {
      const { data, response } = await t.client.GET("/health/ready");
      expect(response.status).toBe(200);
      expect(data?.modules).toEqual([
        expect.objectContaining({ id: "softhsm", status: "ready" }),
        { id: "missing", status: "failed", reason: expect.stringContaining("libmissing.so") },
      ]);
    } finally {
      await t.close();
    }
  });
});
