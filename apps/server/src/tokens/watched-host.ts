// The decorator the service puts on every module's host: each host call (host-calls.ts) is counted and timed in the
// metrics, and a failure that shows a token gone is reported, with its slot, to whoever listens. The failure itself
// goes on to the caller unchanged. Token-loss rules live in token-loss.ts.
import { setTimeout as delay } from "node:timers/promises";
import { ckrName } from "@open-scws/errors";
import type { ServiceMetrics } from "../observability/metrics.js";
import type { Pkcs11Host, SlotHandle } from "../pkcs11/host.js";
import { defineHostCalls, HOST_CALLS, type HostCallName, invokeHostCall } from "../pkcs11/host-calls.js";
import { canRestart, type HostRestart, type RestartingHost } from "../pkcs11/isolated/isolated-host.js";
import { deviceRemoved, mayShowTokenGone, showsTokenGone } from "./token-loss.js";

/** When to ask a token whether it is still there after a failure that may hide its removal: about 1.5 s in all. */
const REMOVAL_PROBES_MS = [0, 100, 200, 400, 800];

/** The result label of a failed call: the CKR_* name of a PKCS#11 failure, else `error`. */
export function resultOf(error: unknown): string {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === "number" ? ckrName(code) : "error";
}

/** The metrics of one host call, with their labels bound once rather than hashed on every call. */
interface CallMetrics {
  readonly ok: { inc(): void };
  readonly duration: { observe(seconds: number): void };
}

// The host calls are defined on the prototype from the table (see the static block); this merge gives them types.
export interface WatchedHost extends Pkcs11Host {}

/** A module's host, watched: metrics for every call, and token-loss reports. */
// biome-ignore lint/suspicious/noUnsafeDeclarationMerging: the host calls are defined on the prototype from the table.
export class WatchedHost implements RestartingHost {
  readonly moduleId: string;
  readonly #inner: Pkcs11Host;
  readonly #metrics: ServiceMetrics | undefined;
  readonly #callMetrics = new Map<HostCallName, CallMetrics>();
  readonly #tokenGoneListeners = new Set<(slot: SlotHandle) => void>();
  /** Attach counts by slot, for the attached-slots gauge and the sessions count. */
  readonly #attached = new Map<SlotHandle, number>();

  constructor(inner: Pkcs11Host, metrics?: ServiceMetrics) {
    this.#inner = inner;
    this.#metrics = metrics;
    this.moduleId = inner.moduleId;
    // Counting sessions is no PKCS#11 call: it asks the inner host, past the counters.
    metrics?.countSessions(this.moduleId, async () => {
      const counts = await Promise.all([...this.#attached.keys()].map((slot) => inner.openSessions(slot)));
      return counts.reduce((sum, count) => sum + count, 0);
    });
    // A replaced module process holds no sessions: the slots attached in the old one are gone with it.
    if (canRestart(inner)) inner.onRestart(() => this.#setAttached(() => this.#attached.clear()));
  }

  /** Hears when the module's process was replaced (never, for a host that runs the module in this process). */
  onRestart(listener: (restart: HostRestart) => void): () => void {
    return canRestart(this.#inner) ? this.#inner.onRestart(listener) : () => undefined;
  }

  /** Hears, with its slot, every failure of a token's call that shows the token (or its sessions) gone. */
  onTokenGone(listener: (slot: SlotHandle) => void): () => void {
    this.#tokenGoneListeners.add(listener);
    return () => this.#tokenGoneListeners.delete(listener);
  }

  static {
    defineHostCalls(WatchedHost.prototype, (host: WatchedHost, name, args) => host.#call(name, args));
  }

  #call(name: HostCallName, args: unknown[]): Promise<unknown> {
    const began = performance.now();
    let answer: Promise<unknown>;
    try {
      answer = invokeHostCall(this.#inner, name, args);
    } catch (error) {
      answer = Promise.reject(error);
    }
    return answer.then(
      (value) => {
        const metrics = this.#metricsOf(name);
        metrics?.ok.inc();
        metrics?.duration.observe((performance.now() - began) / 1000);
        if (name === "attach" || name === "detach" || name === "stop") this.#track(name, args[0]);
        return value;
      },
      (error: unknown) => {
        this.#metrics?.pkcs11Calls.inc({ module: this.moduleId, method: name, result: resultOf(error) });
        this.#metricsOf(name)?.duration.observe((performance.now() - began) / 1000);
        if (HOST_CALLS[name].lane !== "token") throw error;
        if (showsTokenGone(error)) {
          this.#tokenGone(args[0] as SlotHandle);
          throw deviceRemoved(error);
        }
        if (mayShowTokenGone(error)) return this.#unlessTokenGone(args[0] as SlotHandle, error);
        throw error;
      },
    );
  }

  /**
   * Rethrows a failure that may hide a removal: as CKR_DEVICE_REMOVED if the token is no longer there, else as it is.
   * The call fails as the card leaves, before the reader reports it (pcscd looks every 400 ms or so), so the token is
   * asked again a few times, REMOVAL_PROBES_MS apart, before the failure is taken for what it says.
   */
  async #unlessTokenGone(slot: SlotHandle, error: unknown): Promise<never> {
    for (const pause of REMOVAL_PROBES_MS) {
      if (pause > 0) await delay(pause);
      const gone = await this.#inner.getTokenInfo(slot).then(
        () => false,
        (probe: unknown) => showsTokenGone(probe),
      );
      if (gone) {
        this.#tokenGone(slot);
        throw deviceRemoved(error);
      }
    }
    throw error;
  }

  #metricsOf(name: HostCallName): CallMetrics | undefined {
    const metrics = this.#metrics;
    if (!metrics) return undefined;
    let bound = this.#callMetrics.get(name);
    if (!bound) {
      bound = {
        ok: metrics.pkcs11Calls.labels({ module: this.moduleId, method: name, result: "ok" }),
        duration: metrics.pkcs11Duration.labels({ module: this.moduleId, method: name }),
      };
      this.#callMetrics.set(name, bound);
    }
    return bound;
  }

  #tokenGone(slot: SlotHandle): void {
    for (const listener of this.#tokenGoneListeners) {
      try {
        listener(slot);
      } catch (error) {
        // A faulty listener must not turn the call's own failure into another one.
        process.emitWarning(error as Error);
      }
    }
  }

  #track(name: "attach" | "detach" | "stop", slot: unknown): void {
    this.#setAttached(() => {
      if (name === "stop") return this.#attached.clear();
      const key = slot as SlotHandle;
      const count = (this.#attached.get(key) ?? 0) + (name === "attach" ? 1 : -1);
      if (count > 0) this.#attached.set(key, count);
      else this.#attached.delete(key);
    });
  }

  #setAttached(change: () => void): void {
    change();
    this.#metrics?.attachedSlots.set({ module: this.moduleId }, this.#attached.size);
  }
}
