// Runs the items of a batch concurrently, at most as many at once as the token has sessions, each item borrowing a
// session for itself so that other requests' calls interleave with the batch rather than wait behind all of it.
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

/**
 * Runs `work` on each input with at most `concurrency` at once, and answers in order. A failure for which
 * `endsBatch` is true stops the batch (items not started are not run) and rejects the whole call with it.
 */
export async function runBatch<Input, Value>(
  inputs: readonly Input[],
  concurrency: number,
  work: (input: Input) => Promise<Value>,
  endsBatch: (error: unknown) => boolean,
): Promise<Array<BatchItem<Value>>> {
  const results = new Array<BatchItem<Value>>(inputs.length);
  let next = 0;
  let ending: { error: unknown } | undefined;
  const worker = async () => {
    while (next < inputs.length && !ending) {
      const index = next++;
      try {
        results[index] = { ok: true, value: await work(inputs[index]!) };
      } catch (error) {
        if (endsBatch(error)) ending ??= { error };
        else results[index] = { ok: false, error: plain(error) };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(concurrency, inputs.length)) }, worker));
  if (ending) throw ending.error;
  return results;
}
