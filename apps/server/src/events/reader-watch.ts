// Watches the readers for SCWS's reader callbacks: compares each listing with the last one and publishes what
// changed. It polls only while someone listens (SoftHSM has no C_WaitForSlotEvent); listings made for other
// reasons are compared too. A token that left its reader ends the connections to it.
import type { components } from "@open-scws/spec";
import type { ReaderDirectory } from "../tokens/reader-directory.js";
import type { TokenConnections } from "../tokens/token-connections.js";
import type { EventHub } from "./event-hub.js";

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
  private snapshot: Map<string, Reader> | undefined;
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

  /** Publishes the differences between the last listing and this one. */
  compare(listing: readonly Reader[]): void {
    const previous = this.snapshot;
    this.snapshot = new Map(listing.map((reader) => [reader.id, reader]));
    if (!previous) return;
    for (const reader of listing) {
      const before = previous.get(reader.id);
      if (!before) this.events.publish({ type: "readerAdded", reader });
      else if (!sameState(before, reader)) {
        // The reader's change is published before the logins it ends: cause, then effect.
        this.events.publish({ type: "readerStateChanged", reader });
        if (before.token?.serialNumber !== undefined && before.token.serialNumber !== reader.token?.serialNumber)
          this.tokens.tokenLost(reader.id, "tokenRemoved");
      }
    }
    for (const [id, before] of previous) {
      if (this.snapshot.has(id)) continue;
      this.events.publish({ type: "readerRemoved", reader: { ...before, cardPresent: false, status: "unavailable" } });
      this.tokens.tokenLost(id, "tokenRemoved");
    }
  }
}
