// PIN calls for cards in readers, which count their own tries. With OpenSC set to unblock with the PUK
// (`user_pin_unblock_style = set_pin_in_unlogged_session`), C_SetPIN in a session nobody is logged in to is
// an unblock whose "old PIN" is the PUK: so a card's PIN is changed inside its own login, never unlogged.
import { ScwsError } from "@open-scws/errors";
import { TokenFlag } from "../pkcs11/flags.js";
import type { Pkcs11Host, SlotHandle, TokenInfo } from "../pkcs11/host.js";
import type { TokenConnection } from "../tokens/token-connections.js";

/** `C_Login(CKU_USER, oldPin)`, `C_SetPIN(oldPin, newPin)`, `C_Logout`: a PIN change that never reads as an unblock. */
export async function changeCardPin(host: Pkcs11Host, slot: SlotHandle, oldPin: string, newPin: string): Promise<void> {
  await host.login(slot, "user", oldPin);
  try {
    await host.setPin(slot, oldPin, newPin);
  } finally {
    await host.logout(slot).catch(() => undefined);
  }
}

/** Refuses a PUK unblock that the token cannot take, before the PUK reaches it. */
export function checkPukUnblock(connection: TokenConnection, info: TokenInfo, loggedIn: boolean): void {
  if (!connection.tokenCountsTries) {
    throw new ScwsError("This token has no PUK: log in as Security Officer (userType so) and send newPin alone.", "CKR_ARGUMENTS_BAD", undefined, {
      field: "/body/puk",
      reason: "is only for cards in a reader",
    });
  }
  if (loggedIn) {
    throw new ScwsError("Log out of the token first: a card takes its PUK only in a session nobody is logged in to.", "CKR_USER_ALREADY_LOGGED_IN");
  }
  // A module that does not unblock with C_SetPIN would take the PUK for the old PIN and spend a PIN try on it.
  if ((info.flags & TokenFlag.userPinLocked) === 0) {
    throw new ScwsError("The PIN is not blocked: change it with the current PIN instead.", "CKR_ARGUMENTS_BAD", undefined, {
      field: "/body/puk",
      reason: "is only for a blocked PIN",
    });
  }
}

/** The error for a PUK unblock the card refused as locked: a blocked PUK, or a module that does not unblock with C_SetPIN. */
export function pukRefusedAsLocked(cause: ScwsError): ScwsError {
  return new ScwsError(
    "The card refused the PUK as locked: either the PUK is blocked, or the PKCS#11 module does not unblock with C_SetPIN (for OpenSC, set user_pin_unblock_style = set_pin_in_unlogged_session).",
    "CKR_PIN_LOCKED",
    undefined,
    cause.customData,
  );
}
