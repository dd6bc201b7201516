// The service's events: numbered, kept in a ring buffer for callers that poll or reconnect, and pushed to
// listeners. Reader events go to every caller; login events only to the caller whose login changed.
import type { components } from "@open-scws/spec";

type ServiceEvent = components["schemas"]["ServiceEvent"];

/** An event and the caller it is for (undefined: every caller). */
interface StoredEvent {
  readonly event: ServiceEvent;
  readonly audience?: string;
}

/** Events after a cursor. */
export interface EventPage {
  readonly events: ServiceEvent[];
  readonly cursor: number;
  /** Whether events after the cursor were already dropped from the buffer. */
  readonly missed: boolean;
}

type Listener = (event: ServiceEvent) => void;

/** Publishes events and keeps the latest ones. */
export class EventHub {
  private readonly buffer: StoredEvent[] = [];
  private readonly listeners = new Map<Listener, string>();
  private lastId = 0;
  private readonly closing = new AbortController();

  constructor(private readonly capacity = 512) {}

  /** Aborted when the service closes, so that open streams end instead of holding their connections. */
  get closed(): AbortSignal {
    return this.closing.signal;
  }

  /** Ends every open stream. */
  close(): void {
    this.closing.abort();
  }

  /** The id of the newest event. */
  get cursor(): number {
    return this.lastId;
  }

  /** How many listeners are subscribed (the service watches readers only while someone is). */
  get listenerCount(): number {
    return this.listeners.size;
  }

  /** Publishes an event, to one caller or to all. */
  publish(event: Omit<ServiceEvent, "id" | "time">, audience?: string): ServiceEvent {
    this.lastId += 1;
    const stored: ServiceEvent = { id: this.lastId, time: new Date().toISOString(), ...event };
    this.buffer.push(audience === undefined ? { event: stored } : { event: stored, audience });
    if (this.buffer.length > this.capacity) this.buffer.shift();
    for (const [listener, caller] of this.listeners) {
      if (audience === undefined || audience === caller) listener(stored);
    }
    return stored;
  }

  /** The caller's events after `since`. */
  after(since: number, caller: string): EventPage {
    const oldest = this.buffer[0]?.event.id ?? this.lastId + 1;
    const events = this.buffer.filter(({ event, audience }) => event.id > since && (audience === undefined || audience === caller)).map(({ event }) => event);
    return { events, cursor: this.lastId, missed: since + 1 < oldest && since < this.lastId };
  }

  /** Calls `listener` with each new event for the caller, until the returned function is called. */
  subscribe(caller: string, listener: Listener): () => void {
    this.listeners.set(listener, caller);
    return () => void this.listeners.delete(listener);
  }

  /** Resolves with the caller's events after `since`, waiting up to `waitMs` for one when there is none yet. */
  async waitAfter(since: number, caller: string, waitMs: number, signal?: AbortSignal): Promise<EventPage> {
    const page = this.after(since, caller);
    if (page.events.length > 0 || waitMs <= 0) return page;
    await new Promise<void>((resolve) => {
      const done = () => {
        clearTimeout(timer);
        unsubscribe();
        signal?.removeEventListener("abort", done);
        resolve();
      };
      const timer = setTimeout(done, waitMs);
      const unsubscribe = this.subscribe(caller, done);
      signal?.addEventListener("abort", done);
    });
    return this.after(since, caller);
  }
}
