import { describe, expect, it } from "vitest";
import type { Reader, ReaderState } from "./reader.js";
import { type ReaderChange, ReaderRegistry } from "./reader-registry.js";

function state(n: number, changes: Partial<ReaderState> = {}): ReaderState {
  return {
    id: `r-${String(n).padStart(16, "0")}`,
    name: `Reader ${n}`,
    cardPresent: true,
    status: "ok",
    moduleId: "softhsm",
    token: { label: `token ${n}`, serialNumber: String(n), initialized: true },
    ...changes,
  };
}

function registry() {
  const events: string[] = [];
  const readers = new ReaderRegistry(
    {
      connection: () => {
        throw new Error("no service in these tests");
      },
    },
    (change: ReaderChange, reader: Reader) => events.push(`${change} ${reader.name}`),
  );
  return { readers, events };
}

describe("the reader list", () => {
  it("reports every reader of a first list as added, in the list's order", () => {
    const { readers, events } = registry();
    readers.replaceAll([state(1), state(2)]);
    expect(events).toEqual(["added Reader 1", "added Reader 2"]);
    expect(readers.readers.map((reader) => reader.name)).toEqual(["Reader 1", "Reader 2"]);
  });

  it("reports nothing when the list is the same", () => {
    const { readers, events } = registry();
    readers.replaceAll([state(1)]);
    readers.replaceAll([state(1)]);
    expect(events).toEqual(["added Reader 1"]);
  });

  it("updates a reader in place and reports its state change when its card is taken out", () => {
    const { readers, events } = registry();
    readers.replaceAll([state(1)]);
    const [reader] = readers.readers;
    readers.replaceAll([state(1, { cardPresent: false, token: undefined })]);
    expect(events).toEqual(["added Reader 1", "statechanged Reader 1"]);
    expect(readers.readers[0]).toBe(reader);
    expect(reader).toMatchObject({ cardPresent: false, tokenSummary: undefined, status: "ok" });
  });

  it("reports a reader that left the list as removed and unavailable, and drops it", () => {
    const { readers, events } = registry();
    readers.replaceAll([state(1), state(2)]);
    const gone = readers.readers[0]!;
    readers.replaceAll([state(2)]);
    expect(events.slice(2)).toEqual(["removed Reader 1"]);
    expect(gone).toMatchObject({ status: "unavailable", cardPresent: false });
    expect(readers.readers.map((reader) => reader.name)).toEqual(["Reader 2"]);
  });

  it("keeps the same array, so that references to SCWS.readers stay current", () => {
    const { readers } = registry();
    const list = readers.readers;
    readers.replaceAll([state(1)]);
    readers.replaceAll([state(2), state(1)]);
    expect(readers.readers).toBe(list);
    expect(list.map((reader) => reader.name)).toEqual(["Reader 2", "Reader 1"]);
  });

  it("applies single events as an event stream would send them", () => {
    const { readers, events } = registry();
    readers.upsert(state(1));
    readers.upsert(state(1, { status: "mute" }));
    readers.remove(state(1).id);
    readers.remove(state(9).id);
    expect(events).toEqual(["added Reader 1", "statechanged Reader 1", "removed Reader 1"]);
    expect(readers.readers).toEqual([]);
  });

  it("finds a reader by name", () => {
    const { readers } = registry();
    readers.replaceAll([state(1), state(2)]);
    expect(readers.byName("Reader 2")).toBe(readers.readers[1]);
    expect(readers.byName("Reader 3")).toBeUndefined();
  });
});
