// `npm run fuzz`: a long fuzz run (50,000 requests by default) with a random seed, printed first so that a
// failure can be replayed: SCWS_FUZZ_SEED=<seed> npm run fuzz sends the same requests; with
// SCWS_FUZZ_CONCURRENCY=1 also in the same order against the same token state. Exits 1 when any property failed.
import { randomInt } from "node:crypto";
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { formatReport, runFuzz } from "./fuzz-runner.js";
import { startFuzzTarget } from "./fuzz-target.js";

const numberFrom = (name: string, fallback: number) => {
  const text = process.env[name];
  if (text === undefined || text === "") return fallback;
  const value = Number(text);
  if (!Number.isInteger(value)) throw new Error(`${name} must be an integer, not ${JSON.stringify(text)}`);
  return value;
};

const seed = numberFrom("SCWS_FUZZ_SEED", randomInt(2 ** 31 - 1));
const runs = numberFrom("SCWS_FUZZ_RUNS", 50_000);
const concurrency = numberFrom("SCWS_FUZZ_CONCURRENCY", 8);
const reportPath = resolve(process.env.SCWS_FUZZ_REPORT ?? "fuzz-report.json");
console.log(
  `fuzz: seed ${seed}, ${runs} requests, ${concurrency} at a time (replay with SCWS_FUZZ_SEED=${seed} SCWS_FUZZ_RUNS=${runs}, exactly with SCWS_FUZZ_CONCURRENCY=1)`,
);

const target = await startFuzzTarget();
let closed = false;
try {
  const report = await runFuzz(target, {
    seed,
    runs,
    concurrency,
    onBatch: (done, progress) => {
      const failed = Object.values(progress.failureCounts).reduce((sum, count) => sum + count, 0);
      console.log(`  ${done}/${runs} requests, ${(progress.wallMs / 1000).toFixed(0)} s, ${failed} failures`);
    },
  });
  await target.close();
  closed = true;
  const finished = { ...report, date: new Date().toISOString(), cores: (await import("node:os")).availableParallelism() };
  mkdirSync(dirname(reportPath), { recursive: true });
  writeFileSync(reportPath, `${JSON.stringify(finished, null, 2)}\n`);
  console.log(`\n${formatReport(report)}\n\nreport written to ${reportPath}`);
  const failed = Object.values(report.failureCounts).reduce((sum, count) => sum + count, 0) + report.moduleRestarts;
  process.exitCode = failed > 0 ? 1 : 0;
} finally {
  // close() also checks the service's log for secrets, and throws when it finds one.
  if (!closed) await target.close();
}
