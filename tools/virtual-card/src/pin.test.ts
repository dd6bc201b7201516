import { describe, expect, it } from "vitest";
import { blankState } from "./state.js";
import { blankCard, padded, send } from "./testing.js";

const verifyPin = (pin: string) => `00 20 00 80 08 ${padded(pin)}`;

describe("VERIFY (SP 800-73-4 part 2 §3.2.1)", () => {
  it("answers 90 00 for the right PIN and 90 00 to an empty VERIFY afterwards", () => {
    const { card } = blankCard();
    expect(send(card, verifyPin("123456")).sw).toBe(0x9000);
    expect(send(card, "00 20 00 80").sw).toBe(0x9000);
    expect(card.security.pin).toBe(true);
  });

  it("answers 63 Cx with the tries left to an empty VERIFY before the PIN is verified", () => {
    const { card } = blankCard();
    expect(send(card, "00 20 00 80").sw).toBe(0x63c3);
  });

  it("counts down 63 C2, 63 C1, then 69 83, and keeps answering 69 83 even to the right PIN", () => {
    const { card, saves } = blankCard();
    expect(send(card, verifyPin("000000")).sw).toBe(0x63c2);
    expect(send(card, verifyPin("000000")).sw).toBe(0x63c1);
    expect(send(card, verifyPin("000000")).sw).toBe(0x6983);
    expect(send(card, verifyPin("123456")).sw).toBe(0x6983);
    expect(send(card, "00 20 00 80").sw).toBe(0x6983);
    expect(card.state.pinTriesLeft).toBe(0);
    expect(saves()).toBe(3);
  });

  it("resets the counter after the right PIN", () => {
    const { card } = blankCard();
    send(card, verifyPin("000000"));
    expect(send(card, verifyPin("123456")).sw).toBe(0x9000);
    expect(card.state.pinTriesLeft).toBe(3);
  });

  it("drops the PIN status with P1 FF, and after a wrong PIN", () => {
    const { card } = blankCard();
    send(card, verifyPin("123456"));
    expect(send(card, "00 20 FF 80").sw).toBe(0x9000);
    expect(card.security.pin).toBe(false);
    send(card, verifyPin("123456"));
    send(card, verifyPin("999999"));
    expect(card.security.pin).toBe(false);
  });

  it("answers 6A 88 for a key reference other than the PIV PIN and 6A 80 for a PIN not 8 bytes long", () => {
    const { card } = blankCard();
    expect(send(card, `00 20 00 81 08 ${padded("12345678")}`).sw).toBe(0x6a88);
    expect(send(card, "00 20 00 80 06 313233343536").sw).toBe(0x6a80);
    expect(card.state.pinTriesLeft).toBe(3);
  });
});

describe("CHANGE REFERENCE DATA (part 2 §3.2.2)", () => {
  it("changes the PIN when the old one is right", () => {
    const { card } = blankCard();
    expect(send(card, `00 24 00 80 10 ${padded("123456")}${padded("24681357")}`).sw).toBe(0x9000);
    expect(card.state.pin).toBe("24681357");
    expect(send(card, verifyPin("24681357")).sw).toBe(0x9000);
  });

  it("costs a try and answers 63 Cx when the old PIN is wrong", () => {
    const { card } = blankCard();
    expect(send(card, `00 24 00 80 10 ${padded("111111")}${padded("222222")}`).sw).toBe(0x63c2);
    expect(card.state.pin).toBe("123456");
  });

  it("refuses a new PIN that is not 6 to 8 digits with 6A 80, without spending a try", () => {
    const { card } = blankCard();
    expect(send(card, `00 24 00 80 10 ${padded("123456")}${padded("12ab56")}`).sw).toBe(0x6a80);
    expect(send(card, `00 24 00 80 10 ${padded("123456")}${padded("1234")}`).sw).toBe(0x6a80);
    expect(card.state.pinTriesLeft).toBe(3);
  });

  it("changes the PUK (reference 81) with the old PUK", () => {
    const { card } = blankCard();
    expect(send(card, `00 24 00 81 10 ${padded("12345678")}${padded("87654321")}`).sw).toBe(0x9000);
    expect(card.state.puk).toBe("87654321");
  });
});

describe("RESET RETRY COUNTER (part 2 §3.2.3)", () => {
  function blockedCard() {
    const { card } = blankCard(blankState({ pinTries: 2 }));
    send(card, verifyPin("000000"));
    send(card, verifyPin("000000"));
    expect(card.state.pinTriesLeft).toBe(0);
    return card;
  }

  it("unblocks the PIN with the PUK and sets the new PIN", () => {
    const card = blockedCard();
    expect(send(card, `00 2C 00 80 10 ${padded("12345678")}${padded("654321")}`).sw).toBe(0x9000);
    expect(card.state.pinTriesLeft).toBe(2);
    expect(send(card, verifyPin("654321")).sw).toBe(0x9000);
  });

  it("counts the PUK down with 63 Cx and blocks it with 69 83", () => {
    const card = blockedCard();
    expect(send(card, `00 2C 00 80 10 ${padded("00000000")}${padded("654321")}`).sw).toBe(0x63c2);
    expect(send(card, `00 2C 00 80 10 ${padded("00000000")}${padded("654321")}`).sw).toBe(0x63c1);
    expect(send(card, `00 2C 00 80 10 ${padded("00000000")}${padded("654321")}`).sw).toBe(0x6983);
    expect(send(card, `00 2C 00 80 10 ${padded("12345678")}${padded("654321")}`).sw).toBe(0x6983);
    expect(card.state.pinTriesLeft).toBe(0);
  });

  it("answers 6A 80 when the data is not PUK plus new PIN (16 bytes)", () => {
    const card = blockedCard();
    expect(send(card, `00 2C 00 80 08 ${padded("12345678")}`).sw).toBe(0x6a80);
    expect(card.state.pukTriesLeft).toBe(3);
  });
});
