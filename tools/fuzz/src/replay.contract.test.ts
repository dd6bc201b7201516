// A seed replays: two runs of the same seed, each against a service of its own over fresh tokens, send the same
// requests in the same order, choose the same ids by position, and get the same statuses and codes.
import { describe, expect, it } from "vitest";
import { runFuzz } from "./fuzz-runner.js";
import { startFuzzTarget } from "./fuzz-target.js";

const SEED = 4_242;
const RUNS = 300;

async function traceOf(seed: number): Promise<string[]> {
  const target = await startFuzzTarget();
  try {
    return (await runFuzz(target, { seed, runs: RUNS, concurrency: 1, batchSize: 100, trace: true })).trace;
  } finally {
    await target.close();
  }
}

describe(`the spec fuzzer with seed ${SEED}, ${RUNS} requests one at a time`, () => {
  it("sends the same requests and gets the same answers in two runs, each over fresh tokens", async () => {
    const first = await traceOf(SEED);
    const second = await traceOf(SEED);
    expect(first).toHaveLength(RUNS);
    // A trace worth comparing: many operations, successes and refusals, ids chosen from what the service listed.
    expect(new Set(first.map((line) => line.split(" ")[1])).size).toBeGreaterThan(20);
    expect(new Set(first.map((line) => line.split(" -> ")[1]!.slice(0, 3))).size).toBeGreaterThan(4);
    expect(first.some((line) => line.includes("objects["))).toBe(true);
    const differing = first.flatMap((line, index) => (second[index] === line ? [] : [`${line}\n  then ${second[index]}`]));
    expect(differing).toEqual([]);
  }, 300_000);
});
