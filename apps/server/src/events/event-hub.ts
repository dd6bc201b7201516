// The service's events: numbered, kept in a ring buffer for callers that poll or reconnect, and pushed to
// listeners. Reader events go to every caller that may see the reader's token; login events only to the caller
// whose login changed.
import type { components } from "@open-scws/spec";
import type { SlotFilter } from "../config/token-filter.js";
import type { SlotInfo } from "../pkcs11/host.js";
import type { ModuleRuntime } from "../tokens/module-registry.js";

type ServiceEvent = components["schemas"]["ServiceEvent"];

/** A slot an event is about, as its module reported it: a scoped caller sees the event if its scope matches one. */
export interface EventSlot {
  readonly module: ModuleRuntime;
  readonly info: SlotInfo;
}

/** Who an event is for: one caller, or every caller that may see one of its slots (undefined: everyone). */
export interface EventTarget {
  readonly caller?: string;
  readonly slots?: readonly EventSlot[];
}

/** Who reads events: the caller, and the tokens it may use (undefined: every exposed token). */
export interface EventReader {
  readonly caller: string;
  readonly scope?: SlotFilter;
}

interface StoredEvent {
  readonly event: ServiceEvent;
  readonly target: EventTarget;
}

function isFor(target: EventTarget, reader: EventReader): boolean {
  if (target.caller !== undefined && target.caller !== reader.caller) return false;
  if (reader.scope === undefined || target.slots === undefined) return true;
  const scope = reader.scope;
  return target.slots.some((slot) => scope(slot.module, slot.info));
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
  private readonly listeners = new Map<Listener, EventReader>();
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

  /** Publishes an event, to its target (by default, everyone). */
  publish(event: Omit<ServiceEvent, "id" | "time">, target: EventTarget = {}): ServiceEvent {
    this.lastId += 1;
    const stored: ServiceEvent = { id: this.lastId, time: new Date().toISOString(), ...event };
    this.buffer.push({ event: stored, target });
    if (this.buffer.length > this.capacity) this.buffer.shift();
    for (const [listener, reader] of this.listeners) {
      if (isFor(target, reader)) listener(stored);
    }
    return stored;
  }

  /** The reader's events after `since`. */
  after(since: number, reader: EventReader): EventPage {
    const oldest = this.buffer[0]?.event.id ?? this.lastId + 1;
    const events = this.buffer.filter(({ event, target }) => event.id > since && isFor(target, reader)).map(({ event }) => event);
    return { events, cursor: this.lastId, missed: since + 1 < oldest && since < this.lastId };
  }

  /** Calls `listener` with each new event for the reader, until the returned function is called. */
  subscribe(reader: EventReader, listener: Listener): () => void {
    this.listeners.set(listener, reader);
    return () => void this.listeners.delete(listener);
  }

  /** Resolves with the reader's events after `since`, waiting up to `waitMs` for one when there is none yet. */
  async waitAfter(since: number, reader: EventReader, waitMs: number, signal?: AbortSignal): Promise<EventPage> {
    const page = this.after(since, reader);
    if (page.events.length > 0 || waitMs <= 0) return page;
    await new Promise<void>((resolve) => {
      const done = () => {
        clearTimeout(timer);
        unsubscribe();
        signal?.removeEventListener("abort", done);
        resolve();
      };
      const timer = setTimeout(done, waitMs);
      const unsubscribe = this.subscribe(reader, done);
      signal?.addEventListener("abort", done);
    });
    return this.after(since, reader);
  }
}
