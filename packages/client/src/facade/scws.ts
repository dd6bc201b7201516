// The SCWS object: the namespace of the original SCWS JavaScript API (findService, readers, updateReaderList,
// getReader, the reader callbacks, and the classes), over the typed client. Methods return promises; properties
// return cached values.
import { ScwsError } from "@open-scws/errors";
import { type EventTransport, serviceEvents } from "../events/service-events.js";
import { badParams, unreachable } from "../transport/client-errors.js";
import { unwrap } from "../transport/unwrap.js";
import { checkBaseUrl, checkTimeout, DEFAULT_TIMEOUT_MS } from "../typed-client.js";
import { version } from "../version.js";
import { type CallOptions, callInit } from "./call-options.js";
import { Certificate } from "./certificate.js";
import { DataContainer } from "./data-container.js";
import { discoverService } from "./discovery.js";
import { Key } from "./key.js";
import { ScwsObject } from "./objects.js";
import { applyLoginChange, Pin } from "./pin.js";
import { Reader } from "./reader.js";
import { type LoginChange, type ReaderChange, type ReaderEventSink, type ReaderEventSource, ReaderRegistry } from "./reader-registry.js";
import type { ServiceConnection, ServiceInfo } from "./service-connection.js";
import { Token } from "./token.js";

/** The ports `findService` tries on 127.0.0.1 unless told otherwise. */
export const DEFAULT_PORTS: readonly number[] = [8930, 8931, 8932];
/** How long each candidate address has to answer `findService`. */
export const DEFAULT_DISCOVERY_TIMEOUT_MS = 2_000;

/** How an SCWS object finds and calls the service. */
export interface ScwsOptions {
  /** A base URL to try first, such as `https://scws.example:8930`. */
  readonly baseUrl?: string;
  /** Ports to try on 127.0.0.1, after `baseUrl`, in this order (default 8930, 8931, 8932; `[]` for none). */
  readonly ports?: readonly number[];
  /** Milliseconds each call may take, answer included (default 30 000). */
  readonly timeoutMs?: number;
  /** Milliseconds each candidate address has to answer `findService` (default 2 000). */
  readonly discoveryTimeoutMs?: number;
  /** The fetch to use (default: the global one). */
  readonly fetch?: (request: Request) => Promise<Response>;
  /**
   * How the reader callbacks and `SCWS.readers` follow the service's events (`GET /v1/events`) once the service is
   * found: `"auto"` (default: EventSource in browsers, a fetch stream elsewhere, polls when no stream gets through),
   * `"eventsource"`, `"fetch"`, `"poll"`, or `"off"` (only `updateReaderList()` updates them). (open SCWS addition)
   */
  readonly events?: EventTransport | "off";
  /** Another source of reader events, instead of the service's (`events` is then ignored). */
  readonly readerEvents?: ReaderEventSource;
}

/** A reader callback: `SCWS.onreaderadded`, `onreaderremoved`, `onreaderstatechanged`. */
export type ReaderCallback = ((reader: Reader) => void) | null | undefined;
/** Why a login changed: `"login"`, `"logout"`, `"tokenRemoved"` or `"moduleRestarted"`. */
export type LoginChangeReason = LoginChange["reason"];
/** `SCWS.onloginstatechanged`: called with the PIN whose `validated` / `soValidated` the service's events just set. */
export type LoginCallback = ((pin: Pin, reason: LoginChangeReason) => void) | null | undefined;

function reportCallbackError(error: unknown): void {
  // Like a DOM event handler: a throwing callback is reported and does not stop the others.
  const report = (globalThis as { reportError?: (error: unknown) => void }).reportError;
  if (report) report(error);
  else console.error(error);
}

