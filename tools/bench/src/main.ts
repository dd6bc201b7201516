// `npm run bench`: measures the service against the token's in-process limit, prints the tables, and writes
// results/latest.json and results/throughput.png (and .svg). Options: --duration S, --connections 1,4,16,64,
// --scenarios ecdsa-sign,..., --isolation process,none (a service for each), --batch N, --raw-ms MS, --out DIR, --cpu-prof DIR (V8 profiles of the service and its
// module host processes, for finding where a request's time goes; use with --out elsewhere than results/).
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { chartSvg, svgToPng } from "./report/chart.js";
import { report } from "./report/table.js";
import { type Isolation, runBenchmark, SCENARIOS, type ScenarioId } from "./run.js";

const { values } = parseArgs({
  options: {
    duration: { type: "string", default: "5" },
    connections: { type: "string", default: "1,4,16,64" },
    scenarios: { type: "string", default: SCENARIOS.join(",") },
    batch: { type: "string", default: "32" },
    "raw-ms": { type: "string", default: "1500" },
    starts: { type: "string", default: "3" },
    isolation: { type: "string", default: "process,none" },
    out: { type: "string", default: join(dirname(fileURLToPath(import.meta.url)), "../results") },
    "cpu-prof": { type: "string" },
  },
});
const list = (text: string) =>
  text
    .split(",")
    .map((item) => item.trim())
    .filter(Boolean);
const scenarios = list(values.scenarios) as ScenarioId[];
const unknown = scenarios.filter((id) => !SCENARIOS.includes(id));
if (unknown.length > 0) {
  console.error(`Unknown scenarios: ${unknown.join(", ")}. Known: ${SCENARIOS.join(", ")}.`);
  process.exit(2);
}

const isolations = list(values.isolation) as Isolation[];
if (isolations.length === 0 || isolations.some((isolation) => isolation !== "process" && isolation !== "none")) {
  console.error("--isolation takes process, none, or both: process,none.");
  process.exit(2);
}

const results = await runBenchmark({
  isolations,
  durationSeconds: Number(values.duration),
  rawDurationMs: Number(values["raw-ms"]),
  connections: list(values.connections).map(Number),
  scenarios,
  batchSize: Number(values.batch),
  starts: Number(values.starts),
  rawSessions: [1, 2, 4, 8, 16],
  ...(values["cpu-prof"] ? { cpuProfileDir: resolve(values["cpu-prof"]) } : {}),
  log: (line) => console.error(`  ${line}`),
});
const out = resolve(values.out);
mkdirSync(out, { recursive: true });
writeFileSync(join(out, "latest.json"), `${JSON.stringify(results, null, 2)}\n`);
writeFileSync(join(out, "latest.md"), `${report(results)}\n`);
const svg = chartSvg(results);
writeFileSync(join(out, "throughput.svg"), svg);
const png = await svgToPng(svg);
if (png) writeFileSync(join(out, "throughput.png"), png);
else console.error("No Chromium found (CHROMIUM_PATH or /usr/bin/chromium): the chart is written as SVG only.");
console.log(report(results));
console.log(`\nResults in ${out}`);
