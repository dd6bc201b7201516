// Entry of the load generator's process: autocannon against one URL, with every response time kept at full
// precision (autocannon's own histogram rounds to whole milliseconds), printed as JSON.
import autocannon from "autocannon";
import type { LoadOptions, LoadResult } from "./load.js";

const options = JSON.parse(process.argv[2] ?? "{}") as LoadOptions;
const times: number[] = [];
const statuses = new Map<number, number>();

const cpuBefore = process.cpuUsage();
const result = await autocannon({
  url: options.url,
  method: options.method,
  headers: options.headers,
  ...(options.body === undefined ? {} : { body: options.body }),
  connections: options.connections,
  duration: options.durationSeconds,
  pipelining: 1,
  timeout: 10,
  setupClient: (client) => {
    client.on("response", (status: number, _bytes: number, responseTime: number) => {
      statuses.set(status, (statuses.get(status) ?? 0) + 1);
      times.push(responseTime);
    });
  },
});

const cpu = process.cpuUsage(cpuBefore);
times.sort((a, b) => a - b);
const percentile = (p: number) => (times.length === 0 ? 0 : times[Math.min(times.length - 1, Math.ceil((p / 100) * times.length) - 1)]!);
const ok = result["2xx"];
const output: LoadResult = {
  requests: result.requests.total,
  ok,
  requestsPerSecond: ok / ((result.duration ?? options.durationSeconds) || options.durationSeconds),
  latencyMs: { p50: percentile(50), p99: percentile(99), p999: percentile(99.9), max: times.at(-1) ?? 0 },
  errors: result.errors + result.timeouts + result.non2xx,
  statuses: Object.fromEntries(statuses),
  durationSeconds: result.duration,
  clientCpuSeconds: (cpu.user + cpu.system) / 1e6,
};
process.stdout.write(`${JSON.stringify(output)}\n`);