function candidatesOf(options: ScwsOptions): string[] {
  const ports = options.ports ?? DEFAULT_PORTS;
  if (!Array.isArray(ports) || ports.some((port) => !Number.isInteger(port) || port < 1 || port > 65_535)) {
    throw badParams("ports", "must be a list of TCP ports (1 to 65535)");
  }
  const urls = [...(options.baseUrl === undefined ? [] : [checkBaseUrl("baseUrl", options.baseUrl)]), ...ports.map((port) => `http://127.0.0.1:${port}`)];
  if (urls.length === 0) throw badParams("ports", "must not be empty when there is no baseUrl");
  return [...new Set(urls)];
}

/**
 * The SCWS namespace: `SCWS.findService()`, `SCWS.readers`, `SCWS.updateReaderList()`, `SCWS.getReader(name)`,
 * the `onreader*` callbacks and the classes (`SCWS.Error`, `SCWS.Reader`...). Use the `SCWS` export, or
 * {@link createScws} for one with its own options.
 */
export class Scws {
  /** The library's version. */
  readonly version = version;
  /** `SCWS.Error`: every failure rejects with one. */
  readonly Error = ScwsError;
  readonly Reader = Reader;
  readonly Token = Token;
  readonly Pin = Pin;
  readonly Object = ScwsObject;
  readonly Certificate = Certificate;
  readonly Key = Key;
  readonly DataContainer = DataContainer;

  /** Called with a reader that appeared. */
  onreaderadded: ReaderCallback = null;
  /** Called with a reader that disappeared (its status is then `"unavailable"`). */
  onreaderremoved: ReaderCallback = null;
  /** Called with a reader whose state changed: a card inserted or removed, another status. */
  onreaderstatechanged: ReaderCallback = null;
  /**
   * Called for each login change the service's events tell about a token connected through this object: a login or
   * logout (from this page or another caller sharing its credential), or the end of a login because the token was
   * removed or its module restarted. The PIN's `validated` and `soValidated` are already updated. (open SCWS addition)
   */
  onloginstatechanged: LoginCallback = null;

  readonly #candidates: readonly string[];
  readonly #options: ScwsOptions;
  readonly #registry: ReaderRegistry;
  #connection: ServiceConnection | undefined;
  #stopEvents: (() => void) | undefined;
  /** The token connections made through this object, by id, for the login events; dropped ones are forgotten. */
  readonly #tokens = new Map<string, WeakRef<Token>>();

