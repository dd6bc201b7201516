// The SCWS object: the namespace of the original SCWS JavaScript API (findService, createEnvironment, readers,
// updateReaderList, getReader, the reader callbacks, and the classes), over the typed client. Methods return
// promises; properties return cached values.
import { ScwsError } from "@open-scws/errors";
import { type EventTransport, serviceEvents } from "../events/service-events.js";
import { badParams, unreachable } from "../transport/client-errors.js";
import type { ContractValidation } from "../transport/validation.js";
import { checkBaseUrl, checkTimeout, DEFAULT_TIMEOUT_MS } from "../typed-client.js";
import { version } from "../version.js";
import type { BytesOrHex } from "./bytes.js";
import { type CallOptions, callInit } from "./call-options.js";
import { type CertificateFilter, CertStore, checkFilter, findCertificates, type PrivateKeyLogin, privateKeyOf } from "./cert-store.js";
import { Certificate } from "./certificate.js";
import { CredentialState, CredentialValue } from "./credential.js";
import { DataContainer } from "./data-container.js";
import { discoverService } from "./discovery.js";
import { challengeRequest, type EnvironmentInfo, EnvironmentSession, type ServiceChallenge, signatureHex } from "./environment.js";
import { Key } from "./key.js";
import { notSupported } from "./not-supported.js";
import { ScwsObject } from "./objects.js";
import { applyLoginChange, Pin } from "./pin.js";
import type { PinPageOpener } from "./pin-page.js";
import { Reader } from "./reader.js";
import { type LoginChange, type ReaderChange, type ReaderEventSink, type ReaderEventSource, ReaderRegistry } from "./reader-registry.js";
import { unwrap } from "./scws-answer.js";
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
  /** Checks requests and answers against the spec: `contractValidation` from `@open-scws/client/validation`. (open SCWS addition) */
  readonly validation?: ContractValidation;
  /**
   * How the reader callbacks and `SCWS.readers` follow the service's events (`GET /v1/events`) once an environment
   * is created: `"auto"` (default: a fetch stream, which carries the environment's credential; polls when no stream
   * gets through), `"fetch"`, `"poll"`, or `"off"` (only `updateReaderList()` updates them). (open SCWS addition)
   */
  readonly events?: EventTransport | "off";
  /** Another source of reader events, instead of the service's (`events` is then ignored); started with the environment. */
  readonly readerEvents?: ReaderEventSource;
  /**
   * Shows the service's PIN page (`Pin.login(false)`, `requestCredential()`) at the URL given; by default a popup
   * window (`window.open`). For pages that show it otherwise, and for programs without windows. (open SCWS addition)
   */
  readonly openPinPage?: PinPageOpener;
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
  readonly CertStore = CertStore;
  readonly CredentialState = CredentialState;
  readonly CredentialValue = CredentialValue;

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
  readonly #environment = new EnvironmentSession();
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
        pinPageOpener: () => this.#options.openPinPage,
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

  /** The environment `createEnvironment` made, without its credential; `undefined` before. (open SCWS addition) */
  get environment(): EnvironmentInfo | undefined {
    return this.#environment.info;
  }

  /**
   * Looks for the service at the candidate addresses and keeps the first that answers as open SCWS; then, given
   * the application's id (what SCWS's web application certificate stands for: the registration in the service's
   * configuration), asks it for a challenge, which the application's back end signs as
   * `environmentMessage(challenge)` with the application's registered key, for `createEnvironment`.
   *
   * - `findService()`: only finds the service. (open SCWS addition)
   * - `findService(webAppCert)`: resolves to the challenge, a hex string.
   * - `findService(webAppCert, challenge)`: mutual mode. `challenge` is the page's own random hex challenge (16 bytes
   *   or more); resolves to `{ challenge, cryptogram, keyID, algorithm }`, where `cryptogram` is the service's
   *   signature of `serviceMessage(challenge)`, for the back end to check with the service's public key before it
   *   signs.
   * @example const challenge = await SCWS.findService("intranet"); await SCWS.createEnvironment(await mySignChallenge(challenge));
   */
  findService(webAppCert?: undefined, challenge?: undefined, options?: CallOptions): Promise<void>;
  findService(webAppCert: string, challenge?: undefined, options?: CallOptions): Promise<string>;
  findService(webAppCert: string, challenge: string, options?: CallOptions): Promise<ServiceChallenge>;
  async findService(webAppCert?: string, challenge?: string, options?: CallOptions): Promise<unknown> {
    const request = challengeRequest(webAppCert, challenge);
    const init = callInit(options);
    const found = await discoverService({
      candidates: this.#candidates,
      probeTimeoutMs: this.#options.discoveryTimeoutMs ?? DEFAULT_DISCOVERY_TIMEOUT_MS,
      timeoutMs: this.#options.timeoutMs ?? DEFAULT_TIMEOUT_MS,
      credential: this.#environment.credential,
      ...(this.#options.fetch ? { fetch: this.#options.fetch } : {}),
      ...(this.#options.validation ? { validation: this.#options.validation } : {}),
      ...init,
    });
    if (this.#connection?.baseUrl !== found.baseUrl) {
      // Another service: the readers, the environment and its events belonged to the one before.
      if (this.#connection) this.#registry.replaceAll([]);
      this.#stopEvents?.();
      this.#stopEvents = undefined;
      this.#environment.forget();
    }
    this.#connection = found;
    return request ? this.#environment.challenge(found.client, request, init) : undefined;
  }

  /**
   * Creates the environment with the application's signature of `findService`'s challenge (hex, as SCWS takes it, or
   * bytes); a development registration (`trustOrigin`) passes none. Every later call carries the environment's
   * credential. Then, as SCWS does, fills `SCWS.readers` (firing the reader callbacks) and starts following reader
   * events. A wrong signature rejects with `CKR_SIGNATURE_INVALID`; each challenge answers once, so call
   * `findService` again before retrying. A previous environment is left to end by idling: `endEnvironment()` first
   * ends it at once.
   */
  async createEnvironment(signature?: BytesOrHex | null, options?: CallOptions): Promise<void> {
    const hex = signatureHex(signature);
    const init = callInit(options);
    const connection = this.#found();
    await this.#environment.create(connection.client, hex, init);
    this.#stopEvents?.();
    this.#stopEvents = this.#eventSource()?.(connection, this.#sink());
    await this.updateReaderList(options);
  }

  /** Stops following the service's events; `createEnvironment()` starts again. (open SCWS addition) */
  close(): void {
    this.#stopEvents?.();
    this.#stopEvents = undefined;
  }

  /**
   * Ends the environment on the service: its token connections close and its logins end; later calls carry no
   * credential until `createEnvironment` makes another. Resolves at once when there is none. (open SCWS addition)
   */
  async endEnvironment(options?: CallOptions): Promise<void> {
    const init = callInit(options);
    if (!this.#environment.info) return;
    this.#stopEvents?.();
    this.#stopEvents = undefined;
    await this.#environment.end(this.#found().client, init);
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

  /**
   * The certificates of every token in a reader (connecting to those not connected yet) that match `filter`, as a
   * `CertStore` whose `getObjects()` lists them. See `CertificateFilter` for the members.
   * @example const store = await SCWS.requestCertificates({ keyUsage: ["nonRepudiation"], valid: true });
   */
  async requestCertificates(filter?: CertificateFilter, options?: CallOptions): Promise<CertStore> {
    const checked = checkFilter(filter);
    callInit(options);
    return findCertificates(this.readers, (reader) => this.#connectedTo(reader), checked, options);
  }

  /**
   * The private key of the one certificate that matches `filter` (as `requestCertificates`); when its PIN is not
   * logged in yet, logs in first with `login`: `false` (default) lets the user type the PIN on the service's page.
   * Rejects with CKR_KEY_HANDLE_INVALID when no certificate matches, CKR_ARGUMENTS_BAD when several do.
   */
  async requestPrivateKey(filter?: CertificateFilter, options?: CallOptions & { readonly login?: PrivateKeyLogin }): Promise<Key> {
    const login = options?.login ?? false;
    if (login !== false && typeof login !== "string") throw badParams("options.login", "must be false (the PIN page) or the PIN");
    const store = await this.requestCertificates(filter, options);
    return privateKeyOf(store, login, options);
  }

  /** SCWS's software token (the system's certificate store) exists on Windows and macOS only; the service has none. */
  async getSoftToken(): Promise<Token> {
    throw notSupported("SCWS.getSoftToken()", "the service reaches certificates through PKCS#11 tokens only; there is no system certificate store");
  }

  #connectedTo(reader: Reader): Token | undefined {
    for (const ref of this.#tokens.values()) {
      const token = ref.deref();
      if (token?.reader === reader) return token;
    }
    return undefined;
  }

  #eventSource(): ReaderEventSource | undefined {
    const { events = "auto", readerEvents, timeoutMs = DEFAULT_TIMEOUT_MS } = this.#options;
    if (readerEvents) return readerEvents;
    if (events === "off") return undefined;
    // A poll waits for events a little less than a call may last.
    return serviceEvents({ transport: events, pollWaitSeconds: Math.max(0, Math.min(25, Math.floor(timeoutMs / 1000) - 5)) });
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
