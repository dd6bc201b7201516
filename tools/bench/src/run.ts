// One benchmark run: the token, the raw limit, the service started as an operator starts it, and every scenario
// at every connection count, each through the load generator's own process.
import { writeFileSync } from "node:fs";
import { cpus, type as osType, release, totalmem } from "node:os";
import { join } from "node:path";
import { testApplication } from "@open-scws/test-support";
import { measureLoad } from "./load/load.js";
import { OPERATION_TITLES, OPERATIONS, type OperationId } from "./operations.js";
import { loadAverage } from "./proc-stats.js";
import { runEntry, type ServiceProcess, startEntryServer, startService, stopProcess } from "./processes.js";
import type { RawResult } from "./raw/raw-limit.js";
import type { BenchResults, ScenarioResult } from "./results.js";
import { openSession, type RequestShape, readerListing, tokenRequests } from "./service-client.js";
import { provisionToken, TOKEN_LABEL } from "./token-setup.js";

/** Every scenario over HTTP, in the order of the report. */
export const SCENARIOS = [...OPERATIONS, "ecdsa-sign-batch", "list-readers"] as const;
/** A scenario over HTTP. */
export type ScenarioId = (typeof SCENARIOS)[number];
/** Where the service runs the module: in a host process (the default) or in its own process. */
export type Isolation = "process" | "none";
/** The id of a scenario measured with the module in the service's process: `ecdsa-sign@none`. */
export const noneId = (id: string) => `${id}@none`;

/** What to measure, and for how long. */
export interface RunOptions {
  readonly durationSeconds: number;
  readonly rawDurationMs: number;
  readonly connections: readonly number[];
  readonly scenarios: readonly ScenarioId[];
  readonly batchSize: number;
  /** How many times the service is started to time start to ready (the last start is the one measured). */
  readonly starts: number;
  /** The module isolations to measure, each in a service of its own, in this order; the first one's starts are timed. */
  readonly isolations?: readonly Isolation[];
  /** Session counts of the raw sweep. */
  readonly rawSessions: readonly number[];
  /** Where the service and its host processes write V8 CPU profiles (--cpu-prof), when given. */
  readonly cpuProfileDir?: string;
  readonly log?: (line: string) => void;
}

const TITLES: Record<ScenarioId, string> = { ...OPERATION_TITLES, "ecdsa-sign-batch": "ECDSA P-256 sign-batch", "list-readers": "listReaders" };

function comparedWith(id: ScenarioId): OperationId | "bare-http" {
  if (id === "list-readers") return "bare-http";
  return id === "ecdsa-sign-batch" ? "ecdsa-sign" : id;
}

