// The SCWS Pin body: what the token's flags say, completed by the service's own retry counter and logins.
// Who counts wrong tries: a token in a hardware slot (a card in a reader) counts and locks its PIN itself, and
// its flags are the whole truth; a software token (SoftHSM never locks) is counted by the service.
import type { components } from "@open-scws/spec";
import { SlotFlag, TokenFlag } from "../pkcs11/flags.js";
import type { LoginUser, TokenInfo } from "../pkcs11/host.js";

type Pin = components["schemas"]["Pin"];

/** The service's retry count for one PIN. */
export interface TryCount {
  readonly failures: number;
  readonly maxTries: number;
}

/**
 * Whether the token in a slot counts its own PIN tries: CKF_HW_SLOT (PKCS#11 v3.1 section 3.2) marks a physical
 * reader, whose card locks its PIN itself. The service's own limit applies to the other slots only, so that it
 * never locks a card before the card does, nor hides the card's count.
 */
export function tokenCountsTries(slotFlags: number): boolean {
  return (slotFlags & SlotFlag.HW_SLOT) !== 0;
}

/** Tries left, never below zero. */
export function remainingTries(count: TryCount): number {
  return Math.max(0, count.maxTries - count.failures);
}

const FLAGS: Record<LoginUser, { countLow: number; finalTry: number; locked: number }> = {
  user: { countLow: TokenFlag.userPinCountLow, finalTry: TokenFlag.userPinFinalTry, locked: TokenFlag.userPinLocked },
  so: { countLow: TokenFlag.soPinCountLow, finalTry: TokenFlag.soPinFinalTry, locked: TokenFlag.soPinLocked },
};

/**
 * Tries left as far as they are known: 0 when the token or the service locked the PIN, the service's count for a
 * token it counts, and for a card what its flags tell (1 on CKF_*_PIN_FINAL_TRY, otherwise unknown).
 */
export function triesLeft(info: TokenInfo, user: LoginUser, count: TryCount | undefined): number | undefined {
  const flags = FLAGS[user];
  if ((info.flags & flags.locked) !== 0) return 0;
  if (count) return remainingTries(count);
  return (info.flags & flags.finalTry) !== 0 ? 1 : undefined;
}

/**
 * PIN 0, the user PIN, with the SO PIN's counters alongside. The token's own flags win when they are set; a count
 * of `undefined` means the token counts that PIN itself, so only its flags speak.
 */
export function pinStateOf(info: TokenInfo, user: TryCount | undefined, so: TryCount | undefined, login: { user: boolean; so: boolean }): Pin {
  const has = (bit: number) => (info.flags & bit) !== 0;
  const left = triesLeft(info, "user", user);
  const pin: Pin = {
    number: 0,
    initialized: has(TokenFlag.userPinInitialized),
    toBeChanged: has(TokenFlag.userPinToBeChanged),
    blocked: left === 0,
    tryCountLow: has(TokenFlag.userPinCountLow) || has(TokenFlag.userPinFinalTry) || (user !== undefined && user.failures > 0),
    lastTry: left === 1 || has(TokenFlag.userPinFinalTry),
    // The SO PIN is a PKCS#11 token's only PUK (C_InitPIN after an SO login, PKCS#11 v3.1 section 5.6).
    puksAvailable: has(TokenFlag.tokenInitialized) && !has(TokenFlag.soPinLocked) && (so === undefined || remainingTries(so) > 0) ? 1 : 0,
    validated: login.user,
    soValidated: login.so,
    minLength: info.minPinLength,
    maxLength: info.maxPinLength,
  };
  if (left !== undefined) pin.remainingTries = left;
  if (user) pin.maxTries = user.maxTries;
  const soLeft = triesLeft(info, "so", so);
  if (soLeft !== undefined) pin.soRemainingTries = soLeft;
  if (so) pin.soMaxTries = so.maxTries;
  return pin;
}
