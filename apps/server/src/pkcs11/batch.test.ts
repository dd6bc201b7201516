import { describe, expect, it } from "vitest";
import { type BatchRunner, runBatch } from "./batch.js";

const failure = (code: number) => Object.assign(new Error(`CKR_${code}`), { name: "Pkcs11Error", code });
const busy = (ms: number) => {
  const until = performance.now() + ms;
  while (performance.now() < until);
};

/** A runner that records which path made each item; `slow` items take 3 ms inline. */
function runner(options: { slow?: (input: number) => boolean; fail?: (input: number) => Error | undefined; ending?: number } = {}) {
  const inline: number[] = [];
  const asynchronous: number[] = [];
  let inFlight = 0;
  let mostInFlight = 0;
  const make = (input: number) => {
    const error = options.fail?.(input);
    if (error) throw error;
    return input * 10;
  };
  const batch: BatchRunner<number, number> = {
    concurrency: 3,
    work: async (input) => {
      asynchronous.push(input);
      inFlight += 1;
      mostInFlight = Math.max(mostInFlight, inFlight);
      await new Promise((resolve) => setImmediate(resolve));
      inFlight -= 1;
      return make(input);
    },
    inline: async (burst) =>
      burst((input) => {
        inline.push(input);
        if (options.slow?.(input)) busy(3);
        return make(input);
      }),
    endsBatch: (error) => (error as { code?: number }).code === options.ending,
  };
  return { batch, inline, asynchronous, mostInFlight: () => mostInFlight };
}

describe("running a batch", () => {
  it("makes quick items inline, in order, each result in its place", async () => {
    const r = runner();
    const results = await runBatch([1, 2, 3, 4], r.batch);
    expect(results).toEqual([1, 2, 3, 4].map((input) => ({ ok: true, value: input * 10 })));
    expect(r.inline).toEqual([1, 2, 3, 4]);
    expect(r.asynchronous).toEqual([]);
  });

  it("sends the rest down the asynchronous path, over at most `concurrency` sessions, once an item is slow", async () => {
    const r = runner({ slow: (input) => input === 2 });
    const inputs = Array.from({ length: 10 }, (_, index) => index + 1);
    const results = await runBatch(inputs, r.batch);
    expect(results.map((result) => (result.ok ? result.value : undefined))).toEqual(inputs.map((input) => input * 10));
    expect(r.inline).toEqual([1, 2]);
    expect(r.asynchronous).toEqual([3, 4, 5, 6, 7, 8, 9, 10]);
    expect(r.mostInFlight()).toBe(3);
  });

  it("answers an item's own failure in its place, as plain data, and goes on", async () => {
    const r = runner({ fail: (input) => (input === 2 ? failure(0x21) : undefined) });
    const results = await runBatch([1, 2, 3], r.batch);
    expect(results[1]).toEqual({ ok: false, error: { name: "Pkcs11Error", message: "CKR_33", code: 0x21 } });
    expect(results[2]).toEqual({ ok: true, value: 30 });
  });

  it("rejects the whole batch with a failure that ends it, on either path, and starts no further item", async () => {
    const inlineEnding = runner({ fail: (input) => (input === 2 ? failure(0xe0) : undefined), ending: 0xe0 });
    await expect(runBatch([1, 2, 3], inlineEnding.batch)).rejects.toMatchObject({ code: 0xe0 });
    expect(inlineEnding.inline).toEqual([1, 2]);
    const asyncEnding = runner({ slow: () => true, fail: (input) => (input === 5 ? failure(0xe0) : undefined), ending: 0xe0 });
    await expect(runBatch([1, 2, 3, 4, 5, 6, 7, 8, 9], asyncEnding.batch)).rejects.toMatchObject({ code: 0xe0 });
    expect(asyncEnding.asynchronous).not.toContain(9);
  });
});