/** Runs the benchmark and returns its results; the token and every process it started are gone when it returns. */
export async function runBenchmark(options: RunOptions): Promise<BenchResults> {
  const log = options.log ?? (() => undefined);
  const before = loadAverage();
  log(`load average ${before.join(", ")}; provisioning a SoftHSM token`);
  const bench = provisionToken();
  const moduleEnv = { SOFTHSM2_CONF: bench.sandbox.confPath };
  let service: ServiceProcess | undefined;
  try {
    const rawOperations = OPERATIONS.filter((operation) => options.scenarios.some((id) => comparedWith(id) === operation));
    log(`raw limit: ${rawOperations.join(", ")}`);
    const raw = await runEntry<RawResult[]>(
      "raw/raw-worker.ts",
      {
        module: bench.module,
        tokenLabel: TOKEN_LABEL,
        pin: bench.token.pin,
        rsaCiphertext: bench.rsaCiphertext,
        operations: rawOperations,
        sessionCounts: options.rawSessions,
        durationMs: options.rawDurationMs,
      },
      // The service's host process sizes its libuv pool to max(16, 4 × sessions per token): the same room here.
      { ...moduleEnv, UV_THREADPOOL_SIZE: "16" },
    );
    // The default configuration, plus the one thing a client needs: an application registered to open environments;
    // the module is named in the file so that its isolation can be set (the default, `process`, or `none`).
    const application = testApplication("bench");
    const serviceEnvFor = (isolation: Isolation) => {
      const configFile = join(bench.sandbox.dir, `bench-config-${isolation}.json`);
      const modules = [{ id: "softhsm", library: bench.module, isolation }];
      writeFileSync(configFile, JSON.stringify({ applications: [application.config], modules }));
      return { ...moduleEnv, SCWS_CONFIG: configFile, SCWS_DATA_DIR: join(bench.sandbox.dir, `data-${isolation}`) };
    };
    const startToReadyMs: number[] = [];
    const scenarios: ScenarioResult[] = [];
    let readerBody: string | undefined;
    let headers: Record<string, string> = {};
    const measure = async (
      id: string,
      title: string,
      shape: RequestShape,
      port: number,
      pid: number,
      compared: ScenarioResult["comparedWith"],
      extra: Partial<ScenarioResult>,
    ) => {
      const load = (connections: number, durationSeconds: number) =>
        measureLoad({ url: `http://127.0.0.1:${port}${shape.path}`, method: shape.method, headers, body: shape.body, connections, durationSeconds }, pid);
      // A short warm-up first, so that the first level does not pay for the JIT and the session pool's growth.
      await load(Math.max(...options.connections), 1);
      const levels: ScenarioResult["levels"][number][] = [];
      for (const connections of options.connections) {
        const result = await load(connections, options.durationSeconds);
        log(`${id} × ${connections}: ${result.requestsPerSecond.toFixed(0)} req/s, p99 ${result.latencyMs.p99.toFixed(2)} ms, ${result.errors} errors`);
        levels.push({ connections, ...result });
      }
      scenarios.push({ id, title, comparedWith: compared, operationsPerRequest: 1, ...extra, levels });
    };
    for (const [index, isolation] of (options.isolations ?? ["process"]).entries()) {
      const serviceEnv = serviceEnvFor(isolation);
      for (let start = 0; start < (index === 0 ? options.starts : 1); start++) {
        await service?.stop();
        service = await startService(serviceEnv, join(bench.sandbox.dir, `service-${isolation}.log`), options.cpuProfileDir);
        if (index === 0) startToReadyMs.push(service.readyMs);
        log(`service (isolation ${isolation}) ready in ${service.readyMs.toFixed(0)} ms (pid ${service.child.pid})`);
      }
      const running = service!;
      const session = await openSession(running.url, application, TOKEN_LABEL, bench.token.pin);
      headers = session.headers;
      const requests: Record<Exclude<ScenarioId, "list-readers">, RequestShape> = tokenRequests(session, bench.rsaCiphertext, options.batchSize);
      for (const id of options.scenarios) {
        const shape: RequestShape = id === "list-readers" ? { method: "GET", path: "/v1/readers" } : requests[id];
        await measure(
          isolation === "none" ? noneId(id) : id,
          isolation === "none" ? `${TITLES[id]}, isolation none` : TITLES[id],
          shape,
          running.port,
          running.child.pid!,
          comparedWith(id),
          {
            isolation,
            operationsPerRequest: id === "ecdsa-sign-batch" ? options.batchSize : 1,
          },
        );
      }
      if (options.scenarios.includes("list-readers")) readerBody ??= await readerListing(session);
    }
    await service?.stop();
    service = undefined;
    if (readerBody !== undefined) {
      const bare = await startEntryServer("bare-server.ts", { path: "/v1/readers", body: readerBody }, "/health/ready");
      try {
        await measure("bare-http", "bare node:http, same JSON", { method: "GET", path: "/v1/readers" }, bare.port, bare.child.pid!, "bare-http", {});
      } finally {
        await stopProcess(bare.child);
      }
    }
    const cpu = cpus();
    return {
      date: new Date().toISOString(),
      machine: {
        cpus: cpu.length,
        cpuModel: cpu[0]?.model.trim() ?? "unknown",
        node: process.versions.node,
        os: `${osType()} ${release()}`,
        memoryGb: Math.round(totalmem() / 2 ** 30),
      },
      loadAverage: { before, after: loadAverage() },
      settings: {
        durationSeconds: options.durationSeconds,
        rawDurationMs: options.rawDurationMs,
        connections: options.connections,
        batchSize: options.batchSize,
      },
      raw,
      startToReadyMs,
      scenarios,
    };
  } finally {
    await service?.stop();
    bench.sandbox.remove();
  }
}
