// The run as Markdown tables: the raw limits, every scenario against its limit, and the issue's targets.
import { checkBudgets } from "../budgets.js";
import { type BenchResults, checkTargets, limitFor, operationsPerSecond } from "../results.js";

const number = (value: number, digits = 0) =>
  Number.isFinite(value) ? value.toLocaleString("en-US", { maximumFractionDigits: digits, minimumFractionDigits: digits }) : "–";

function table(header: readonly string[], rows: ReadonlyArray<readonly string[]>): string {
  const align = header.map((_, index) => (index === 0 ? "---" : "---:"));
  return [header, align, ...rows].map((cells) => `| ${cells.join(" | ")} |`).join("\n");
}

/** The raw limits: each configuration's operations per second, and the best. */
export function rawTable(results: BenchResults): string {
  const configurations = results.raw[0]?.runs.map((run) => (run.mode === "sync" ? "sync" : `async ×${run.sessions}`)) ?? [];
  const rows = results.raw.map((raw) => [
    raw.operation,
    ...raw.runs.map((run) => number(run.opsPerSecond)),
    `**${number(raw.best.opsPerSecond)}**`,
    number(raw.best.cpuMicrosPerOp),
  ]);
  return table(["in-process pkcs11js, ops/s", ...configurations, "limit (best)", "CPU µs/op (best)"], rows);
}

/** Every scenario at every connection count, with its ratio to the limit. */
export function scenarioTable(results: BenchResults): string {
  const rows: string[][] = [];
  for (const scenario of results.scenarios) {
    for (const level of scenario.levels) {
      const limit = limitFor(results, scenario, level.connections);
      const ops = operationsPerSecond(scenario, level);
      const ratio = scenario.id === "bare-http" ? "" : limit ? `${number(ops / limit, 2)} ×` : "–";
      rows.push([
        scenario.id,
        String(level.connections),
        number(level.requestsPerSecond),
        scenario.operationsPerRequest > 1 ? number(ops) : "",
        ratio,
        number(level.latencyMs.p50, 2),
        number(level.latencyMs.p99, 2),
        number(level.latencyMs.p999, 2),
        String(level.errors),
        number(level.serverCpuCores, 2),
        number(level.clientCpuCores, 2),
        `${number(level.serverCpuMicrosPerRequest)} (${number(level.cpuMicrosPerRequest.service)} + ${number(level.cpuMicrosPerRequest.hosts)})`,
        `${number(level.peakRssMb.service)} / ${number(level.peakRssMb.total)}`,
      ]);
    }
  }
  return table(
    [
      "scenario",
      "conns",
      "req/s",
      "ops/s",
      "ratio",
      "p50 ms",
      "p99 ms",
      "p99.9 ms",
      "errors",
      "server CPU (cores)",
      "client CPU (cores)",
      "CPU µs/req (service + hosts)",
      "peak RSS MB service / +hosts",
    ],
    rows,
  );
}

/** One line per scenario at 16 connections (or the nearest level measured): the figures the targets speak of. */
export function summaryTable(results: BenchResults, connections = 16): string {
  const rows = results.scenarios
    .filter((scenario) => scenario.id !== "bare-http")
    .map((scenario) => {
      const level = [...scenario.levels].sort((a, b) => Math.abs(a.connections - connections) - Math.abs(b.connections - connections))[0]!;
      const limit = limitFor(results, scenario, level.connections);
      const ops = operationsPerSecond(scenario, level);
      return [
        scenario.title,
        String(level.connections),
        number(ops),
        limit ? number(limit) : "–",
        limit ? `${number(ops / limit, 2)} ×` : "–",
        number(level.latencyMs.p50, 2),
        number(level.latencyMs.p99, 2),
        String(level.errors),
        number(level.serverCpuCores, 2),
        number(level.clientCpuCores, 2),
      ];
    });
  return table(["over HTTP", "conns", "ops/s", "limit ops/s", "ratio", "p50 ms", "p99 ms", "errors", "server CPU (cores)", "client CPU (cores)"], rows);
}

/** The targets, met or not. */
export function targetTable(results: BenchResults): string {
  return table(
    ["target", "measured", "met"],
    checkTargets(results).map((check) => [check.target, check.measured, check.met ? "yes" : "**no**"]),
  );
}

/** The CPU budget per request, met or not. */
export function budgetTable(results: BenchResults): string {
  return table(
    ["CPU budget per request, 16 connections", "measured µs", "reference µs", "budget µs", "ratio", "met"],
    checkBudgets(results).map((check) => [
      check.line,
      number(check.measured),
      number(check.reference),
      number(check.factor * check.reference),
      `${number(check.measured / check.reference, 2)} ×`,
      check.met ? "yes" : "**no**",
    ]),
  );
}

/** The whole report. */
export function report(results: BenchResults): string {
  const [one, five, fifteen] = results.loadAverage.before;
  const after = results.loadAverage.after.map((value) => value.toFixed(2)).join(", ");
  const { machine, settings } = results;
  const clientShares = results.scenarios.flatMap((scenario) => scenario.levels.map((level) => level.clientCpuCores));
  const clientLine = `the load generator (autocannon) took ${number(Math.min(...clientShares), 2)} to ${number(Math.max(...clientShares), 2)} of the ${machine.cpus} cores (client CPU column): the service had the rest, shared with anything else running`;
  return [
    `open SCWS benchmark, ${results.date}: ${machine.cpus} × ${machine.cpuModel}, ${machine.memoryGb} GB, Node ${machine.node}, ${machine.os}`,
    `load average before: ${one?.toFixed(2)}, ${five?.toFixed(2)}, ${fifteen?.toFixed(2)}; after: ${after}`,
    clientLine,
    `${settings.durationSeconds} s per level, raw ${settings.rawDurationMs} ms per configuration, batch of ${settings.batchSize}; start to ready: ${results.startToReadyMs.map((ms) => `${number(ms)} ms`).join(", ")}`,
    "",
    summaryTable(results),
    "",
    rawTable(results),
    "",
    scenarioTable(results),
    "",
    budgetTable(results),
    "",
    targetTable(results),
  ].join("\n");
}
