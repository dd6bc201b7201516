// A Pkcs11Host whose module runs in a supervised child process: a crash or hang there fails the calls in flight
// with CKR_DEVICE_ERROR, the process is replaced, and the service is told so that it forgets sessions and logins.
import { pkcs11Failure, ScwsError } from "@open-scws/errors";
import type { ModuleInfo, Pkcs11Host } from "../host.js";
import { defineHostCalls, type HostCallName } from "../host-calls.js";
import type { ModuleOptions } from "../in-process-host.js";
import { HostProcess, type ProcessLoss } from "./host-process.js";

/** How long a call may go unanswered before the module is deemed hung and its process replaced. */
export interface CallTimeouts {
  /** Every method not in `methods`. */
  readonly defaultMs: number;
  /** By method name. */
  readonly methods: Readonly<Record<string, number>>;
}

/**
 * 10 s by default: the availability target counts a request without an answer in 10 s as failed. Longer for key
 * generation (an RSA-4096 key on a smart card takes a minute) and for starting a module (HSM clients connect).
 * A call's time includes waiting behind earlier calls to the same token.
 */
export const DEFAULT_CALL_TIMEOUTS: CallTimeouts = {
  defaultMs: 10_000,
  methods: { start: 30_000, stop: 10_000, generateKey: 120_000, generateKeyPair: 120_000 },
};

/** How to run a module in a host process. */
export interface IsolatedHostOptions extends ModuleOptions {
  /** Call timeouts; what is given replaces the defaults for those methods. */
  readonly timeouts?: { readonly defaultMs?: number; readonly methods?: Readonly<Record<string, number>> };
  /**
   * Threads for pkcs11js's async calls (`UV_THREADPOOL_SIZE` of the process). Each token runs at most
   * `maxSessionsPerToken` of them at once, so the default leaves room for four tokens stuck in slow calls.
   */
  readonly threadPoolSize?: number;
  /**
   * The process's environment (SOFTHSM2_CONF, SCWS_FAULT_*...), read each time a process is forked, the spare one
   * included; default `process.env`.
   */
  readonly env?: () => NodeJS.ProcessEnv;
  /**
   * Keeps a second process forked and idle (its module not loaded) to take over at once after a crash or hang; the
   * price is its memory. Default `true`.
   */
  readonly spareProcess?: boolean;
  /** The host process's main file; default the one beside this file. Tests run a bundled copy, as a release would. */
  readonly entry?: string;
}

/** What the service hears when the module's process was lost and replaced. */
export interface HostRestart extends ProcessLoss {
  readonly moduleId: string;
  /** How many times the module has been restarted, this one included. */
  readonly restarts: number;
}

/** A host whose module can be restarted behind the service's back. */
export interface RestartingHost {
  /** Calls `listener` when the module's process is lost, before any later call reaches its replacement. */
  onRestart(listener: (restart: HostRestart) => void): () => void;
}

/** Whether a host restarts its module, and tells. */
export function canRestart(host: Pkcs11Host): host is Pkcs11Host & RestartingHost {
  return typeof (host as Partial<RestartingHost>).onRestart === "function";
}

type State = "new" | "starting" | "ready" | "restarting" | "down" | "failed" | "stopped";

const notInitialized = (method: string) => pkcs11Failure("CKR_CRYPTOKI_NOT_INITIALIZED", { method });
/** Waits between restart attempts that failed: 0.5 s, doubling, at most 30 s. */
const backoffMs = (failures: number) => Math.min(30_000, 500 * 2 ** (failures - 1));

// Every host call that this class does not define is forwarded to the process (host-calls.ts, at the end of this file);
// this merge gives them types.
export interface IsolatedHost extends Pkcs11Host {}

/**
 * A module in a child process. After a restart the new process knows nothing of the old one: no slot is attached and
 * no one is logged in. `onRestart` tells the service, which must drop that module's token connections and logins.
 */
// biome-ignore lint/suspicious/noUnsafeDeclarationMerging: the forwarders are defined on the prototype from the table.
export class IsolatedHost implements RestartingHost {
  readonly moduleId: string;
  #state: State = "new";
  #current: HostProcess | undefined;
  #spare: HostProcess | undefined;
  #replacement: Promise<HostProcess> | undefined;
  readonly #live = new Set<HostProcess>();
  readonly #listeners = new Set<(restart: HostRestart) => void>();
  readonly #timeouts: CallTimeouts;
  #restarts = 0;
  #failedAttempts = 0;
  #retry: NodeJS.Timeout | undefined;
  #downReason = "";
  readonly #options: IsolatedHostOptions;

