// One load run: autocannon in a process of its own (so that it does not share this process's event loop), with
// the service's CPU time and memory measured from outside while it runs.
import { ProcessTree, sampleMemory } from "../proc-stats.js";
import { runEntry } from "../processes.js";

/** What the load generator is asked to do. */
export interface LoadOptions {
  readonly url: string;
  readonly method: "GET" | "POST";
  readonly headers: Record<string, string>;
  readonly body?: string;
  readonly connections: number;
  readonly durationSeconds: number;
}

/** What the load generator measured. */
export interface LoadResult {
  /** Requests answered, whatever the status. */
  readonly requests: number;
  /** Requests answered 2xx. */
  readonly ok: number;
  /** 2xx answers per second. */
  readonly requestsPerSecond: number;
  readonly latencyMs: { readonly p50: number; readonly p99: number; readonly p999: number; readonly max: number };
  /** Connection errors, timeouts and non-2xx answers. */
  readonly errors: number;
  readonly statuses: Readonly<Record<string, number>>;
  readonly durationSeconds: number;
  /** CPU seconds the load generator itself used while it ran (it shares the machine with the server). */
  readonly clientCpuSeconds: number;
}

/** A load run with what the server used meanwhile. */
export interface MeasuredLoad extends LoadResult {
  /** CPU seconds per second of the server and its module host processes (2 would be both cores). */
  readonly serverCpuCores: number;
  /** Server and host CPU time per 2xx answer, in microseconds. */
  readonly serverCpuMicrosPerRequest: number;
  /** The same, split between the service process and its module host processes. */
  readonly cpuMicrosPerRequest: { readonly service: number; readonly hosts: number };
  /** CPU seconds per second of the load generator (autocannon): what it took of the machine's cores. */
  readonly clientCpuCores: number;
  /** Peak resident memory during the run, in MB: the service process alone, and with its host processes. */
  readonly peakRssMb: { readonly service: number; readonly total: number };
}

const MB = 1024 * 1024;

/** Runs the load generator and measures the process tree of `serverPid` meanwhile. */
export async function measureLoad(options: LoadOptions, serverPid: number): Promise<MeasuredLoad> {
  const tree = new ProcessTree(serverPid);
  const stopSampling = sampleMemory(tree);
  const cpuBefore = tree.cpu();
  const started = performance.now();
  const result = await runEntry<LoadResult>("load/load-runner.ts", options);
  const seconds = (performance.now() - started) / 1000;
  const used = tree.cpuSince(cpuBefore);
  const cpu = used.service + used.hosts;
  const perRequest = (seconds: number) => (result.ok > 0 ? (seconds * 1e6) / result.ok : 0);
  const peak = stopSampling();
  // The load process's own start (tsx, autocannon) is inside the window; its share of the time is small and the
  // server is idle during it, so CPU per second is over the load's own duration.
  const busySeconds = Math.min(seconds, result.durationSeconds || options.durationSeconds);
  return {
    ...result,
    serverCpuCores: cpu / busySeconds,
    clientCpuCores: result.clientCpuSeconds / busySeconds,
    serverCpuMicrosPerRequest: perRequest(cpu),
    cpuMicrosPerRequest: { service: perRequest(used.service), hosts: perRequest(used.hosts) },
    peakRssMb: { service: peak.service / MB, total: peak.total / MB },
  };
}
