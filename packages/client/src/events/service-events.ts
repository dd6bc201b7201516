// Follows the service's events (GET /v1/events) for the SCWS reader callbacks: a Server-Sent Events stream read with
// fetch, or JSON long polls (`?since=&wait=`). Not the browser's EventSource: it cannot send the environment's
// credential header, and the credential never travels in a query string. Each (re)connection first catches
// up from the last event seen (`since`); a gap the service could not fill, or a restarted service, is bridged by
// reading the whole reader list again, so that SCWS.readers stays right and the callbacks fire for what changed.
import type { components } from "@open-scws/spec";
import type { CheckedSchema } from "../contract/schema-check.js";
import type { ReaderEventSink, ReaderEventSource } from "../facade/reader-registry.js";
import type { ServiceConnection } from "../facade/service-connection.js";
import { communicationError } from "../transport/client-errors.js";
import { unwrap } from "../transport/unwrap.js";
import { defaultValidation } from "../transport/validation.js";
import { SseParser } from "./sse-parser.js";

type ServiceEvent = components["schemas"]["ServiceEvent"];
type EventBatch = components["schemas"]["EventBatch"];

/**
 * How to follow the events: `"fetch"` (a Server-Sent Events stream read with fetch, with the credential header),
 * `"poll"` (JSON long polls), or `"auto"`: a fetch stream, and polls when the service (or a proxy) answers no stream.
 */
export type EventTransport = "auto" | "fetch" | "poll";

/** How to follow the events. */
export interface ServiceEventsOptions {
  readonly transport?: EventTransport;
  /** Seconds a poll waits for an event (0 to 30, default 25); keep it below the client's timeout. */
  readonly pollWaitSeconds?: number;
  /** Milliseconds before the first retry after a failure; each failure in a row doubles it, up to 15 s. */
  readonly retryMs?: number;
}

const MAX_RETRY_MS = 15_000;
const EVENT_SCHEMA: CheckedSchema = { $ref: "ServiceEvent" };

/** Thrown when the service answers a stream request with JSON: nothing between here and it streams. */
class NoStream extends Error {}

/** An event of the stream: JSON, and with the default validation on, checked against the spec. */
function parseEvent(text: string): ServiceEvent {
  const validation = defaultValidation();
  if (!validation) {
    try {
      return JSON.parse(text) as ServiceEvent;
    } catch {
      throw communicationError("an event is not JSON");
    }
  }
  const verdict = validation.checkJsonBody(EVENT_SCHEMA, text);
  if (verdict.kind !== "conforms") throw communicationError(`an event does not match the spec${"reason" in verdict ? `: ${verdict.reason}` : ""}`);
  return verdict.body as ServiceEvent;
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      signal.removeEventListener("abort", done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    // In Node, a retry timer must not keep the process alive on its own.
    (timer as { unref?: () => void }).unref?.();
    signal.addEventListener("abort", done, { once: true });
  });
}

/** Follows one service's events into a sink until stopped. */
class EventFollower {
  #cursor: number | undefined;
  readonly #stopping = new AbortController();
  #closeStream: (() => void) | undefined;
  #transport: Exclude<EventTransport, "auto">;

  constructor(
    private readonly service: ServiceConnection,
    private readonly sink: ReaderEventSink,
    private readonly options: ServiceEventsOptions,
  ) {
    this.#transport = options.transport === "poll" ? "poll" : "fetch";
  }

  stop(): void {
    this.#stopping.abort();
    this.#closeStream?.();
  }

  async run(): Promise<void> {
    const first = this.options.retryMs ?? 1_000;
    let delay = first;
    while (!this.#stopping.signal.aborted) {
      try {
        if (this.#transport === "poll") {
          await this.#catchUp(this.#cursor === undefined ? 0 : (this.options.pollWaitSeconds ?? 25));
        } else {
          await this.#catchUp(0);
          const opened = Date.now();
          await this.#fetchStream();
          // A stream the service ended at once is retried after a pause, not in a tight loop.
          if (Date.now() - opened < first) await sleep(delay, this.#stopping.signal);
        }
        delay = first;
      } catch (error) {
        if (this.#stopping.signal.aborted) return;
        if (error instanceof NoStream) {
          this.#transport = "poll";
          continue;
        }
        await sleep(delay, this.#stopping.signal);
        delay = Math.min(delay * 2, MAX_RETRY_MS);
      }
    }
  }

  /** Reads the events after the cursor as JSON; on a gap or a restarted service, reads the reader list instead. */
  async #catchUp(waitSeconds: number): Promise<void> {
    const signal = this.#stopping.signal;
    const query = this.#cursor === undefined ? { wait: 0 } : { since: this.#cursor, wait: waitSeconds };
    const page = unwrap(await this.service.client.GET("/v1/events", { params: { query }, signal })) as EventBatch;
    if (this.#cursor === undefined || page.missed === true || page.cursor < this.#cursor) {
      const { readers } = unwrap(await this.service.client.GET("/v1/readers", { signal }));
      if (signal.aborted) return;
      this.#cursor = page.cursor;
      this.sink.replaceAll(readers);
      return;
    }
    for (const event of page.events) this.#dispatch(event);
    this.#cursor = Math.max(this.#cursor, page.cursor);
  }

  #dispatch(event: ServiceEvent): void {
    if (this.#stopping.signal.aborted || (this.#cursor !== undefined && event.id <= this.#cursor)) return;
    this.#cursor = event.id;
    if (event.type === "loginStateChanged") {
      if (event.login) this.sink.login?.(event.login);
    } else if (event.reader) {
      if (event.type === "readerRemoved") this.sink.remove(event.reader.id);
      else this.sink.upsert(event.reader);
    }
  }

  /** A stream read with fetch, through the typed client (and so its credential); resolves when the service ends it. */
  async #fetchStream(): Promise<void> {
    const { data, error, response } = await this.service.client.GET("/v1/events", {
      params: { query: { since: this.#cursor ?? 0 } },
      headers: { accept: "text/event-stream" },
      parseAs: "stream",
      signal: this.#stopping.signal,
    });
    if (error !== undefined || !response.ok) unwrap({ data, error, response });
    if (!response.headers.get("content-type")?.startsWith("text/event-stream") || !response.body) {
      await response.body?.cancel().catch(() => {});
      throw new NoStream();
    }
    const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
    this.#closeStream = () => void reader.cancel().catch(() => {});
    const parser = new SseParser((message) => this.#dispatch(parseEvent(message.data)));
    let ended = false;
    try {
      for (;;) {
        const { value, done } = await reader.read();
        ended = done;
        if (done) return;
        parser.push(value);
      }
    } finally {
      this.#closeStream = undefined;
      // An event that broke the spec ends this stream: the next one catches up from the last good event.
      if (!ended) await reader.cancel().catch(() => {});
    }
  }
}

/**
 * The event source that `createScws` uses unless told otherwise: it follows the service's events from the moment an
 * environment is created, reads the reader list once, and keeps following (reconnecting with backoff) until stopped.
 * @example createScws({ readerEvents: serviceEvents({ transport: "poll" }) })
 */
export function serviceEvents(options: ServiceEventsOptions = {}): (...source: Parameters<ReaderEventSource>) => () => Promise<void> {
  return (service, sink) => {
    const follower = new EventFollower(service, sink, options);
    const running = follower.run();
    // Stopping answers when the follower has ended: no request can follow, which a test can wait for.
    return () => {
      follower.stop();
      return running;
    };
  };
}
