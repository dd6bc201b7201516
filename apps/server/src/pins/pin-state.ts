// The SCWS Pin body: what the token's flags say, completed by the service's own retry counter and logins.
import type { components } from "@open-scws/spec";
import { TokenFlag } from "../pkcs11/flags.js";
import type { TokenInfo } from "../pkcs11/host.js";

type Pin = components["schemas"]["Pin"];

/** The service's retry count for one PIN. */
export interface TryCount {
  readonly failures: number;
  readonly maxTries: number;
}

/** Tries left, never below zero. */
export function remainingTries(count: TryCount): number {
  return Math.max(0, count.maxTries - count.failures);
}

/** PIN 0, the user PIN, with the SO PIN's counters alongside. The token's own flags win when they are set. */
export function pinStateOf(info: TokenInfo, user: TryCount, so: TryCount, login: { user: boolean; so: boolean }): Pin {
  const has = (bit: number) => (info.flags & bit) !== 0;
  const left = remainingTries(user);
  return {
    number: 0,
    initialized: has(TokenFlag.userPinInitialized),
    toBeChanged: has(TokenFlag.userPinToBeChanged),
    blocked: has(TokenFlag.userPinLocked) || left === 0,
    tryCountLow: has(TokenFlag.userPinCountLow) || user.failures > 0,
    lastTry: has(TokenFlag.userPinFinalTry) || left === 1,
    remainingTries: has(TokenFlag.userPinLocked) ? 0 : left,
    maxTries: user.maxTries,
    soRemainingTries: has(TokenFlag.soPinLocked) ? 0 : remainingTries(so),
    soMaxTries: so.maxTries,
    // The SO PIN is a PKCS#11 token's only PUK (C_InitPIN after an SO login, PKCS#11 v3.1 section 5.6).
    puksAvailable: has(TokenFlag.tokenInitialized) && !has(TokenFlag.soPinLocked) && remainingTries(so) > 0 ? 1 : 0,
    validated: login.user,
    soValidated: login.so,
    minLength: info.minPinLength,
    maxLength: info.maxPinLength,
  };
}
