// One host process, seen from the service: forks it, sends calls in batches, times each call, and notices when the
// process ends. A process that crashed or hung is not reused: its owner replaces it (IsolatedHost).
import { type ChildProcess, fork } from "node:child_process";
import { createRequire } from "node:module";
import { fileURLToPath, pathToFileURL } from "node:url";
import { ScwsError } from "@open-scws/errors";
import type { ModuleOptions } from "../in-process-host.js";
import { profilingFlags } from "./profiling-flags.js";
import { Batcher, type CallMessage, HELLO, type ReplyMessage, type WireError } from "./protocol.js";

/** Why a host process ended without being asked to. */
export interface ProcessLoss {
  /** `crashed`: killed by a signal (SIGSEGV, SIGABRT...); `exited`: ended by itself; `timed-out`: a call hung. */
  readonly cause: "crashed" | "exited" | "timed-out";
  /** What happened, for logs and error messages, such as `SIGSEGV` or `getTokenInfo did not answer within 10000 ms`. */
  readonly detail: string;
}

/** How to fork a host process. */
export interface ForkOptions {
  readonly module: ModuleOptions;
  /** The process's environment: the module reads its own variables (SOFTHSM2_CONF...) there. */
  readonly env: NodeJS.ProcessEnv;
  /** The size of the process's libuv pool, where pkcs11js runs its async calls. */
  readonly threadPoolSize: number;
  /** The process's main file; default `host-process-main` next to this file (TypeScript files run under tsx). */
  readonly entry?: string;
}

interface PendingCall {
  readonly method: string;
  readonly timer: NodeJS.Timeout;
  resolve(value: unknown): void;
  reject(error: unknown): void;
}

const extension = import.meta.url.endsWith(".ts") ? ".ts" : ".js";
const defaultEntry = fileURLToPath(new URL(`./host-process-main${extension}`, import.meta.url));
/** The service's own V8 profiling flags, passed on: a profiled service's host processes are profiled too. */
const inheritedProfiling = profilingFlags(process.execArgv);
/** Node's options for an entry: a TypeScript one (development, tests under vitest) needs tsx's loader. */
const execArgvFor = (entry: string) => [
  ...inheritedProfiling,
  ...(entry.endsWith(".ts") ? ["--import", pathToFileURL(createRequire(import.meta.url).resolve("tsx")).href] : []),
];

/** The error a call fails with when its host process is lost; `restarting` once the service relies on the module. */
function lossError(moduleId: string, loss: ProcessLoss, method: string, own: boolean, restarting: boolean): ScwsError {
  const then = restarting ? "; the module is being restarted" : "";
  const reason =
    loss.cause === "timed-out"
      ? own
        ? `the PKCS#11 module did not answer in time (${loss.detail})${then}`
        : `the PKCS#11 module was ended because a call hung (${loss.detail})${then}`
      : `the PKCS#11 module ${loss.cause === "crashed" ? "crashed" : "ended"} (${loss.detail})${then}`;
  return new ScwsError("CKR_DEVICE_ERROR", { message: `The PKCS#11 call ${method} failed: ${reason}.`, customData: { reason, moduleId } });
}

/** The error a WireError describes: a ScwsError, a Pkcs11Error-shaped Error, or an Error of the same name. */
function fromWire(wire: WireError): Error {
  if (wire.name === "ScwsError") {
    return new ScwsError(wire.code as ScwsError["code"], {
      message: wire.message,
      httpStatus: wire.httpStatus,
      customData: wire.customData as ScwsError["customData"],
    });
  }
  const error = wire.name === "TypeError" ? new TypeError(wire.message) : wire.name === "RangeError" ? new RangeError(wire.message) : new Error(wire.message);
  if (wire.name === "Pkcs11Error") return Object.assign(error, { name: wire.name, code: wire.code, method: wire.method });
  if (error.name !== wire.name) error.name = wire.name;
  return error;
}

/** A forked host process. */
export class HostProcess {
  /** Resolves once the process has ended and been reaped, with its exit code or the signal that ended it. */
  readonly exited: Promise<{ readonly code: number | null; readonly signal: NodeJS.Signals | null }>;
  private readonly child: ChildProcess;
  private readonly calls = new Map<number, PendingCall>();
  private readonly outbox: Batcher<CallMessage>;
  private readonly hello: Promise<void>;
  private nextId = 0;
  private ending = false;
  private greeted = false;
  /** Set by the owner once the module started: losses then say the module is being restarted. */
  restartsOnLoss = false;
  private lost: ProcessLoss | undefined;

