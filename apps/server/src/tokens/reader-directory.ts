// Readers as SCWS shows them: PKCS#11 slots of every ready module, under opaque ids that never reveal a slot number.
import { createHash } from "node:crypto";
import { ScwsError, toScwsError } from "@open-scws/errors";
import type { components } from "@open-scws/spec";
import type { SlotFilter } from "../config/token-filter.js";
import { TokenFlag } from "../pkcs11/flags.js";
import type { SlotHandle, SlotInfo } from "../pkcs11/host.js";
import type { ModuleRegistry, ModuleRuntime } from "./module-registry.js";

type Reader = components["schemas"]["Reader"];

/** A reader, with where it lives. */
export interface LocatedReader {
  readonly reader: Reader;
  readonly module: ModuleRuntime;
  readonly slot: SlotHandle;
  /** What the module reported of the slot, for a present reader. */
  readonly info?: SlotInfo;
}

/** The reader id of a module's slot: a hash, stable across restarts, that does not reveal the slot number. */
export function readerIdFor(moduleId: string, slot: SlotHandle): string {
  return `r-${createHash("sha256").update(`${moduleId}\0${slot}`).digest("hex").slice(0, 16)}`;
}

function readerOf(moduleId: string, slot: SlotInfo): Reader {
  const reader: Reader = {
    id: readerIdFor(moduleId, slot.handle),
    name: slot.description,
    cardPresent: slot.tokenPresent,
    // A present token that does not answer C_GetTokenInfo is "mute", as SCWS calls a card without answer to reset.
    status: slot.tokenPresent && slot.tokenError !== undefined ? "mute" : "ok",
    moduleId,
  };
  if (slot.token) {
    reader.token = {
      label: slot.token.label,
      serialNumber: slot.token.serialNumber,
      initialized: (slot.token.flags & TokenFlag.tokenInitialized) !== 0,
    };
  }
  return reader;
}

/** Lists and finds readers across modules. */
export class ReaderDirectory {
  /** Readers seen since start, so that a reader that went away is reported "unavailable" rather than unknown. */
  private readonly seen = new Map<string, { module: ModuleRuntime; slot: SlotHandle; name: string }>();

  /** The listing being read, and the one that callers arriving meanwhile wait for. */
  private current: Promise<LocatedReader[]> | undefined;
  private next: Promise<LocatedReader[]> | undefined;

  /** Called with every complete listing, for the reader watch. */
  onListed: ((readers: LocatedReader[]) => void) | undefined;

  /** `exposes` hides the slots it refuses (the `exposeTokens` option); without it every slot is shown. */
  constructor(
    private readonly modules: ModuleRegistry,
    private readonly exposes?: SlotFilter,
  ) {}

  /** Every present reader, read afresh from the modules; `scope` keeps those a caller may see. */
  async list(scope?: SlotFilter): Promise<LocatedReader[]> {
    const located = await this.listShared();
    return scope ? located.filter((entry) => entry.info && scope(entry.module, entry.info)) : located;
  }

  /**
   * Every present reader, from a listing that starts after this call. Concurrent callers share listings: one
   * arriving while a listing is read waits for the next, which starts when that one ends and serves every caller
   * that arrived meanwhile (at most one listing in flight and one waiting).
   */
  private listShared(): Promise<LocatedReader[]> {
    if (!this.current) {
      const listing = this.read().finally(() => {
        if (this.current === listing) this.current = undefined;
      });
      this.current = listing;
      return listing;
    }
    this.next ??= this.current.then(
      () => this.startNext(),
      () => this.startNext(),
    );
    return this.next;
  }

  private startNext(): Promise<LocatedReader[]> {
    this.next = undefined;
    return this.listShared();
  }

  /** One listing across modules. One failing module does not hide the others. */
  private async read(): Promise<LocatedReader[]> {
    const ready = this.modules.ready();
    if (ready.length === 0) throw this.noModuleError();
    const results = await Promise.allSettled(ready.map((module) => module.host.listSlots()));
    const located: LocatedReader[] = [];
    results.forEach((result, index) => {
      const module = ready[index]!;
      if (result.status === "rejected") return;
      for (const slot of result.value) {
        if (this.exposes && !this.exposes(module, slot)) continue;
        const reader = readerOf(module.id, slot);
        this.seen.set(reader.id, { module, slot: slot.handle, name: reader.name });
        located.push({ reader, module, slot: slot.handle, info: slot });
      }
    });
    const failure = results.find((result) => result.status === "rejected");
    if (failure && located.length === 0) throw toScwsError(failure.reason);
    if (!failure) this.onListed?.(located);
    return located;
  }

  private noModuleError(): ScwsError {
    const failed = this.modules.all().map((module) => ({ id: module.id, reason: module.reason ?? "not started" }));
    return new ScwsError("CKR_LIBRARY_LOAD_FAILED", {
      message: "No PKCS#11 module could be loaded; see getServiceInfo for why.",
      customData: { modules: failed },
    });
  }

  /** One reader by id: present, or "unavailable" if it was seen and went away. */
  async find(readerId: string, scope?: SlotFilter): Promise<LocatedReader> {
    const present = (await this.list(scope)).find((entry) => entry.reader.id === readerId);
    if (present) return present;
    // A reader that went away cannot be matched against a caller's tokens: for a scoped caller it does not exist.
    const gone = scope ? undefined : this.seen.get(readerId);
    if (!gone) throw new ScwsError("CKR_SLOT_ID_INVALID", { message: `No reader has the id ${readerId}.`, customData: { field: "/path/readerId" } });
    return {
      reader: { id: readerId, name: gone.name, cardPresent: false, status: "unavailable", moduleId: gone.module.id },
      module: gone.module,
      slot: gone.slot,
    };
  }
}
