import { createHash, createPublicKey, verify } from "node:crypto";
import { ScwsError } from "@open-scws/errors";
import { CARD_PIN, type CardTestService, startCardTestService } from "@open-scws/test-support";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openEnvironment } from "../testing/facade-token.js";
import type { Key } from "./key.js";
import type { Reader } from "./reader.js";
import { createScws, type Scws } from "./scws.js";

// The facade as SCWS code uses it, on the virtual PIV card behind pcscd and OpenSC, beside SoftHSM.

const DATA = new TextEncoder().encode("signed through the SCWS facade on a PIV card");

describe("the SCWS facade on a PIV card (OpenSC, virtual card)", () => {
  let c: CardTestService;
  let scws: Scws;
  let reader: Reader;
  const changed: boolean[] = [];
  const waiters: Array<() => void> = [];
  /** Resolves when onreaderstatechanged has reported the card's reader `count` times: the facade follows the service's events. */
  const reported = (count: number) =>
    new Promise<void>((resolve) => {
      const check = () => (changed.length >= count ? resolve() : waiters.push(check));
      check();
    });
  beforeAll(async () => {
    c = await startCardTestService({ service: { tokenLabels: ["facade-soft"] }, card: { pinTries: 3 } });
    scws = createScws({ baseUrl: c.t.service.url, ports: [] });
    await openEnvironment(scws, c.t);
    scws.onreaderstatechanged = (changedReader) => {
      if (changedReader.name === c.stack.readerName) changed.push(changedReader.cardPresent);
      for (const wake of waiters.splice(0)) wake();
    };
    reader = scws.getReader(c.stack.readerName)!;
  }, 60_000);
  afterAll(() => c?.close());

  it("lists the card's reader by its PC/SC name beside SoftHSM's", () => {
    expect(reader).toMatchObject({ name: c.stack.readerName, cardPresent: true, status: "ok" });
    expect(scws.readers.some((other) => other.tokenSummary?.label === "facade-soft")).toBe(true);
  });

  it("rejects a wrong PIN with SCWS.Error CKR_PIN_INCORRECT, logs in with the right one, and signs with 9A as Node's crypto verifies", async () => {
    const token = await reader.connect();
    const pin = token.pins[0]!;
    const wrong = await pin.login("000000").catch((error: unknown) => error);
    expect(wrong).toBeInstanceOf(ScwsError);
    expect(wrong).toMatchObject({ code: "CKR_PIN_INCORRECT" });
    await pin.login(CARD_PIN);
    const [key] = (await token.getObjects({ type: "privateKey", ckId: "01" })) as Key[];
    const signature = await key!.sign(createHash("sha256").update(DATA).digest(), "sha256");
    const certificate = createPublicKey(c.stack.card.certificatePem("9a"));
    expect(verify("sha256", DATA, certificate, new Uint8Array(signature))).toBe(true);
    await token.disconnect();
  });

  it("fires onreaderstatechanged from the service's events when the card is pulled and put back", async () => {
    await c.stack.card.remove();
    await reported(1);
    await c.stack.card.insert();
    await reported(2);
    expect(changed).toEqual([false, true]);
    expect(scws.getReader(c.stack.readerName)?.cardPresent).toBe(true);
  });
});
