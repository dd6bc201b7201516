import { startTestService, type TestService } from "@open-scws/test-support";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openEnvironment } from "../testing/facade-token.js";
import { rejection } from "../testing/rejection.js";
import { createScws, type Scws } from "./scws.js";

// Pin.login on the last try for an application registered with confirmFinalTry: true (an open SCWS opt-in).

describe("the last PIN try of an application that opted in to confirming it", () => {
  let t: TestService;
  let scws: Scws;
  beforeAll(async () => {
    t = await startTestService({ tokenLabels: ["final-try"], confirmFinalTry: true });
    scws = createScws({ ports: [t.service.port] });
    await openEnvironment(scws, t);
  });
  afterAll(() => t.close());

  it("refuses the unconfirmed last try with SCWS's CKR_CANCEL (service code SCWS_FINAL_TRY_UNCONFIRMED), spending nothing, then logs in with { confirmFinalTry: true }", async () => {
    const token = await scws.readers.find((reader) => reader.tokenSummary?.label === "final-try")!.connect();
    const pin = token.pins[0]!;
    await rejection(pin.login("wrong-1111"));
    await rejection(pin.login("wrong-2222"));
    expect(pin).toMatchObject({ lastTry: true, remainingTries: 1 });
    const unconfirmed = await rejection(pin.login(t.tokens["final-try"]!.pin));
    expect(unconfirmed).toMatchObject({ code: "CKR_CANCEL", httpStatus: 409, customData: { remainingTries: 1, serviceCode: "SCWS_FINAL_TRY_UNCONFIRMED" } });
    expect(pin.remainingTries).toBe(1);
    await pin.login(t.tokens["final-try"]!.pin, false, { confirmFinalTry: true });
    expect(pin).toMatchObject({ validated: true, remainingTries: 3 });
    await token.disconnect();
  });
});
