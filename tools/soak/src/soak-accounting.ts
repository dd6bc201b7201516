// How the soak counts its requests, as security.md defines availability: a request has failed if it gets a
// 5xx or no response within 10 s. Faults the soak injects on purpose make the module answer CKR_DEVICE_ERROR
// (502) or the token CKR_DEVICE_REMOVED (409); those are counted apart, as injected-fault responses, but only
// while a fault is active or within a grace period after it ends.

/** A request has failed when no response came within this long (security.md, Availability). */
export const RESPONSE_DEADLINE_MS = 10_000;
/** After a fault ends, answers it caused may still arrive (calls queued behind it, a restart finishing). */
export const FAULT_GRACE_MS = 3_000;

/** A fault the soak injected, from `start` to `end` (ms since the soak started). */
export interface FaultWindow {
  readonly kind: "remove" | "delay" | "crash";
  readonly start: number;
  end: number;
}

/** What one request got. */
export interface RequestOutcome {
  readonly operation: string;
  /** When it was sent, in ms since the soak started. */
  readonly at: number;
  readonly ms: number;
  /** The HTTP status, or undefined when no response came in time. */
  readonly status?: number;
  /** The SCWS code of an error answer. */
  readonly code?: string;
}

/** The codes an injected fault legitimately produces. */
const FAULT_CODES = new Set(["CKR_DEVICE_ERROR", "CKR_DEVICE_REMOVED", "CKR_TOKEN_NOT_PRESENT", "CKR_SESSION_HANDLE_INVALID", "CKR_SESSION_CLOSED"]);

/** Each request falls in exactly one class. */
export type OutcomeClass = "ok" | "client-error" | "injected-fault" | "failed";

/** Whether a request overlapped a fault window (widened by the grace period). */
export function duringFault(outcome: RequestOutcome, faults: readonly FaultWindow[]): boolean {
  return faults.some((fault) => outcome.at <= fault.end + FAULT_GRACE_MS && outcome.at + outcome.ms >= fault.start);
}

/**
 * Classifies a request: `failed` for no response within 10 s or a 5xx that no injected fault explains (any 5xx
 * outside a fault window, and any 5xx other than CKR_DEVICE_ERROR inside one); `injected-fault` for a fault's
 * code during its window (502 CKR_DEVICE_ERROR, 409 CKR_DEVICE_REMOVED...); `client-error` for other 4xx
 * (a wrong PIN is a response); `ok` otherwise.
 */
export function classify(outcome: RequestOutcome, faults: readonly FaultWindow[]): OutcomeClass {
  if (outcome.status === undefined || outcome.ms > RESPONSE_DEADLINE_MS) return "failed";
  const inFault = duringFault(outcome, faults);
  if (outcome.status >= 500) return inFault && outcome.code === "CKR_DEVICE_ERROR" ? "injected-fault" : "failed";
  if (outcome.status >= 400) return inFault && outcome.code !== undefined && FAULT_CODES.has(outcome.code) ? "injected-fault" : "client-error";
  return "ok";
}

/** Counts by class, by operation and status, and by the code of injected-fault responses; keeps the first failures. */
export class Tally {
  readonly byClass: Record<OutcomeClass, number> = { ok: 0, "client-error": 0, "injected-fault": 0, failed: 0 };
  readonly byOperation: Record<string, Record<string, number>> = {};
  readonly injected: Record<string, number> = {};
  readonly failures: RequestOutcome[] = [];
  readonly latencies: number[] = [];

  add(outcome: RequestOutcome, faults: readonly FaultWindow[]): OutcomeClass {
    const kind = classify(outcome, faults);
    this.byClass[kind] += 1;
    const key = outcome.status === undefined ? "no response" : String(outcome.status);
    this.byOperation[outcome.operation] ??= {};
    const counts = this.byOperation[outcome.operation]!;
    counts[key] = (counts[key] ?? 0) + 1;
    if (kind === "injected-fault") this.injected[`${outcome.status} ${outcome.code}`] = (this.injected[`${outcome.status} ${outcome.code}`] ?? 0) + 1;
    if (kind === "failed" && this.failures.length < 50) this.failures.push(outcome);
    this.latencies.push(outcome.ms);
    return kind;
  }

  get requests(): number {
    return Object.values(this.byClass).reduce((sum, count) => sum + count, 0);
  }

  /** The p-th percentile of answer times, in ms. */
  percentile(p: number): number {
    const sorted = [...this.latencies].sort((a, b) => a - b);
    return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
  }
}
