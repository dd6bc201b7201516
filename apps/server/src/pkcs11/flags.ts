// PKCS#11 slot and token flags (PKCS#11 v3.1 sections 3.2 and 3.3), some of which pkcs11js's typings lack,
// and their translation into the spec's TokenFlags.
import type { components } from "@open-scws/spec";

type TokenFlags = components["schemas"]["TokenFlags"];

/** CK_SLOT_INFO.flags */
export const SlotFlag = {
  TOKEN_PRESENT: 0x1,
  REMOVABLE_DEVICE: 0x2,
  HW_SLOT: 0x4,
} as const;

/** CK_TOKEN_INFO.flags, by the spec's TokenFlags names. */
export const TokenFlag = {
  rng: 0x1,
  writeProtected: 0x2,
  loginRequired: 0x4,
  userPinInitialized: 0x8,
  restoreKeyNotNeeded: 0x20,
  clockOnToken: 0x40,
  protectedAuthenticationPath: 0x100,
  dualCryptoOperations: 0x200,
  tokenInitialized: 0x400,
  userPinCountLow: 0x10000,
  userPinFinalTry: 0x20000,
  userPinLocked: 0x40000,
  userPinToBeChanged: 0x80000,
  soPinCountLow: 0x100000,
  soPinFinalTry: 0x200000,
  soPinLocked: 0x400000,
  soPinToBeChanged: 0x800000,
} as const satisfies Record<keyof TokenFlags, number>;

/** The spec's TokenFlags for a CK_TOKEN_INFO.flags value. */
export function tokenFlagsOf(flags: number): TokenFlags {
  const entries = Object.entries(TokenFlag).map(([name, bit]) => [name, (flags & bit) !== 0]);
  return Object.fromEntries(entries) as TokenFlags;
}
