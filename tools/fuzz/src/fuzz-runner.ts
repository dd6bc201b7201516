// Runs generated requests against a fuzz target, several at a time, and tallies what came back: by operation
// and status, and every failure (a 5xx, a response outside the spec, a secret in a response, no response).
import { createHash } from "node:crypto";
import fc from "fast-check";
import type { FuzzTarget } from "./fuzz-target.js";
import { describeValue, type Resolver } from "./fuzz-values.js";
import { anyRequestArbitrary, type RequestPlan } from "./request-arbitrary.js";
import { type Outcome, sendPlan, targetOf } from "./send-plan.js";
import { type OperationSpec, specOperations } from "./spec-operations.js";

/** How to run. */
export interface FuzzOptions {
  readonly seed: number;
  readonly runs: number;
  /**
   * Requests in flight at once. With 1, a seed replays exactly: each request is resolved against the ids learnt
   * from every earlier answer and sent after the previous one answered, so requests, order and token state repeat.
   * With more, the requests generated are the same but they interleave as the machine schedules them.
   */
  readonly concurrency: number;
  /** Keeps one line per request in `trace`: what was sent (ids by position, not value) and what came back. */
  readonly trace?: boolean;
  /** Requests per batch; between batches the target reconnects and lists objects again. */
  readonly batchSize?: number;
  /** A request with no response after this long counts as a failure (no-response). */
  readonly timeoutMs?: number;
  readonly operations?: readonly OperationSpec[];
  readonly onBatch?: (done: number, report: FuzzReport) => void;
}

/** One request that failed a property, described so that it can be replayed. */
export interface FuzzFailure {
  readonly index: number;
  readonly operationId: string;
  readonly kind: Outcome["kind"] | "5xx";
  readonly status?: number;
  readonly request: string;
  readonly detail: string;
}

/** What a run found. */
export interface FuzzReport {
  readonly seed: number;
  requests: number;
  wallMs: number;
  /** Responses by operation, then by status (or by outcome kind when there was no conforming answer). */
  readonly byOperation: Record<string, Record<string, number>>;
  readonly byStatus: Record<string, number>;
  readonly byMode: Record<string, number>;
  /** Error responses by their SCWS code, such as `CKR_SIGNATURE_INVALID 200`: how deep the requests reached. */
  readonly byCode: Record<string, number>;
  /** Failures by kind: 5xx, spec, leak, no-response, harness. */
  readonly failureCounts: Record<string, number>;
  /** The first failures, in full. */
  readonly failures: FuzzFailure[];
  slowestMs: number;
  slowestOperation: string;
  /** Module processes restarted during the run (a crash, an exit or a hang of the module). */
  moduleRestarts: number;
  /** With `trace`, one line per request in the order sent: index, operation, request digest, choices, outcome. */
  readonly trace: string[];
}

const KEPT_FAILURES = 50;
/** Requests generated at once. */
const SLICE = 25;

function describePlan(plan: RequestPlan, resolver: Resolver): string {
  let line = `${plan.operation.method} ${targetOf(plan, resolver).slice(0, 300)} [${plan.mode}]`;
  if (plan.headers.length > 0) line += ` headers=${describeValue(Object.fromEntries(plan.headers), resolver, 120)}`;
  const body = plan.body;
  if (body?.kind === "json") line += ` ${body.contentType}: ${describeValue(body.value, resolver)}`;
  else if (body?.kind === "text") line += ` ${body.contentType ?? "(no type)"}: ${JSON.stringify(body.text.slice(0, 100))}`;
  else if (body) line += ` ${body.contentType}: bytes ${Buffer.from(body.bytes).toString("hex")}`;
  return line;
}

/** Placeholders as names, so that the digest of a request is the same in every run of a seed. */
const symbolic: Resolver = {
  id: (ref) => `<${ref.kind} ${ref.pick}>`,
  secret: (ref) => `<${ref.which} pin>`,
  seen: (ref) => `<seen ${ref.field} ${ref.pick}>`,
};

/** One line of the trace: the request as generated (a digest), the ids chosen by position, and the outcome. */
function traceLine(index: number, plan: RequestPlan, choices: readonly string[], outcome: Outcome): string {
  const digest = createHash("sha256").update(describePlan(plan, symbolic)).digest("hex").slice(0, 16);
  const code = outcome.kind === "response" ? (outcome.body as { code?: unknown } | null)?.code : undefined;
  const result = outcome.kind === "response" ? `${outcome.status}${typeof code === "string" ? ` ${code}` : ""}` : outcome.kind;
  return `#${index} ${plan.operation.operationId} ${plan.mode} ${digest} [${choices.join(" ")}] -> ${result}`;
}

function increment(counts: Record<string, number>, key: string): void {
  counts[key] = (counts[key] ?? 0) + 1;
}