  constructor(options: IsolatedHostOptions) {
    this.#options = options;
    this.moduleId = options.moduleId;
    this.#timeouts = {
      defaultMs: options.timeouts?.defaultMs ?? DEFAULT_CALL_TIMEOUTS.defaultMs,
      methods: { ...DEFAULT_CALL_TIMEOUTS.methods, ...options.timeouts?.methods },
    };
  }

  /** The current host process's id, if one runs. */
  get pid(): number | undefined {
    return this.#current?.pid;
  }

  /** How many times the module's process has been replaced. */
  get restartCount(): number {
    return this.#restarts;
  }

  /** Calls `listener` when the module's process is lost, before any later call reaches its replacement. */
  onRestart(listener: (restart: HostRestart) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  async start(): Promise<ModuleInfo> {
    if (this.#state !== "new") throw new Error(`The host of module ${this.moduleId} was already started.`);
    this.#state = "starting";
    try {
      const [process, info] = await this.#launch();
      if (this.#state !== "starting") throw notInitialized("start");
      this.#serve(process);
      return info;
    } catch (error) {
      if (this.#state === "starting") this.#state = "failed";
      await this.#endAll();
      throw error;
    }
  }

  async stop(): Promise<void> {
    if (this.#state === "stopped") return;
    this.#state = "stopped";
    clearTimeout(this.#retry);
    const serving = this.#current;
    this.#current = undefined;
    this.#spare = undefined;
    // The spare has no module loaded: #endAll kills it with the processes that would not stop.
    await serving?.stop(this.#timeoutFor("stop"));
    await this.#endAll();
  }

  static {
    // Every other host call goes to the process serving the module, as it is.
    defineHostCalls(IsolatedHost.prototype, (host: IsolatedHost, method, args) => host.#call(method, args));
  }

  #call(method: HostCallName, args: unknown[]): Promise<unknown> {
    if (this.#state === "ready") return this.#current!.call(method, args, this.#timeoutFor(method));
    if (this.#state === "restarting") {
      return this.#replacement!.then(
        (process) => process.call(method, args, this.#timeoutFor(method)),
        () => Promise.reject(this.#state === "down" ? this.#downError(method) : notInitialized(method)),
      );
    }
    if (this.#state === "down") return Promise.reject(this.#downError(method));
    return Promise.reject(notInitialized(method));
  }

  #timeoutFor(method: string): number {
    return this.#timeouts.methods[method] ?? this.#timeouts.defaultMs;
  }

  #downError(method: string): ScwsError {
    return new ScwsError("CKR_DEVICE_ERROR", {
      message: `The PKCS#11 call ${method} failed: ${this.#downReason}.`,
      customData: {
        reason: this.#downReason,
        moduleId: this.moduleId,
      },
    });
  }

  #fork(): HostProcess {
    const process = new HostProcess(
      {
        module: { moduleId: this.#options.moduleId, library: this.#options.library, maxSessionsPerToken: this.#options.maxSessionsPerToken },
        env: this.#options.env?.() ?? globalThis.process.env,
        threadPoolSize: this.#options.threadPoolSize ?? Math.max(16, 4 * this.#options.maxSessionsPerToken),
        entry: this.#options.entry,
      },
      (lost, loss) => this.#lost(lost, loss),
    );
    this.#live.add(process);
    process.exited.then(() => this.#live.delete(process));
    return process;
  }

  /** Starts the module in the spare process, or in a new one; a process that fails to start is killed. */
  async #launch(): Promise<[HostProcess, ModuleInfo]> {
    let process = this.#spare;
    this.#spare = undefined;
    if (!process || process.isLost) process = this.#fork();
    const timeout = this.#timeoutFor("start");
    try {
      await process.ready(timeout);
      return [process, (await process.call("start", [], timeout)) as ModuleInfo];
    } catch (error) {
      await process.kill();
      throw error;
    }
  }

  #serve(process: HostProcess): void {
    process.restartsOnLoss = true;
    this.#current = process;
    this.#state = "ready";
    this.#failedAttempts = 0;
    if (this.#options.spareProcess !== false) this.#spare ??= this.#fork();
  }

  #lost(process: HostProcess, loss: ProcessLoss): void {
    if (process !== this.#current || this.#state !== "ready") return;
    this.#current = undefined;
    this.#restarts += 1;
    this.#restart();
    const restart: HostRestart = { moduleId: this.moduleId, ...loss, restarts: this.#restarts };
    for (const listener of this.#listeners) {
      try {
        listener(restart);
      } catch (error) {
        // A faulty listener must not take the service down, which is what this host exists to prevent.
        globalThis.process.emitWarning(error as Error);
      }
    }
  }

  /** Replaces the process; calls made meanwhile wait for the replacement. Failed attempts are retried, spaced out. */
  #restart(): void {
    this.#state = "restarting";
    this.#replacement = this.#launch().then(
      ([process]) => {
        if (this.#state !== "restarting") {
          void process.kill();
          throw notInitialized("start");
        }
        this.#serve(process);
        return process;
      },
      (error: unknown) => {
        if (this.#state !== "restarting") throw error;
        this.#failedAttempts += 1;
        const wait = backoffMs(this.#failedAttempts);
        this.#state = "down";
        this.#downReason = `the PKCS#11 module could not be restarted (${(error as Error).message}); next attempt in ${wait} ms`;
        this.#retry = setTimeout(() => this.#restart(), wait);
        this.#retry.unref();
        throw error;
      },
    );
    this.#replacement.catch(() => undefined);
  }

  /** Kills every process still running (a replacement being started, a process that would not stop) and reaps it. */
  async #endAll(): Promise<void> {
    await Promise.all([...this.#live].map((process) => process.kill()));
  }
}
