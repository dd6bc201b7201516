// `npm run soak`: mixed traffic from several clients for SCWS_SOAK_MINUTES (10 by default) against the built
// service in its own process, with faults injected through the fault module now and then (a token removed and
// restored, a slow token, a crash of the module's process). Reports RSS growth after warm-up, descriptors,
// PKCS#11 sessions and token connections against their baseline, and failed requests by security.md's
// definition, with injected-fault responses counted apart (soak-accounting.ts says how). Writes JSON and text.

import { mkdirSync, writeFileSync } from "node:fs";
import { availableParallelism, cpus } from "node:os";
import { join, resolve } from "node:path";
import { type FaultWindow, Tally } from "./soak-accounting.js";
import { openSoakEnvironment, runSoakClient, soakFetch, uncountedSend } from "./soak-client.js";
import { type ProcessSample, SOAK_LABELS, startSoakService } from "./soak-service.js";

const minutes = Number(process.env.SCWS_SOAK_MINUTES ?? 10);
const clientCount = Number(process.env.SCWS_SOAK_CLIENTS ?? 6);
const outDir = resolve(process.env.SCWS_SOAK_DIR ?? "soak-results");
const durationMs = Math.round(minutes * 60_000);
// V8 takes minutes to size its heap under steady load (the first 10-minute run, with a 1-minute warm-up, saw RSS
// climb to its working size by minute 3, then go up and down between 190 and 250 MB): the warm-up is the first
// 30 % of the run, at most 3 minutes.
const warmupMs = Math.min(180_000, Math.round(durationMs * 0.3));
/** One fault cycle: a removal, a slow token and a crash, spread over it. */
const CYCLE_MS = Math.max(20_000, Math.min(90_000, Math.round(durationMs / 6)));
const sleep = (ms: number) => new Promise((wake) => setTimeout(wake, ms));

mkdirSync(outDir, { recursive: true });
const service = await startSoakService(join(outDir, "run"));
const started = performance.now();
const clock = () => Math.round(performance.now() - started);
const tally = new Tally();
const faults: FaultWindow[] = [];
const samples: Array<ProcessSample & { at: number; heapUsedBytes: number }> = [];
const metric = async (name: string) => {
  const text = await (await soakFetch(service.url, "/metrics")).text();
  return [...text.matchAll(new RegExp(`^${name}(?:\\{[^}]*\\})? (\\S+)$`, "gm"))].reduce((sum, match) => sum + Number(match[1]), 0);
};
const baseline = { ...service.sample(), connections: await metric("scws_token_connections"), attachedSlots: await metric("scws_pkcs11_attached_slots") };
console.log(`soak: ${minutes} min, ${clientCount} clients, service pid ${service.pid} at ${service.url}; baseline ${JSON.stringify(baseline)}`);

let running = true;
const clients = Array.from({ length: clientCount }, (_, index) => {
  const label = SOAK_LABELS[index % SOAK_LABELS.length]!;
  return runSoakClient({
    url: service.url,
    application: service.application,
    label,
    pin: service.tokens[label]!.pin,
    clock,
    record: (outcome) => void tally.add(outcome, faults),
    running: () => running,
    thinkMs: 20,
  });
});

async function inject(kind: FaultWindow["kind"], apply: () => Promise<void> | void, holdMs: number, undo: () => void) {
  const window: FaultWindow = { kind, start: clock(), end: Number.POSITIVE_INFINITY };
  faults.push(window);
  await apply();
  await sleep(holdMs);
  undo();
  window.end = clock();
}

// The fault schedule, one cycle after another from the end of the warm-up: each fault lasts a few seconds.
const schedule = (async () => {
  await sleep(warmupMs);
  while (running) {
    await inject(
      "remove",
      () => service.control.removeToken("soak-b"),
      4_000,
      () => service.control.restoreToken("soak-b"),
    );
    await sleep(CYCLE_MS / 3);
    if (!running) break;
    const delay = service.control.delay("C_Sign", 300, { token: "soak-a" });
    await inject(
      "delay",
      () => undefined,
      4_000,
      () => service.control.drop(delay),
    );
    await sleep(CYCLE_MS / 3);
    if (!running) break;
    // The crash is triggered by a call no client makes (C_GenerateRandom), so that it happens exactly once.
    let crash = 0;
    await inject(
      "crash",
      async () => {
        crash = service.control.crash("C_GenerateRandom", "segv");
        const credential = await openSoakEnvironment(uncountedSend(service.url), service.application);
        const readers = (await (await soakFetch(service.url, "/v1/readers", { credential })).json()) as {
          readers: Array<{ id: string; token?: { label: string } }>;
        };
        const reader = readers.readers.find((entry) => entry.token?.label === "soak-a");
        const connected = reader
          ? ((await (await soakFetch(service.url, `/v1/readers/${reader.id}/connect`, { method: "POST", credential })).json()) as { id?: string })
          : {};
        if (connected.id) await soakFetch(service.url, `/v1/tokens/${connected.id}/random`, { method: "POST", body: { length: 16 }, credential });
        service.control.drop(crash);
        // The crash ended this connection; letting it go is what an application does.
        if (connected.id) await soakFetch(service.url, `/v1/tokens/${connected.id}`, { method: "DELETE", credential });
        if (credential) await soakFetch(service.url, "/v1/environments/current", { method: "DELETE", credential });
      },
      2_000,
      () => undefined,
    );
    await sleep(CYCLE_MS / 3);
  }
})();

