import { describe, expect, it } from "vitest";
import { SlotFlag, TokenFlag } from "../pkcs11/flags.js";
import type { TokenInfo } from "../pkcs11/host.js";
import { pinStateOf, tokenCountsTries, triesLeft } from "./pin-state.js";

const base: TokenInfo = {
  label: "card",
  manufacturer: "m",
  model: "PIV II",
  serialNumber: "1",
  flags: TokenFlag.tokenInitialized | TokenFlag.userPinInitialized,
  minPinLength: 4,
  maxPinLength: 8,
  hardwareVersion: "0.0",
  firmwareVersion: "0.0",
};
const withFlags = (flags: number): TokenInfo => ({ ...base, flags: base.flags | flags });
const nobody = { user: false, so: false };

describe("who counts PIN tries", () => {
  it.each([
    ["a reader slot (CKF_HW_SLOT), as OpenSC shows a card", SlotFlag.HW_SLOT | SlotFlag.REMOVABLE_DEVICE | SlotFlag.TOKEN_PRESENT, true],
    ["a software slot, as SoftHSM shows its tokens", SlotFlag.TOKEN_PRESENT, false],
    ["a removable software slot, as the fault module shows a pulled token", SlotFlag.REMOVABLE_DEVICE, false],
  ])("says whether %s counts its own tries", (_name, flags, expected) => {
    expect(tokenCountsTries(flags)).toBe(expected);
  });
});

describe("the tries a card tells through its flags", () => {
  it.each([
    ["no flag", 0, undefined, { blocked: false, lastTry: false, tryCountLow: false }],
    ["CKF_USER_PIN_COUNT_LOW", TokenFlag.userPinCountLow, undefined, { blocked: false, lastTry: false, tryCountLow: true }],
    ["CKF_USER_PIN_FINAL_TRY", TokenFlag.userPinFinalTry, 1, { blocked: false, lastTry: true, tryCountLow: true }],
    ["CKF_USER_PIN_LOCKED", TokenFlag.userPinLocked, 0, { blocked: true, lastTry: false }],
  ])("with %s, reports %s tries left and no service limit", (_name, flags, left, state) => {
    const info = withFlags(flags);
    expect(triesLeft(info, "user", undefined)).toBe(left);
    const pin = pinStateOf(info, undefined, undefined, nobody);
    expect(pin).toMatchObject(state);
    expect(pin.remainingTries).toBe(left);
    expect(pin.maxTries).toBeUndefined();
    expect(pin.soMaxTries).toBeUndefined();
  });

  it("reports a locked SO PIN (the PUK) from its own flag", () => {
    expect(pinStateOf(withFlags(TokenFlag.soPinLocked), undefined, undefined, nobody).soRemainingTries).toBe(0);
  });
});

describe("the tries the service counts for a token that never locks", () => {
  it("reports the service's count, and the token's lock flag still wins", () => {
    const count = { failures: 1, maxTries: 3 };
    expect(pinStateOf(base, count, { failures: 0, maxTries: 3 }, nobody)).toMatchObject({
      remainingTries: 2,
      maxTries: 3,
      tryCountLow: true,
      lastTry: false,
      soRemainingTries: 3,
    });
    expect(triesLeft(withFlags(TokenFlag.userPinLocked), "user", count)).toBe(0);
    expect(pinStateOf(base, { failures: 3, maxTries: 3 }, undefined, nobody)).toMatchObject({ blocked: true, remainingTries: 0 });
  });
});