  constructor(options: ScwsOptions = {}) {
    this.#candidates = candidatesOf(options);
    if (options.timeoutMs !== undefined) checkTimeout("timeoutMs", options.timeoutMs);
    if (options.discoveryTimeoutMs !== undefined) checkTimeout("discoveryTimeoutMs", options.discoveryTimeoutMs);
    this.#options = options;
    this.#registry = new ReaderRegistry(
      {
        connection: () => this.#found(),
        tokenConnected: (token) => void this.#tokens.set(token.id, new WeakRef(token)),
        tokenDisconnected: (token) => void this.#tokens.delete(token.id),
      },
      (change, reader) => this.#notify(change, reader),
    );
  }

  /** The readers found by the last `updateReaderList()` (or reader event). */
  get readers(): Reader[] {
    return this.#registry.readers;
  }

  /** The description of the service `findService` found. (open SCWS addition) */
  get service(): ServiceInfo | undefined {
    return this.#connection?.info;
  }

  /**
   * Looks for the service at the candidate addresses and keeps the first that answers as open SCWS.
   * Until environments exist in the API, it resolves once the service is found, and `webAppCert` and `challenge`
   * are only checked to be strings; then it will resolve to the challenge for `createEnvironment`.
   */
  async findService(webAppCert?: string, challenge?: string, options?: CallOptions): Promise<void> {
    if (webAppCert !== undefined && typeof webAppCert !== "string") throw badParams("webAppCert", "must be a string");
    if (challenge !== undefined && (typeof challenge !== "string" || !/^([0-9a-fA-F]{2})*$/.test(challenge))) {
      throw badParams("challenge", "must be a hex string");
    }
    const { signal } = callInit(options);
    const found = await discoverService({
      candidates: this.#candidates,
      probeTimeoutMs: this.#options.discoveryTimeoutMs ?? DEFAULT_DISCOVERY_TIMEOUT_MS,
      timeoutMs: this.#options.timeoutMs ?? DEFAULT_TIMEOUT_MS,
      ...(this.#options.fetch ? { fetch: this.#options.fetch } : {}),
      ...(signal ? { signal } : {}),
    });
    if (this.#connection && this.#connection.baseUrl !== found.baseUrl) this.#registry.replaceAll([]);
    this.#stopEvents?.();
    this.#connection = found;
    this.#stopEvents = this.#eventSource()?.(found, this.#sink());
  }

  /** Stops following the service's events; `findService()` starts again. (open SCWS addition) */
  close(): void {
    this.#stopEvents?.();
    this.#stopEvents = undefined;
  }

  /**
   * Reads the reader list, updates `SCWS.readers` in place and fires `onreaderadded`, `onreaderremoved` and
   * `onreaderstatechanged` for each difference; resolves to `SCWS.readers`.
   */
  async updateReaderList(options?: CallOptions): Promise<Reader[]> {
    const init = callInit(options);
    const { readers } = unwrap(await this.#found().client.GET("/v1/readers", init));
    this.#registry.replaceAll(readers);
    return this.readers;
  }

  /** The reader with this name in `SCWS.readers`, or `undefined`. Synchronous. */
  getReader(name: string): Reader | undefined {
    if (typeof name !== "string") throw badParams("name", "must be a string");
    return this.#registry.byName(name);
  }

  #eventSource(): ReaderEventSource | undefined {
    const { events = "auto", readerEvents, fetch, timeoutMs = DEFAULT_TIMEOUT_MS } = this.#options;
    if (readerEvents) return readerEvents;
    if (events === "off") return undefined;
    // A poll waits for events a little less than a call may last.
    return serviceEvents({ transport: events, customFetch: fetch !== undefined, pollWaitSeconds: Math.max(0, Math.min(25, Math.floor(timeoutMs / 1000) - 5)) });
  }

  #sink(): ReaderEventSink {
    const registry = this.#registry;
    return {
      upsert: (state) => registry.upsert(state),
      remove: (readerId) => registry.remove(readerId),
      replaceAll: (states) => registry.replaceAll(states),
      login: (change) => this.#loginChanged(change),
    };
  }

  #loginChanged(change: LoginChange): void {
    const token = this.#tokens.get(change.tokenId)?.deref();
    if (!token) {
      this.#tokens.delete(change.tokenId);
      return;
    }
    for (const pin of token.pins) applyLoginChange(pin, change);
    const callback = this.onloginstatechanged;
    if (typeof callback !== "function") return;
    for (const pin of token.pins) {
      try {
        callback.call(this, pin, change.reason);
      } catch (error) {
        reportCallbackError(error);
      }
    }
  }

  #found(): ServiceConnection {
    if (!this.#connection) throw unreachable("The service has not been found yet: call SCWS.findService() first.");
    return this.#connection;
  }

  #notify(change: ReaderChange, reader: Reader): void {
    const callback = change === "added" ? this.onreaderadded : change === "removed" ? this.onreaderremoved : this.onreaderstatechanged;
    if (typeof callback !== "function") return;
    try {
      callback.call(this, reader);
    } catch (error) {
      reportCallbackError(error);
    }
  }
}

/**
 * Creates an SCWS object with its own options and state.
 * @example const SCWS = createScws({ ports: [9930] }); await SCWS.findService(); await SCWS.updateReaderList();
 */
export function createScws(options: ScwsOptions = {}): Scws {
  return new Scws(options);
}

/** The SCWS object with the default options: code written for SCWS uses it as its `SCWS` global. */
export const SCWS: Scws = createScws();
