// Ten thousand requests generated from the spec (valid, at the boundaries, hostile) across every operation, with
// a fixed seed, against a real service over SoftHSM tokens holding keys, a certificate and a data container.
// `npm run fuzz` runs more, with a random seed. Twelve at a time, the requests are the seed's but interleave as the
// machine schedules them; replay.contract.test.ts checks that one at a time a seed replays exactly.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type FuzzReport, formatReport, runFuzz } from "./fuzz-runner.js";
import { type FuzzTarget, startFuzzTarget } from "./fuzz-target.js";
import { specOperations } from "./spec-operations.js";

const SEED = 20_261_129;
const RUNS = 10_000;

describe(`${RUNS} requests generated from the spec (seed ${SEED})`, () => {
  let target: FuzzTarget;
  let report: FuzzReport;
  beforeAll(async () => {
    target = await startFuzzTarget();
    report = await runFuzz(target, { seed: SEED, runs: RUNS, concurrency: 12, batchSize: 400 });
    console.log(formatReport(report));
  }, 900_000);
  afterAll(() => target?.close());

  const failuresOf = (kind: string) => report.failures.filter((failure) => failure.kind === kind);

  it("answers every request: no 5xx, and no request left without a response", () => {
    expect(failuresOf("5xx")).toEqual([]);
    expect(failuresOf("no-response")).toEqual([]);
    expect(report.failureCounts).toEqual({});
  });

  it("answers within the spec: a declared status, its content type and body schema", () => {
    expect(failuresOf("spec")).toEqual([]);
  });

  it("never puts a PIN in a response (the token PINs are canaries, and requests carry them)", () => {
    expect(failuresOf("leak")).toEqual([]);
  });

  it("keeps its PKCS#11 module running: no crash, exit or hang restarted it", () => {
    expect(report.moduleRestarts).toBe(0);
  });

  it("covers every operation of the spec, and reaches past validation into the tokens", () => {
    expect(report.requests).toBe(RUNS);
    expect(Object.keys(report.byOperation).sort()).toEqual(
      specOperations()
        .map((operation) => operation.operationId)
        .sort(),
    );
    for (const [operationId, counts] of Object.entries(report.byOperation)) {
      expect(
        Object.values(counts).reduce((sum, count) => sum + count, 0),
        operationId,
      ).toBeGreaterThan(RUNS / 100);
    }
    const successes = Object.entries(report.byStatus).filter(([status]) => status.startsWith("2"));
    expect(successes.reduce((sum, [, count]) => sum + count, 0)).toBeGreaterThan(RUNS / 5);
    // Answers that only a token gives: a wrong PIN, a signature that does not verify, a key that may not do this.
    expect(Object.keys(report.byCode).filter((code) => /^CKR_(PIN_INCORRECT|KEY_|SIGNATURE_|MECHANISM_|USER_)/.test(code)).length).toBeGreaterThan(3);
  });
});
