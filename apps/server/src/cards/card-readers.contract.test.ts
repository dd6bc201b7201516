import { type CardTestService, connectByLabel, type EventReader, followEvents, pinState, startCardTestService } from "@open-scws/test-support";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

describe("a virtual PIV card behind pcscd and OpenSC, beside SoftHSM: readers, hot-plug and removal", () => {
  let c: CardTestService;
  let stream: EventReader;
  beforeAll(async () => {
    c = await startCardTestService({ service: { tokenLabels: ["beside-the-card"] } });
    stream = await followEvents(c.t);
  }, 60_000);
  afterAll(async () => {
    stream?.close();
    await c?.close();
  });

  it("lists the card's reader by its PC/SC name under the opensc module, beside SoftHSM's token", async () => {
    const { data } = await c.t.client.GET("/v1/readers");
    const card = data?.readers.find((reader) => reader.name === c.stack.readerName);
    expect(card).toMatchObject({ moduleId: "opensc", cardPresent: true, status: "ok", token: { initialized: true } });
    expect(data?.readers.find((reader) => reader.token?.label === "beside-the-card")).toMatchObject({ moduleId: "softhsm", cardPresent: true });
    const info = await c.t.client.GET("/v1/service");
    expect(info.data?.modules.map((module) => [module.id, module.status])).toEqual([
      ["softhsm", "ready"],
      ["opensc", "ready"],
    ]);
  });

  it("reports the card pulled and put back as reader events, and the SoftHSM token is left alone", async () => {
    const readerId = await c.readerId();
    const other = await connectByLabel(c.t, "beside-the-card");
    await c.stack.card.remove();
    const removed = await stream.next((e) => e.type === "readerStateChanged" && e.reader?.id === readerId && !e.reader.cardPresent, 20_000);
    expect(removed.reader).toMatchObject({ name: c.stack.readerName, cardPresent: false });
    const absent = await c.t.client.POST("/v1/readers/{readerId}/connect", { params: { path: { readerId } } });
    expect(absent.error?.code).toBe("CKR_TOKEN_NOT_PRESENT");

    await c.stack.card.insert();
    const back = await stream.next((e) => e.type === "readerStateChanged" && e.reader?.id === readerId && e.reader.cardPresent === true, 20_000);
    expect(back.reader?.token?.initialized).toBe(true);
    expect((await pinState(c.t, other)).response.status).toBe(200);
  });
});