function record(report: FuzzReport, index: number, plan: RequestPlan, outcome: Outcome, resolver: Resolver): void {
  const operationId = plan.operation.operationId;
  const key = outcome.kind === "response" ? String(outcome.status) : outcome.kind;
  report.requests += 1;
  report.byOperation[operationId] ??= {};
  increment(report.byOperation[operationId], key);
  increment(report.byStatus, key);
  increment(report.byMode, plan.mode);
  const code = outcome.kind === "response" ? (outcome.body as { code?: unknown } | null)?.code : undefined;
  if (outcome.kind === "response" && typeof code === "string") increment(report.byCode, `${code} ${outcome.status}`);
  if (outcome.ms > report.slowestMs) {
    report.slowestMs = outcome.ms;
    report.slowestOperation = operationId;
  }
  let failure: Omit<FuzzFailure, "index" | "operationId" | "request"> | undefined;
  if (outcome.kind === "response" && outcome.status >= 500) failure = { kind: "5xx", status: outcome.status, detail: outcome.text.slice(0, 600) };
  else if (outcome.kind !== "response")
    failure = { kind: outcome.kind, ...("status" in outcome && outcome.status ? { status: outcome.status } : {}), detail: outcome.detail.slice(0, 600) };
  if (!failure) return;
  increment(report.failureCounts, failure.kind);
  if (report.failures.length < KEPT_FAILURES) report.failures.push({ index, operationId, request: describePlan(plan, resolver), ...failure });
}

/** Runs `runs` requests generated from the spec with `seed`, and reports. Deterministic in the requests it generates. */
export async function runFuzz(target: FuzzTarget, options: FuzzOptions): Promise<FuzzReport> {
  const operations = options.operations ?? specOperations();
  const arbitrary = anyRequestArbitrary(operations);
  const batchSize = options.batchSize ?? 200;
  const timeoutMs = options.timeoutMs ?? 30_000;
  const report: FuzzReport = {
    seed: options.seed,
    requests: 0,
    wallMs: 0,
    byOperation: {},
    byStatus: {},
    byMode: {},
    byCode: {},
    failureCounts: {},
    failures: [],
    slowestMs: 0,
    slowestOperation: "",
    moduleRestarts: 0,
    trace: [],
  };
  const restartsBefore = target.restarts();
  const started = performance.now();
  // Building the arbitraries takes a moment; it happens here, before any request, and not between two.
  fc.sample(arbitrary, { seed: options.seed, numRuns: 1 });
  for (let first = 0; first < options.runs; first += batchSize) {
    const size = Math.min(batchSize, options.runs - first);
    // Requests are generated a slice at a time, so that the event loop never stalls long enough for keep-alive
    // connections to expire unnoticed; each slice has a seed derived from the run's, so a run replays exactly.
    const pending: RequestPlan[] = [];
    let generated = 0;
    const nextPlan = (): [number, RequestPlan] | undefined => {
      if (pending.length === 0 && generated < size) {
        const count = Math.min(SLICE, size - generated);
        pending.push(...fc.sample(arbitrary, { seed: (options.seed + first + generated) | 0, numRuns: count }));
        generated += count;
      }
      const plan = pending.shift();
      return plan ? [first + generated - pending.length - 1, plan] : undefined;
    };
    const worker = async () => {
      for (let next = nextPlan(); next; next = nextPlan()) {
        const [index, plan] = next;
        const choices: string[] = [];
        const resolver = target.harvest.resolver(choices);
        const outcome = await sendPlan(target.t, plan, resolver, timeoutMs);
        if (outcome.kind === "response") target.harvest.observe(outcome.body, undefined, true);
        if (options.trace) report.trace.push(traceLine(index, plan, choices, outcome));
        record(report, index, plan, outcome, resolver);
      }
    };
    await Promise.all(Array.from({ length: options.concurrency }, worker));
    await target.refresh();
    report.wallMs = Math.round(performance.now() - started);
    report.moduleRestarts = target.restarts() - restartsBefore;
    options.onBatch?.(first + size, report);
  }
  return report;
}

/** The report as text: counts by operation (statuses as columns), by status, failures. */
export function formatReport(report: FuzzReport): string {
  const statuses = Object.keys(report.byStatus).sort();
  const lines = [
    `fuzz: ${report.requests} requests, seed ${report.seed}, ${(report.wallMs / 1000).toFixed(1)} s, ${Math.round(report.requests / (report.wallMs / 1000))} requests/s`,
    `by mode: ${JSON.stringify(report.byMode)}; slowest response ${report.slowestMs} ms (${report.slowestOperation}); module restarts: ${report.moduleRestarts}`,
    `by status: ${statuses.map((status) => `${status}: ${report.byStatus[status]}`).join(", ")}`,
    `by error code: ${Object.entries(report.byCode)
      .sort(([, a], [, b]) => b - a)
      .map(([code, count]) => `${code}: ${count}`)
      .join(", ")}`,
    "",
    `${"operation".padEnd(28)}${statuses.map((status) => status.padStart(10)).join("")}`,
  ];
  for (const [operationId, counts] of Object.entries(report.byOperation).sort()) {
    lines.push(`${operationId.padEnd(28)}${statuses.map((status) => String(counts[status] ?? "").padStart(10)).join("")}`);
  }
  const failed = Object.values(report.failureCounts).reduce((sum, count) => sum + count, 0);
  lines.push("", `failures: ${failed} ${JSON.stringify(report.failureCounts)}`);
  for (const failure of report.failures.slice(0, 20)) {
    lines.push(
      `  #${failure.index} ${failure.operationId} ${failure.kind}${failure.status ? ` ${failure.status}` : ""}: ${failure.request}\n    → ${failure.detail}`,
    );
  }
  return lines.join("\n");
}