// The V8 heap in use (from the service's own metrics) tells a leak from a heap that V8 merely keeps large.
const sampler = setInterval(() => {
  const at = clock();
  const processSample = service.sample();
  void metric("scws_nodejs_heap_size_used_bytes").then(
    (heapUsedBytes) => samples.push({ at, ...processSample, heapUsedBytes }),
    () => samples.push({ at, ...processSample, heapUsedBytes: Number.NaN }),
  );
}, 5_000);
for (let elapsed = 0; elapsed < durationMs; elapsed += 30_000) {
  await sleep(Math.min(30_000, durationMs - elapsed));
  console.log(
    `  ${Math.round(clock() / 1000)} s: ${tally.requests} requests, ${JSON.stringify(tally.byClass)}, ${faults.length} faults, rss ${samples.at(-1)?.rssKb} kB`,
  );
}
running = false;
await Promise.all(clients);
await schedule;
clearInterval(sampler);
service.control.reset();
// Let the service release what the clients let go of, then compare with the baseline.
await sleep(3_000);
const end = { ...service.sample(), connections: await metric("scws_token_connections"), attachedSlots: await metric("scws_pkcs11_attached_slots") };
const code = await service.stop();

const average = (list: number[]) => Math.round(list.reduce((sum, value) => sum + value, 0) / Math.max(1, list.length));
const afterWarmup = average(samples.filter((sample) => sample.at >= warmupMs && sample.at < warmupMs + 60_000).map((sample) => sample.rssKb));
const lastMinute = average(samples.filter((sample) => sample.at >= durationMs - 60_000).map((sample) => sample.rssKb));
const heapAfterWarmup = average(
  samples.filter((sample) => sample.at >= warmupMs && sample.at < warmupMs + 60_000).map((sample) => sample.heapUsedBytes / 1024),
);
const heapLastMinute = average(samples.filter((sample) => sample.at >= durationMs - 60_000).map((sample) => sample.heapUsedBytes / 1024));
const report = {
  date: new Date().toISOString(),
  machine: { cores: availableParallelism(), cpu: cpus()[0]?.model },
  minutes,
  clients: clientCount,
  requests: tally.requests,
  byClass: tally.byClass,
  failed: tally.byClass.failed,
  injectedFaultResponses: tally.injected,
  faults: {
    removals: faults.filter((f) => f.kind === "remove").length,
    delays: faults.filter((f) => f.kind === "delay").length,
    crashes: faults.filter((f) => f.kind === "crash").length,
  },
  latencyMs: { p50: tally.percentile(50), p99: tally.percentile(99), max: tally.percentile(100) },
  warmupSeconds: warmupMs / 1000,
  rss: { afterWarmupKb: afterWarmup, lastMinuteKb: lastMinute, growthPercent: Math.round(((lastMinute - afterWarmup) / afterWarmup) * 1000) / 10 },
  heapUsed: {
    afterWarmupKb: heapAfterWarmup,
    lastMinuteKb: heapLastMinute,
    growthPercent: Math.round(((heapLastMinute - heapAfterWarmup) / heapAfterWarmup) * 1000) / 10,
  },
  baseline,
  end,
  returnedToBaseline: { fds: end.fds <= baseline.fds, sessions: end.sessions <= baseline.sessions, connections: end.connections <= baseline.connections },
  serviceExitCode: code,
  byOperation: tally.byOperation,
  failures: tally.failures,
  samples,
};
writeFileSync(join(outDir, "soak-report.json"), `${JSON.stringify(report, null, 2)}\n`);
const summary = [
  `open SCWS soak, ${report.date}, ${report.machine.cores} cores: ${minutes} min, ${clientCount} clients, ${report.requests} requests`,
  `failed (5xx not explained by an injected fault, or no response within 10 s): ${report.failed}`,
  `injected-fault responses: ${JSON.stringify(report.injectedFaultResponses)} from ${JSON.stringify(report.faults)}`,
  `answers: ${JSON.stringify(report.byClass)}; latency p50 ${report.latencyMs.p50} ms, p99 ${report.latencyMs.p99} ms, max ${report.latencyMs.max} ms`,
  `service RSS: ${afterWarmup} kB in the minute after a ${warmupMs / 1000} s warm-up, ${lastMinute} kB in the last minute: ${report.rss.growthPercent} % (target < 15 %)`,
  `service V8 heap in use: ${heapAfterWarmup} kB after warm-up, ${heapLastMinute} kB in the last minute: ${report.heapUsed.growthPercent} %`,
  `descriptors: ${baseline.fds} → ${end.fds}; PKCS#11 sessions: ${baseline.sessions} → ${end.sessions}; token connections: ${baseline.connections} → ${end.connections}; attached slots: ${baseline.attachedSlots} → ${end.attachedSlots}`,
  `host processes at the end: ${end.hosts.map((host) => `${host.pid} (${host.rssKb} kB)`).join(", ")}; service exit code ${code}`,
];
writeFileSync(join(outDir, "soak-summary.txt"), `${summary.join("\n")}\n`);
console.log(`\n${summary.join("\n")}\n\nwritten to ${outDir}`);
const pass = report.failed === 0 && report.rss.growthPercent < 15 && Object.values(report.returnedToBaseline).every(Boolean) && code === 0;
process.exitCode = pass ? 0 : 1;
