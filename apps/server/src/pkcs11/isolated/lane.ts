// One lane of the host process: an InProcessHost on a thread of its own. Sync PKCS#11 calls block the thread that
// makes them, so each token gets its own lane and a slow or hung token holds up only its own calls.
import { parentPort, workerData } from "node:worker_threads";
import { invokeHostCall, isHostCall } from "../host-calls.js";
import { InProcessHost, type ModuleOptions } from "../in-process-host.js";
import { Batcher, type CallMessage, type ReplyMessage, toWire } from "./protocol.js";

/** What a lane is started with. */
export interface LaneData {
  readonly options: ModuleOptions;
  /** The owner lane initialises and finalises the module; the others join the module it initialised. */
  readonly owner: boolean;
}

/** How long a burst of calls may hold the thread before the answers so far are sent. */
const BURST_MS = 2;

const port = parentPort!;
const { options, owner } = workerData as LaneData;
// A lane blocks only its own token's calls: quick signatures are made on its thread (in-process-host.ts).
const host = new InProcessHost({ ...options, initialize: owner, inlineQuickSigns: true });
const replies = new Batcher<ReplyMessage>((batch) => port.postMessage(batch), queueMicrotask, BURST_MS);

// A joined lane loads the library (dlopen hands out the owner's copy) without C_Initialize. It does so at its first
// call, so that spare lanes can be started before the module is.
let joined = owner;
let joining = false;
const waiting: CallMessage[] = [];

function join(): void {
  joining = true;
  host
    .start()
    .then(
      () => {
        joined = true;
      },
      (error: unknown) => {
        for (const call of waiting.splice(0)) replies.push({ id: call.id, ok: false, error: toWire(error) });
      },
    )
    .finally(() => {
      joining = false;
      runBatch(waiting.splice(0));
    });
}

function invoke(call: CallMessage): Promise<unknown> {
  // Only the calls of the table (host-calls.ts) run, never another member of the host.
  if (!isHostCall(call.method)) return Promise.reject(new TypeError(`The PKCS#11 host has no method ${call.method}.`));
  try {
    return invokeHostCall(host, call.method, call.args);
  } catch (error) {
    return Promise.reject(error);
  }
}

function run(call: CallMessage): void {
  invoke(call).then(
    (value) => replies.push({ id: call.id, ok: true, value }),
    (error: unknown) => replies.push({ id: call.id, ok: false, error: toWire(error) }),
  );
}

/** Runs a batch; once sync calls have held the thread for a while, yields so that their answers leave first. */
function runBatch(calls: readonly CallMessage[], from = 0): void {
  const began = performance.now();
  for (let index = from; index < calls.length; index += 1) {
    run(calls[index]!);
    if (index + 1 < calls.length && performance.now() - began > BURST_MS) {
      setImmediate(() => runBatch(calls, index + 1));
      return;
    }
  }
}

port.on("message", (batch: CallMessage[]) => {
  if (joined) return runBatch(batch);
  waiting.push(...batch);
  if (!joining) join();
});
