// The shape of a benchmark run's results (tools/bench/results/latest.json) and the ratios and targets read from it.
import type { MeasuredLoad } from "./load/load.js";
import type { OperationId } from "./operations.js";
import type { RawResult } from "./raw/raw-limit.js";

/** A scenario measured over HTTP at several connection counts. */
export interface ScenarioResult {
  readonly id: string;
  readonly title: string;
  /** The raw limit's operation this scenario is compared with, or `bare-http` for the bare node:http server. */
  readonly comparedWith: OperationId | "bare-http";
  /** Where the service ran the module; absent for the bare node:http server. */
  readonly isolation?: "process" | "none";
  /** Token operations per request (the batch's size), 1 otherwise. */
  readonly operationsPerRequest: number;
  readonly levels: ReadonlyArray<{ readonly connections: number } & MeasuredLoad>;
}

/** Everything one `npm run bench` measured. */
export interface BenchResults {
  readonly date: string;
  readonly machine: { readonly cpus: number; readonly cpuModel: string; readonly node: string; readonly os: string; readonly memoryGb: number };
  readonly loadAverage: { readonly before: readonly number[]; readonly after: readonly number[] };
  readonly settings: { readonly durationSeconds: number; readonly rawDurationMs: number; readonly connections: readonly number[]; readonly batchSize: number };
  readonly raw: readonly RawResult[];
  /** Milliseconds from spawning the CLI to the first 200 from /health/ready, for each start. */
  readonly startToReadyMs: readonly number[];
  readonly scenarios: readonly ScenarioResult[];
}

/** Operations (signatures, decryptions...) per second of a level: requests per second times the batch size. */
export function operationsPerSecond(scenario: ScenarioResult, level: ScenarioResult["levels"][number]): number {
  return level.requestsPerSecond * scenario.operationsPerRequest;
}

/** The figure a scenario is compared with at a number of connections: the raw best, or the bare server's level. */
export function limitFor(results: BenchResults, scenario: ScenarioResult, connections: number): number | undefined {
  if (scenario.comparedWith === "bare-http") {
    return results.scenarios.find((other) => other.id === "bare-http")?.levels.find((level) => level.connections === connections)?.requestsPerSecond;
  }
  return results.raw.find((raw) => raw.operation === scenario.comparedWith)?.best.opsPerSecond;
}

/** One target of the issue, checked against a run. */
export interface TargetCheck {
  readonly target: string;
  readonly measured: string;
  readonly met: boolean;
}

const median = (values: readonly number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? Number.NaN;

/** Checks the targets against a run's figures. */
export function checkTargets(results: BenchResults): TargetCheck[] {
  const at = (id: string, connections = 16) => {
    const scenario = results.scenarios.find((candidate) => candidate.id === id);
    const level = scenario?.levels.find((candidate) => candidate.connections === connections);
    if (!scenario || !level) return undefined;
    const limit = limitFor(results, scenario, connections);
    return { level, ratio: limit ? operationsPerSecond(scenario, level) / limit : Number.NaN };
  };
  const checks: TargetCheck[] = [];
  const ratio = (id: string, minimum: number, what: string) => {
    const found = at(id);
    if (found) checks.push({ target: `${what} ≥ ${minimum} × limit`, measured: `${found.ratio.toFixed(2)} ×`, met: found.ratio >= minimum });
  };
  ratio("ecdsa-sign", 0.6, "ECDSA sign, 16 connections");
  ratio("ecdsa-sign-batch", 0.9, "ECDSA sign-batch, 16 connections");
  ratio("rsa-sign", 0.9, "RSA sign, 16 connections");
  ratio("rsa-decrypt", 0.9, "RSA decrypt, 16 connections");
  ratio("list-readers", 0.7, "listReaders vs bare node:http, 16 connections");
  const ecdsa = at("ecdsa-sign");
  if (ecdsa)
    checks.push({
      target: "ECDSA sign p99 at 16 connections ≤ 5 ms",
      measured: `${ecdsa.level.latencyMs.p99.toFixed(2)} ms`,
      met: ecdsa.level.latencyMs.p99 <= 5,
    });
  const serviceLevels = results.scenarios.filter((scenario) => scenario.id !== "bare-http").flatMap((scenario) => scenario.levels);
  const errors = serviceLevels.reduce((sum, level) => sum + level.errors, 0);
  checks.push({ target: "no errors at any level", measured: `${errors} errors`, met: errors === 0 });
  const peak = Math.max(...serviceLevels.map((level) => level.peakRssMb.service));
  const peakTotal = Math.max(...serviceLevels.map((level) => level.peakRssMb.total));
  checks.push({ target: "service peak RSS ≤ 150 MB", measured: `${peak.toFixed(0)} MB (${peakTotal.toFixed(0)} MB with host processes)`, met: peak <= 150 });
  const ready = median(results.startToReadyMs);
  checks.push({ target: "start to ready ≤ 1.5 s", measured: `${(ready / 1000).toFixed(2)} s (median)`, met: ready <= 1500 });
  return checks;
}