  /** Forks the process; `onLoss` hears once if it ends without `stop()`, after its calls have been failed. */
  constructor(
    private readonly options: ForkOptions,
    private readonly onLoss: (process: HostProcess, loss: ProcessLoss) => void,
  ) {
    const entry = options.entry ?? defaultEntry;
    this.child = fork(entry, [JSON.stringify(options.module)], {
      serialization: "advanced",
      execArgv: execArgvFor(entry),
      env: { ...options.env, UV_THREADPOOL_SIZE: String(options.threadPoolSize) },
      stdio: ["ignore", "inherit", "inherit", "ipc"],
    });
    // Calls made before the process listens wait for its hello (a message sent earlier would be lost).
    this.outbox = new Batcher((batch) => {
      if (this.greeted) this.child.send(batch);
      else
        void this.hello.then(
          () => this.child.send(batch),
          () => undefined,
        );
    }, setImmediate);
    this.child.on("exit", (code, signal) => this.lose(signal ? { cause: "crashed", detail: signal } : { cause: "exited", detail: `exit code ${code}` }));
    // Once the process runs, an error is a send to a channel that closed: the exit event follows and says why.
    this.child.on("error", (error) => {
      if (this.child.pid === undefined) this.lose({ cause: "exited", detail: `it could not be started: ${error.message}` });
    });
    this.exited = new Promise((resolve) => this.child.once("exit", (code, signal) => resolve({ code, signal })));
    this.hello = new Promise((resolve, reject) => {
      this.child.once("message", (batch: unknown[]) => {
        this.greeted = batch[0] === HELLO;
        if (this.greeted) resolve();
        else reject(new Error("The host process did not say hello."));
      });
      this.child.once("exit", () => reject(this.errorFor("start", false)));
    });
    this.hello.catch(() => undefined);
    this.child.on("message", (batch: ReplyMessage[]) => this.answered(batch));
    this.hello.finally(() => this.holdLoop(this.calls.size > 0)).catch(() => undefined);
  }

  /** The process id. */
  get pid(): number | undefined {
    return this.child.pid;
  }

  /** Whether the process ended, or was killed, without being stopped. */
  get isLost(): boolean {
    return this.lost !== undefined || this.ending;
  }

  /** Resolves once the process listens for calls; a process that does not within `timeoutMs` is killed. */
  ready(timeoutMs: number): Promise<void> {
    const timer = setTimeout(() => this.lose({ cause: "timed-out", detail: `the host process did not start within ${timeoutMs} ms` }), timeoutMs);
    return this.hello.finally(() => clearTimeout(timer));
  }

  /** Calls a host method by name; rejects with CKR_DEVICE_ERROR if no answer comes within `timeoutMs`. */
  call(method: string, args: readonly unknown[], timeoutMs: number): Promise<unknown> {
    if (this.lost) return Promise.reject(this.errorFor(method, false));
    this.nextId += 1;
    const id = this.nextId;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => this.timedOut(id, timeoutMs), timeoutMs);
      timer.unref();
      if (this.calls.size === 0) this.holdLoop(true);
      this.calls.set(id, { method, timer, resolve, reject });
      this.outbox.push({ id, method, args });
    });
  }

  /** Stops the module (`stop` in the process), lets the process end, and kills it if it has not within `timeoutMs`. */
  async stop(timeoutMs: number): Promise<void> {
    if (!this.lost && !this.ending) {
      const stopped = this.call("stop", [], timeoutMs);
      this.ending = true;
      await stopped.catch(() => undefined);
    }
    this.ending = true;
    const deadline = setTimeout(() => this.child.kill("SIGKILL"), timeoutMs);
    await this.untilExit();
    clearTimeout(deadline);
  }

  /** Ends the process at once, without stopping the module. */
  async kill(): Promise<void> {
    this.ending = true;
    this.child.kill("SIGKILL");
    await this.untilExit();
  }

  /** Waits for the exit event, keeping the event loop alive for it: the caller may have nothing else pending. */
  private async untilExit(): Promise<void> {
    this.holdLoop(true);
    await this.exited;
  }

  private answered(batch: ReplyMessage[]): void {
    for (const reply of batch) {
      const call = this.calls.get(reply.id);
      if (!call) continue;
      this.settled(reply.id, call);
      if (reply.ok) call.resolve(reply.value);
      else call.reject(fromWire(reply.error));
    }
  }

  private settled(id: number, call: PendingCall): void {
    clearTimeout(call.timer);
    this.calls.delete(id);
    if (this.calls.size === 0) this.holdLoop(false);
  }

  /**
   * An idle process must not keep the service's event loop alive by itself, but one that is starting or has calls
   * to answer must, up to its exit event: a promise alone does not.
   */
  private holdLoop(hold: boolean): void {
    if (hold) {
      this.child.ref();
      this.child.channel?.ref();
    } else {
      this.child.unref();
      this.child.channel?.unref();
    }
  }

  private timedOut(id: number, timeoutMs: number): void {
    const call = this.calls.get(id);
    if (!call) return;
    this.lose({ cause: "timed-out", detail: `${call.method} did not answer within ${timeoutMs} ms` }, id);
  }

  /** Fails every call, kills the process if it still runs, and tells the owner once. */
  private lose(loss: ProcessLoss, timedOutCall?: number): void {
    if (this.lost) return;
    this.lost = loss;
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill("SIGKILL");
    for (const [id, call] of this.calls) {
      this.settled(id, call);
      call.reject(this.errorFor(call.method, id === timedOutCall));
    }
    if (!this.ending) this.onLoss(this, loss);
  }

  private errorFor(method: string, own: boolean): ScwsError {
    const loss = this.lost ?? { cause: "exited", detail: "before it was ready" };
    return lossError(this.options.module.moduleId, loss, method, own, this.restartsOnLoss && !this.ending);
  }
}
