// The reader list behind SCWS.readers: applies a full list (updateReaderList) or single changes (an event source)
// and tells which readers were added, removed or changed, so that the SCWS callbacks fire.
import type { components } from "@open-scws/spec";
import { markReaderRemoved, Reader, type ReaderState, updateReader } from "./reader.js";
import type { FacadeContext, ServiceConnection } from "./service-connection.js";

/** What happened to a reader, as the `onreader*` callbacks are named. */
export type ReaderChange = "added" | "removed" | "statechanged";

/** A change of the caller's login to a token, as the `loginStateChanged` event tells it. */
export type LoginChange = components["schemas"]["LoginChange"];

/** Where reader changes go: the SCWS object's reader list, and its tokens for login changes. */
export interface ReaderEventSink {
  /** A reader appeared or its state changed. */
  upsert(state: ReaderState): void;
  /** A reader disappeared. */
  remove(readerId: string): void;
  /** The whole list, as `updateReaderList()` applies it (after a gap in the events). */
  replaceAll(states: readonly ReaderState[]): void;
  /** The caller's login to a token began or ended. */
  login?(change: LoginChange): void;
}

/**
 * A source of reader changes besides `updateReaderList()`: by default the service's events (`GET /v1/events`, see
 * `serviceEvents`). Started when the service is found; returns a function that stops it.
 */
export type ReaderEventSource = (service: ServiceConnection, sink: ReaderEventSink) => () => void;

/** The readers, in the service's order, updated in place. */
export class ReaderRegistry implements ReaderEventSink {
  /** The array `SCWS.readers` returns; kept the same array, so that references to it stay current. */
  readonly readers: Reader[] = [];

  constructor(
    private readonly context: FacadeContext,
    private readonly notify: (change: ReaderChange, reader: Reader) => void,
  ) {}

  upsert(state: ReaderState): void {
    const known = this.readers.find((reader) => reader.id === state.id);
    if (!known) {
      const reader = new Reader(this.context, state);
      this.readers.push(reader);
      this.notify("added", reader);
    } else if (updateReader(known, state)) {
      this.notify("statechanged", known);
    }
  }

  remove(readerId: string): void {
    const index = this.readers.findIndex((reader) => reader.id === readerId);
    if (index < 0) return;
    const [reader] = this.readers.splice(index, 1);
    markReaderRemoved(reader!);
    this.notify("removed", reader!);
  }

  /** Applies a full list: readers not in it are removed, the others added or updated, in the list's order. */
  replaceAll(states: readonly ReaderState[]): void {
    const ids = new Set(states.map((state) => state.id));
    for (const reader of [...this.readers]) if (!ids.has(reader.id)) this.remove(reader.id);
    for (const state of states) this.upsert(state);
    this.readers.sort((a, b) => states.findIndex((s) => s.id === a.id) - states.findIndex((s) => s.id === b.id));
  }

  /** The reader with this name, if any. */
  byName(name: string): Reader | undefined {
    return this.readers.find((reader) => reader.name === name);
  }
}
