import { CARD_PIN, CARD_PUK, type CardTestService, login, logout, pinState, startCardTestService } from "@open-scws/test-support";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

describe("PIN counters that come from the virtual PIV card (3 tries), through OpenSC", () => {
  let c: CardTestService;
  beforeAll(async () => {
    c = await startCardTestService({ card: { pinTries: 3 } });
  }, 60_000);
  afterAll(() => c?.close());

  it("answers wrong PINs with the card's count, spends the final try as SCWS does (no confirmation by default), then CKR_PIN_LOCKED; the PUK unblocks it", async () => {
    const tokenId = await c.connect();
    const first = await login(c.t, tokenId, "111111");
    expect(first.error?.code).toBe("CKR_PIN_INCORRECT");
    expect((await pinState(c.t, tokenId)).data).toMatchObject({ tryCountLow: true, blocked: false });
    expect((await pinState(c.t, tokenId)).data?.maxTries).toBeUndefined();

    const second = await login(c.t, tokenId, "222222");
    expect(second.error).toMatchObject({ code: "CKR_PIN_INCORRECT", customData: { remainingTries: 1 } });
    expect((await pinState(c.t, tokenId)).data).toMatchObject({ lastTry: true, remainingTries: 1 });
    expect((await c.stack.card.status()).pinTriesLeft).toBe(1);

    // The application did not opt in to confirming the final try (confirmFinalTry: false by default).
    const last = await login(c.t, tokenId, "333333");
    expect(last.error).toMatchObject({ customData: { remainingTries: 0 } });
    expect(["CKR_PIN_INCORRECT", "CKR_PIN_LOCKED"]).toContain(last.error?.code);
    expect((await pinState(c.t, tokenId)).data).toMatchObject({ blocked: true, remainingTries: 0 });
    const locked = await login(c.t, tokenId, CARD_PIN, { confirmFinalTry: true });
    expect(locked.error).toMatchObject({ code: "CKR_PIN_LOCKED", customData: { remainingTries: 0 } });
    expect((await c.stack.card.status()).pinTriesLeft).toBe(0);

    const unblock = (puk: string) =>
      c.t.client.POST("/v1/tokens/{tokenId}/pins/{pinNumber}/unblock", { params: { path: { tokenId, pinNumber: 0 } }, body: { puk, newPin: "864209" } });
    c.t.addCanary("864209");
    const wrongPuk = await unblock("00000000");
    expect(wrongPuk.error?.code).toBe("CKR_PIN_INCORRECT");
    expect((await c.stack.card.status()).pukTriesLeft).toBe(2);
    const unblocked = await unblock(CARD_PUK);
    expect(unblocked.data).toMatchObject({ blocked: false });
    expect((await c.stack.card.status()).pinTriesLeft).toBe(3);
    expect((await login(c.t, tokenId, "864209")).data?.validated).toBe(true);
    await logout(c.t, tokenId);
  });
});

describe("the service's own retry limit on a card that allows more tries than it (card 5, service 2)", () => {
  let c: CardTestService;
  beforeAll(async () => {
    c = await startCardTestService({ card: { pinTries: 5 }, configure: (config) => ({ ...config, pinPolicy: { maxTries: 2, soMaxTries: 2 } }) });
  }, 60_000);
  afterAll(() => c?.close());

  it("never locks the card before the card does nor shows a count of its own: the card's counter is what the answers show", async () => {
    const tokenId = await c.connect();
    for (const [wrong, left] of [
      ["111111", 4],
      ["222222", 3],
      ["333333", 2],
    ] as const) {
      const answer = await login(c.t, tokenId, wrong);
      expect(answer.error?.code, JSON.stringify(answer.error)).toBe("CKR_PIN_INCORRECT");
      // OpenSC's PIV driver tells no count above the last try: the answers show none rather than the service's.
      expect(answer.error?.customData).not.toHaveProperty("remainingTries");
      expect((await c.stack.card.status()).pinTriesLeft).toBe(left);
      const state = (await pinState(c.t, tokenId)).data;
      expect(state).toMatchObject({ blocked: false });
      expect(state?.maxTries).toBeUndefined();
      expect(state?.remainingTries).toBeUndefined();
    }
    expect((await login(c.t, tokenId, CARD_PIN)).data?.validated).toBe(true);
    expect((await c.stack.card.status()).pinTriesLeft).toBe(5);
    await logout(c.t, tokenId);
  });
});
