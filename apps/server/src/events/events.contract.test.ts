import { join } from "node:path";
import { buildFaultModule, FaultControl } from "@open-scws/pkcs11-faults";
import { SoftHsmSandbox } from "@open-scws/softhsm";
import { connectByLabel, type EventReader, login, pinState, readEvents, startTestService, type TestService } from "@open-scws/test-support";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";

describe("reader and login events while a token is pulled out and put back (fault-injecting module over SoftHSM)", () => {
  const sandbox = SoftHsmSandbox.temporary();
  const faults = new FaultControl(join(sandbox.dir, "faults.control"));
  let t: TestService;
  let stream: EventReader;
  let readerId: string;
  beforeAll(async () => {
    t = await startTestService({
      sandbox,
      tokenLabels: ["events-card", "events-other"],
      module: buildFaultModule(),
      moduleEnv: { SCWS_FAULT_CONTROL: faults.path },
    });
    readerId = (await t.client.GET("/v1/readers")).data!.readers.find((reader) => reader.token?.label === "events-card")!.id;
    const controller = new AbortController();
    const response = await t.fetch("/v1/events", { headers: { accept: "text/event-stream" }, signal: controller.signal });
    expect(response.headers.get("content-type")).toBe("text/event-stream");
    stream = readEvents(response, controller);
  });
  afterAll(async () => {
    stream.close();
    await t.close();
    sandbox.remove();
  });

  it("streams the caller's login and logout", async () => {
    const tokenId = await connectByLabel(t, "events-other");
    await login(t, tokenId, t.tokens["events-other"]!.pin);
    const event = await stream.next((e) => e.type === "loginStateChanged" && e.login?.tokenId === tokenId);
    expect(event.login).toMatchObject({ validated: true, reason: "login" });
  });

  it("reports the token's removal, ends its connection and login, and leaves the other token alone", async () => {
    const tokenId = await connectByLabel(t, "events-card");
    await login(t, tokenId, t.tokens["events-card"]!.pin);
    const other = await connectByLabel(t, "events-other");

    faults.removeToken("events-card");
    const removed = await stream.next((e) => e.type === "readerStateChanged" && e.reader?.id === readerId && !e.reader.cardPresent);
    expect(removed.reader).toMatchObject({ cardPresent: false, status: "ok" });
    expect(removed.reader?.token).toBeUndefined();
    const loggedOut = await stream.next((e) => e.type === "loginStateChanged" && e.login?.tokenId === tokenId && e.login.reason === "tokenRemoved");
    expect(loggedOut.login).toMatchObject({ validated: false });

    const lost = await t.client.GET("/v1/tokens/{tokenId}/objects", { params: { path: { tokenId } } });
    expect(lost.response.status).toBe(409);
    expect(lost.error).toMatchObject({ code: "CKR_DEVICE_REMOVED", customData: { reason: "tokenRemoved" } });
    expect((await pinState(t, other)).response.status).toBe(200);
    const reconnect = await t.client.POST("/v1/readers/{readerId}/connect", { params: { path: { readerId } } });
    expect(reconnect.error?.code).toBe("CKR_TOKEN_NOT_PRESENT");
    expect((await t.client.DELETE("/v1/tokens/{tokenId}", { params: { path: { tokenId } } })).response.status).toBe(204);
  });

  it("reports the token's return, after which it connects and logs in afresh", async () => {
    faults.restoreToken("events-card");
    const back = await stream.next((e) => e.type === "readerStateChanged" && e.reader?.id === readerId && e.reader.cardPresent === true);
    expect(back.reader?.token).toMatchObject({ label: "events-card", initialized: true });
    const tokenId = await connectByLabel(t, "events-card");
    expect((await pinState(t, tokenId)).data?.validated).toBe(false);
    expect((await login(t, tokenId, t.tokens["events-card"]!.pin)).data?.validated).toBe(true);
  });

  /** A JSON poll of the events (the operation also answers event streams, as text). */
  async function poll(query: { since: number; wait?: number }) {
    const { data } = await t.client.GET("/v1/events", { params: { query } });
    if (typeof data !== "object") throw new Error("a poll answers a JSON batch");
    return { data };
  }

  it("answers a poll with the events after a cursor, as JSON the spec describes, and waits for the next one", async () => {
    const first = await poll({ since: 0 });
    expect(first.data!.events.length).toBeGreaterThanOrEqual(4);
    expect(first.data!.events.map((e) => e.id)).toEqual([...first.data!.events.map((e) => e.id)].sort((a, b) => a - b));
    const cursor = first.data!.cursor;
    const hub = t.service.services.events;
    const listening = hub.listenerCount;
    const waiting = poll({ since: cursor, wait: 5 });
    // The token goes once the poll is waiting: subscribed to the hub, as its listener count shows.
    await vi.waitFor(() => expect(hub.listenerCount).toBe(listening + 1));
    faults.removeToken("events-other");
    const next = await waiting;
    // The reader's change comes first; the logins it ended (this caller was logged in to events-other) follow.
    expect(next.data!.events[0]).toMatchObject({ type: "readerStateChanged", reader: { cardPresent: false } });
    expect(next.data!.events.every((event) => event.id > cursor)).toBe(true);
    faults.restoreToken("events-other");
  });

  it("resumes a stream from Last-Event-ID", async () => {
    const controller = new AbortController();
    const response = await t.fetch("/v1/events", { headers: { accept: "text/event-stream", "last-event-id": "0" }, signal: controller.signal });
    const resumed = readEvents(response, controller);
    const replayed = await resumed.next((e) => e.type === "readerStateChanged");
    expect(replayed.id).toBeLessThanOrEqual(stream.received.find((e) => e.type === "readerStateChanged")!.id);
    resumed.close();
  });

  it("refuses a cursor that is not a number", async () => {
    const response = await t.fetch("/v1/events?since=yesterday");
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ code: "CKR_ARGUMENTS_BAD", customData: { field: "/query/since" } });
  });
});
