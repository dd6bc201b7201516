import { describe, expect, it } from "vitest";
import { chartSvg } from "./report/chart.js";
import { report } from "./report/table.js";
import { checkTargets } from "./results.js";
import { runBenchmark } from "./run.js";

// A one-second run of one scenario: the harness provisions its token, measures the raw limit, starts the built CLI,
// drives it with the load generator's process and measures the server's processes. `npm run bench` runs it all.

describe("the benchmark harness", () => {
  it("measures ECDSA signing in-process and over HTTP for a second, and reports it against the limit", async () => {
    const results = await runBenchmark({
      durationSeconds: 1,
      rawDurationMs: 200,
      connections: [2],
      scenarios: ["ecdsa-sign"],
      batchSize: 4,
      starts: 1,
      rawSessions: [2],
    });
    const [raw] = results.raw;
    expect(raw).toMatchObject({ operation: "ecdsa-sign", best: { opsPerSecond: expect.any(Number) } });
    expect(raw!.runs.map((run) => `${run.mode}×${run.sessions}`)).toEqual(["sync×1", "async×2"]);
    const level = results.scenarios[0]!.levels[0]!;
    expect(level).toMatchObject({ connections: 2, errors: 0 });
    expect(level.requestsPerSecond).toBeGreaterThan(0);
    expect(level.latencyMs.p99).toBeGreaterThan(0);
    expect(level.serverCpuCores).toBeGreaterThan(0);
    expect(level.peakRssMb.total).toBeGreaterThan(level.peakRssMb.service);
    expect(results.startToReadyMs[0]).toBeGreaterThan(0);
    expect(report(results)).toContain("| ecdsa-sign | 2 |");
    expect(checkTargets(results).map((check) => check.target)).toContain("no errors at any level");
    expect(chartSvg(results)).toMatch(/^<svg[^>]+>[\s\S]*ECDSA P-256 sign[\s\S]*<\/svg>$/);
  }, 120_000);
});
