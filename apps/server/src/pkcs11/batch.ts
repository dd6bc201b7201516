// Runs the items of a batch: quick ones back to back in short bursts, the others concurrently, at most as many at once
// as the token has sessions, each borrowing a session for itself, so that other requests' calls interleave with a
// batch rather than wait behind all of it.
import type { BatchItem, PlainFailure } from "./host.js";

function plain(error: unknown): PlainFailure {
  const { name, message, code, method } = error as Partial<PlainFailure>;
  return {
    name: typeof name === "string" ? name : "Error",
    message: typeof message === "string" ? message : String(error),
    ...(typeof code === "number" ? { code } : {}),
    ...(typeof method === "string" ? { method } : {}),
  };
}

/** How a batch runs its items. */
export interface BatchRunner<Input, Value> {
  /** At most this many items at once on the asynchronous path: the token's sessions. */
  readonly concurrency: number;
  /** One item, asynchronously, on a session borrowed for it. */
  readonly work: (input: Input) => Promise<Value>;
  /** Runs `burst` with one session held, giving it a way to make items synchronously, back to back. */
  readonly inline?: (burst: (now: (input: Input) => Value) => void) => Promise<void>;
  /** Whether a failure concerns the whole batch: it stops the batch and rejects the call. */
  readonly endsBatch: (error: unknown) => boolean;
}

/** An item quicker than this, made synchronously, is cheaper than the two thread hops of an asynchronous call. */
export const QUICK_MS = 1;
/** How long a burst of synchronous items may hold the token's thread before other calls to the token run. */
const BURST_MS = 2;

/**
 * Runs every input and answers in order; a failure for which `endsBatch` is true stops the batch (items not started
 * are not run) and rejects the whole call with it. With `inline`, items are first made synchronously, back to back on
 * one session, in bursts of at most BURST_MS with other calls to the token between them, for as long as each takes
 * under QUICK_MS: an in-process ECDSA signature takes less than the thread hops of an asynchronous one (pkcs11js in
 * process, tools/bench: 10,147 signatures/s synchronously, at best 6,435/s with ...Async). The first item slower
 * than that (an RSA key, a token behind a network) sends the rest down the asynchronous path, at most `concurrency`
 * at once over the token's sessions.
 */
export async function runBatch<Input, Value>(inputs: readonly Input[], runner: BatchRunner<Input, Value>): Promise<Array<BatchItem<Value>>> {
  const results = new Array<BatchItem<Value>>(inputs.length);
  let next = 0;
  let quick = runner.inline !== undefined;
  while (quick && next < inputs.length) {
    await runner.inline!((now) => {
      const began = performance.now();
      while (next < inputs.length) {
        const index = next++;
        const started = performance.now();
        try {
          results[index] = { ok: true, value: now(inputs[index]!) };
        } catch (error) {
          if (runner.endsBatch(error)) throw error;
          results[index] = { ok: false, error: plain(error) };
        }
        const ended = performance.now();
        if (ended - started > QUICK_MS) quick = false;
        if (!quick || ended - began > BURST_MS) return;
      }
    });
    if (quick && next < inputs.length) await new Promise((resolve) => setImmediate(resolve));
  }
  let ending: { error: unknown } | undefined;
  const worker = async () => {
    while (next < inputs.length && !ending) {
      const index = next++;
      try {
        results[index] = { ok: true, value: await runner.work(inputs[index]!) };
      } catch (error) {
        if (runner.endsBatch(error)) ending ??= { error };
        else results[index] = { ok: false, error: plain(error) };
      }
    }
  };
  const remaining = inputs.length - next;
  if (remaining > 0) await Promise.all(Array.from({ length: Math.max(1, Math.min(runner.concurrency, remaining)) }, worker));
  if (ending) throw ending.error;
  return results;
}
