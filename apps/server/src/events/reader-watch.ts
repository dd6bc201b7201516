// Watches the readers for SCWS's reader callbacks: compares each listing with the last one and publishes what
// changed. It polls only while someone listens (SoftHSM has no C_WaitForSlotEvent); listings made for other
// reasons are compared too. A token that left its reader ends the connections to it.
import type { components } from "@open-scws/spec";
import type { LocatedReader, ReaderDirectory } from "../tokens/reader-directory.js";
import type { TokenConnections } from "../tokens/token-connections.js";
import type { EventHub, EventSlot } from "./event-hub.js";

type Reader = components["schemas"]["Reader"];

function sameState(a: Reader, b: Reader): boolean {
  return (
    a.cardPresent === b.cardPresent &&
    a.status === b.status &&
    a.token?.serialNumber === b.token?.serialNumber &&
    a.token?.label === b.token?.label &&
    a.token?.initialized === b.token?.initialized
  );
}

/** Publishes reader events from successive listings. */
export class ReaderWatch {
  private snapshot: Map<string, LocatedReader> | undefined;
  private timer: NodeJS.Timeout | undefined;
  private holders = 0;
  private polling = false;

  constructor(
    private readonly readers: ReaderDirectory,
    private readonly tokens: TokenConnections,
    private readonly events: EventHub,
    private readonly intervalMs: number,
  ) {
    readers.onListed = (listing) => this.compare(listing);
  }

  /** Takes the first listing, so that later changes are seen as changes. */
  async baseline(): Promise<void> {
    await this.readers.list().catch(() => undefined);
  }

  /** Starts polling while at least one listener holds the watch; returns the release. */
  hold(): () => void {
    this.holders += 1;
    if (this.holders === 1) this.timer = setInterval(() => void this.poll(), this.intervalMs);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.holders -= 1;
      if (this.holders === 0) clearInterval(this.timer);
    };
  }

  /** Stops polling for good. */
  stop(): void {
    clearInterval(this.timer);
    this.holders = 0;
  }

  private async poll(): Promise<void> {
    if (this.polling) return;
    this.polling = true;
    try {
      await this.readers.list();
    } catch {
      // A module that fails to list is reported by the calls that need it; the watch tries again next time.
    } finally {
      this.polling = false;
    }
  }

  /** Publishes the differences between the last listing and this one, each to the callers that may see its token. */
  compare(listing: readonly LocatedReader[]): void {
    const previous = this.snapshot;
    this.snapshot = new Map(listing.map((entry) => [entry.reader.id, entry]));
    if (!previous) return;
    for (const entry of listing) {
      const { reader } = entry;
      const before = previous.get(reader.id);
      if (!before) this.events.publish({ type: "readerAdded", reader }, { slots: slotsOf(entry) });
      else if (!sameState(before.reader, reader)) {
        // The reader's change is published before the logins it ends: cause, then effect. Callers that may see the
        // token that left, or the one that came, hear of it.
        this.events.publish({ type: "readerStateChanged", reader }, { slots: [...slotsOf(before), ...slotsOf(entry)] });
        if (before.reader.token?.serialNumber !== undefined && before.reader.token.serialNumber !== reader.token?.serialNumber)
          this.tokens.tokenLost(reader.id, "tokenRemoved");
      }
    }
    for (const [id, before] of previous) {
      if (this.snapshot.has(id)) continue;
      this.events.publish({ type: "readerRemoved", reader: { ...before.reader, cardPresent: false, status: "unavailable" } }, { slots: slotsOf(before) });
      this.tokens.tokenLost(id, "tokenRemoved");
    }
  }
}

function slotsOf(entry: LocatedReader): EventSlot[] {
  return entry.info ? [{ module: entry.module, info: entry.info }] : [];
}
