// SCWS code on a reader with a PIN pad: `token.protectedAuthPath` is true and `pin.login(null)` lets the pad take the
// PIN. SoftHSM has no pad; the fault-injecting PKCS#11 module puts one in front of it (its pin-pad rule "types" the
// PIN on the pad, or has the user cancel).
import { faultModuleSetup, startTestService, type TestService } from "@open-scws/test-support";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openEnvironment } from "../testing/facade-token.js";
import { rejection } from "../testing/rejection.js";
import { createScws, type Scws } from "./scws.js";

const PAD = "facade-pad";

describe("Pin.login(null) on a reader with a PIN pad", () => {
  let t: TestService;
  let scws: Scws;
  const faults = faultModuleSetup("softhsm");

  beforeAll(async () => {
    t = await startTestService({ tokenLabels: [PAD], ...faults.options });
    faults.control().pinPad(PAD, { pin: t.tokens[PAD]!.pin });
    scws = createScws({ ports: [t.service.port] });
    await openEnvironment(scws, t);
  });
  afterAll(async () => {
    faults.control().reset();
    await t.close();
  });

  it("logs in without a PIN where the token has a PIN pad, and rejects with CKR_FUNCTION_CANCELED when the user cancels", async () => {
    const reader = scws.readers.find((candidate) => candidate.tokenSummary?.label === PAD)!;
    const token = await reader.connect();
    expect(token.protectedAuthPath).toBe(true);
    const pin = token.pins[0]!;
    await expect(pin.login(null)).resolves.toBeUndefined();
    expect(pin.validated).toBe(true);
    await pin.logout();

    faults.control().pinPad(PAD, { cancel: true });
    expect((await rejection(pin.login(null))).code).toBe("CKR_FUNCTION_CANCELED");
    expect(pin.validated).toBe(false);
    faults.control().pinPad(PAD, { pin: t.tokens[PAD]!.pin });
    await expect(pin.login()).resolves.toBeUndefined();
    await token.disconnect();
  });
});
