import { describe, expect, it } from "vitest";
import { EventHub } from "./event-hub.js";

const reader = { id: "r-0000000000000001", name: "Slot", cardPresent: true, status: "ok" as const, moduleId: "m" };

describe("EventHub", () => {
  it("numbers events and returns those after a cursor", () => {
    const hub = new EventHub();
    hub.publish({ type: "readerAdded", reader });
    hub.publish({ type: "readerStateChanged", reader: { ...reader, cardPresent: false } });
    const page = hub.after(1, { caller: "a" });
    expect(page.events.map((event) => [event.id, event.type])).toEqual([[2, "readerStateChanged"]]);
    expect(page).toMatchObject({ cursor: 2, missed: false });
  });

  it("sends a caller's login events to that caller only", () => {
    const hub = new EventHub();
    const login = { tokenId: `t-${"1".repeat(32)}`, readerId: reader.id, validated: true, soValidated: false, reason: "login" as const };
    hub.publish({ type: "loginStateChanged", login }, { caller: "alice" });
    const heard: string[] = [];
    hub.subscribe({ caller: "bob" }, (event) => heard.push(event.type));
    hub.publish({ type: "loginStateChanged", login }, { caller: "alice" });
    expect(hub.after(0, { caller: "bob" }).events).toEqual([]);
    expect(hub.after(0, { caller: "alice" }).events).toHaveLength(2);
    expect(heard).toEqual([]);
  });

  it("says when a cursor is older than the buffer", () => {
    const hub = new EventHub(2);
    for (let i = 0; i < 5; i += 1) hub.publish({ type: "readerStateChanged", reader });
    expect(hub.after(1, { caller: "a" })).toMatchObject({ missed: true, cursor: 5 });
    expect(hub.after(3, { caller: "a" })).toMatchObject({ missed: false });
  });

  it("waits for the next event, or gives up after the wait", async () => {
    const hub = new EventHub();
    const waiting = hub.waitAfter(0, { caller: "a" }, 5_000);
    // The waiter is subscribed before the event: it must be woken by the event, not find it already buffered.
    expect(hub.listenerCount).toBe(1);
    hub.publish({ type: "readerRemoved", reader });
    expect((await waiting).events.map((event) => event.type)).toEqual(["readerRemoved"]);
    const empty = await hub.waitAfter(hub.cursor, { caller: "a" }, 10);
    expect(empty.events).toEqual([]);
    expect(hub.listenerCount).toBe(0);
  });
});
