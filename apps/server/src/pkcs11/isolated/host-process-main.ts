// The host process: runs one PKCS#11 module for the service, so that a crash or hang in the module takes down only
// this process. Its main thread only routes calls: each token's calls go to that token's lane (a thread with an
// InProcessHost), the module-wide ones to the owner lane, which initialises the module.

import { Worker } from "node:worker_threads";
import { type CkrName, ckrValues } from "@open-scws/errors";
import { HOST_CALLS, type HostCallSpec, isHostCall } from "../host-calls.js";
import type { ModuleOptions } from "../in-process-host.js";
import type { LaneData } from "./lane.js";
import { Batcher, type CallMessage, HELLO, type ReplyMessage, toWire } from "./protocol.js";

/** More lanes than any reader set needs: a bound against slot handles that are not slots. */
const MAX_LANES = 256;
/** Lanes kept started ahead of need, so that a token's first call does not wait for a thread to load its code. */
const SPARE_LANES = 1;
/** How long the process may take to close its module when the service went away without stopping it. */
const ORPHAN_GRACE_MS = 2_000;

const options = JSON.parse(process.argv[2] ?? "{}") as ModuleOptions;

/** Sends to the service, unless it is gone (then the disconnect handler below ends this process). */
function send(batch: unknown[], then: () => void = () => undefined): void {
  if (process.connected) process.send?.(batch, then);
  else then();
}

const toService = new Batcher<ReplyMessage>((batch) => send(batch), setImmediate);
const extension = import.meta.url.endsWith(".ts") ? ".ts" : ".js";

function laneWorker(data: LaneData): Worker {
  const url = new URL(`./lane${extension}`, import.meta.url);
  if (extension === ".js") return new Worker(url, { workerData: data });
  // Under tsx (tests, development) each thread needs the TypeScript loader registered in it.
  const tsx = JSON.stringify(import.meta.resolve("tsx/esm/api"));
  return new Worker(`import(${tsx}).then((tsx) => { tsx.register(); return import(${JSON.stringify(url.href)}); });`, { eval: true, workerData: data });
}

let internalId = 0;

/** One lane: a worker thread running an InProcessHost. */
class Lane {
  private readonly worker: Worker;
  private readonly internal = new Map<number, { resolve(value: unknown): void; reject(error: unknown): void }>();

  constructor(
    public name: string,
    owner: boolean,
  ) {
    this.worker = laneWorker({ options, owner });
    this.worker.on("message", (batch: ReplyMessage[]) => this.answered(batch));
    // Only a fault in the lane's own JavaScript ends a lane alone (a native fault ends the process). Its token's
    // sessions went with it, so the process ends too: the service then learns that its module was restarted.
    this.worker.on("error", (error) => endProcess(`the ${this.name} lane failed: ${error.message}`));
    this.worker.on("exit", () => endProcess(`the ${this.name} lane ended`));
  }

  post(calls: CallMessage[]): void {
    this.worker.postMessage(calls);
  }

  /** Calls a host method for the host process itself (stopping), not for the service. */
  call(method: string, args: unknown[] = []): Promise<unknown> {
    internalId -= 1;
    const id = internalId;
    return new Promise((resolve, reject) => {
      this.internal.set(id, { resolve, reject });
      this.worker.postMessage([{ id, method, args }]);
    });
  }

  terminate(): Promise<number> {
    this.worker.removeAllListeners("exit");
    return this.worker.terminate();
  }

  private answered(batch: ReplyMessage[]): void {
    for (const reply of batch) {
      const internal = this.internal.get(reply.id);
      if (!internal) {
        toService.push(reply);
        continue;
      }
      this.internal.delete(reply.id);
      if (reply.ok) internal.resolve(reply.value);
      else internal.reject(reply.error);
    }
  }
}

function endProcess(why: string): void {
  process.stderr.write(`open-scws host process for module ${options.moduleId}: ${why}\n`);
  process.exit(71);
}

const lanes = new Map<string, Lane>();
const owner = new Lane("module", true);
const spares: Lane[] = [];
let stopped = false;

function keepSpares(): void {
  while (spares.length < SPARE_LANES) spares.push(new Lane("spare", false));
}
keepSpares();

/** The lane the table (host-calls.ts) gives a call: a token's calls name its slot first and run on its lane. */
function laneFor(spec: HostCallSpec, slot: unknown): Lane | undefined {
  if (spec.lane !== "token") return owner;
  if (typeof slot !== "string") return undefined;
  let lane = lanes.get(slot);
  if (!lane) {
    if (lanes.size >= MAX_LANES) return undefined;
    lane = spares.pop() ?? new Lane(slot, false);
    lane.name = slot;
    lanes.set(slot, lane);
    keepSpares();
  }
  return lane;
}

/** Closes every token's sessions, then finalises the module. */
async function stopModule(): Promise<unknown> {
  stopped = true;
  await Promise.allSettled([...lanes.values()].map((lane) => lane.call("stop")));
  return owner.call("stop");
}

async function exitProcess(code: number): Promise<never> {
  await Promise.allSettled([owner, ...spares, ...lanes.values()].map((lane) => lane.terminate()));
  process.exit(code);
}

function refuse(call: CallMessage, name: CkrName): void {
  toService.push({ id: call.id, ok: false, error: { name: "Pkcs11Error", message: name, code: ckrValues[name], method: call.method } });
}

process.on("message", (batch: CallMessage[]) => {
  const routed = new Map<Lane, CallMessage[]>();
  for (const call of batch) {
    if (!isHostCall(call.method)) {
      toService.push({ id: call.id, ok: false, error: { name: "TypeError", message: `The PKCS#11 host has no method ${call.method}.` } });
      continue;
    }
    const spec: HostCallSpec = HOST_CALLS[call.method];
    if (spec.lane === "every") {
      stopModule().then(
        (value) => send([{ id: call.id, ok: true, value }], () => exitProcess(0)),
        (error: unknown) => send([{ id: call.id, ok: false, error: toWire(error) }], () => exitProcess(1)),
      );
      continue;
    }
    if (stopped) {
      refuse(call, "CKR_CRYPTOKI_NOT_INITIALIZED");
      continue;
    }
    if (spec.lane === "token" && typeof call.args[0] !== "string") {
      refuse(call, "CKR_SLOT_ID_INVALID");
      continue;
    }
    const lane = laneFor(spec, call.args[0]);
    if (!lane) {
      refuse(call, "CKR_HOST_MEMORY");
      continue;
    }
    const calls = routed.get(lane);
    if (calls) calls.push(call);
    else routed.set(lane, [call]);
  }
  for (const [lane, calls] of routed) lane.post(calls);
});

// The service alone decides when this process ends: a Ctrl-C or a stop signal sent to the whole process group
// must not end it before the service stops the module.
for (const signal of ["SIGINT", "SIGTERM"] as const) process.on(signal, () => undefined);

// Without the service (it died), close the module and end; a module that will not close is cut off. The service
// may have died while this file loaded, before the handler was there to hear it.
function orphaned(): void {
  setTimeout(() => process.kill(process.pid, "SIGKILL"), ORPHAN_GRACE_MS);
  if (!stopped) stopModule().finally(() => exitProcess(0));
}
process.on("disconnect", orphaned);
if (!process.connected) orphaned();

send([HELLO]);
