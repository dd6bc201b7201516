import { createHash } from "node:crypto";
import { CARD_PIN, type CardTestService, type EventReader, followEvents, login, pinState, startCardTestService } from "@open-scws/test-support";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

describe("the virtual PIV card pulled from a logged-in connection while a page watches the event stream", () => {
  let c: CardTestService;
  let stream: EventReader;
  beforeAll(async () => {
    c = await startCardTestService();
    stream = await followEvents(c.t);
  }, 60_000);
  afterAll(async () => {
    stream?.close();
    await c?.close();
  });

  it("reports the removal and the reinsertion, and the old connection and its login are gone", async () => {
    const readerId = await c.readerId();
    const tokenId = await c.connect();
    expect((await login(c.t, tokenId, CARD_PIN)).data?.validated).toBe(true);

    const pulledAt = Date.now();
    await c.stack.card.remove();
    const removed = await stream.next((e) => e.type === "readerStateChanged" && e.reader?.id === readerId && !e.reader.cardPresent, 20_000);
    expect(removed.reader).toMatchObject({ name: c.stack.readerName, cardPresent: false });
    const gone = await pinState(c.t, tokenId);
    expect(gone.response.status).toBe(409);
    expect(gone.error, JSON.stringify(gone.error)).toMatchObject({ code: "CKR_DEVICE_REMOVED", customData: { reason: "tokenRemoved" } });

    const insertedAt = Date.now();
    await c.stack.card.insert();
    const back = await stream.next((e) => e.type === "readerStateChanged" && e.reader?.id === readerId && e.reader.cardPresent === true, 20_000);
    expect(back.reader?.token?.initialized).toBe(true);
    // The bound, on the time the service stamped on each event from the moment the card was pulled (put back).
    const removalMs = Date.parse(removed.time) - pulledAt;
    const insertionMs = Date.parse(back.time) - insertedAt;
    console.log(`card pulled → readerStateChanged published in ${removalMs} ms; put back → ${insertionMs} ms`);
    expect(removalMs).toBeLessThan(1000);
    expect(insertionMs).toBeLessThan(1000);
    const again = await c.connect();
    expect(again).not.toBe(tokenId);
    expect((await pinState(c.t, again)).data).toMatchObject({ validated: false });
    expect((await pinState(c.t, tokenId)).error?.code).toBe("CKR_DEVICE_REMOVED");
  }, 60_000);

  it("answers a signature the card was pulled in the middle of with CKR_DEVICE_REMOVED and ends the connection, session and login", async () => {
    const readerId = await c.readerId();
    const tokenId = await c.connect();
    expect((await login(c.t, tokenId, CARD_PIN)).data?.validated).toBe(true);
    const { data } = await c.t.client.GET("/v1/tokens/{tokenId}/objects", { params: { path: { tokenId } } });
    const key = data?.objects.find((object) => object.type === "privateKey" && object.ckId === "01");
    expect(key).toBeDefined();

    const { received } = await c.stack.card.holdNextKeyOperation();
    const hash = createHash("sha256").update("pulled mid-signature").digest("base64");
    const signing = c.t.client.POST("/v1/tokens/{tokenId}/keys/{objectId}/sign", {
      params: { path: { tokenId, objectId: key!.id } },
      body: { hash, algorithm: "sha256" },
    });
    await received; // the card holds the signature APDU: the signature is in flight on the card
    await c.stack.card.remove();
    const signed = await signing;
    expect(signed.response.status).toBe(409);
    expect(signed.error, JSON.stringify(signed.error)).toMatchObject({ code: "CKR_DEVICE_REMOVED", customData: { reason: "tokenRemoved" } });
    expect((await c.t.client.GET("/v1/tokens/{tokenId}", { params: { path: { tokenId } } })).error?.code).toBe("CKR_DEVICE_REMOVED");
    await stream.next((e) => e.type === "readerStateChanged" && e.reader?.id === readerId && !e.reader.cardPresent, 20_000);

    await c.stack.card.insert();
    await stream.next((e) => e.type === "readerStateChanged" && e.reader?.id === readerId && e.reader.cardPresent === true, 20_000);
    const again = await c.connect();
    expect((await pinState(c.t, again)).data).toMatchObject({ validated: false });
    const unauthenticated = await c.t.client.POST("/v1/tokens/{tokenId}/keys/{objectId}/sign", {
      params: { path: { tokenId: again, objectId: key!.id } },
      body: { hash, algorithm: "sha256" },
    });
    expect(unauthenticated.error?.code).not.toBeUndefined();
  }, 60_000);
});
