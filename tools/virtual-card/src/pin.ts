// VERIFY, CHANGE REFERENCE DATA and RESET RETRY COUNTER (SP 800-73-4 part 2 §3.2.1-3.2.3): the card's own
// retry counters; 63 Cx while tries remain, 69 83 once blocked.
import { CardStatus, type Command, SW } from "./apdu.js";
import type { PivCard } from "./card.js";

const PIN_REF = 0x80;
const PUK_REF = 0x81;

/** Pads a PIN or PUK to the 8 bytes the card stores (part 2 §2.4.3: FF padding). */
export function padReference(value: string): Buffer {
  const bytes = Buffer.alloc(8, 0xff);
  Buffer.from(value, "latin1").copy(bytes);
  return bytes;
}

/** A PIN is 6 to 8 digits padded with FF; a PUK is 8 bytes (part 2 §2.4.3). */
function decodeNewValue(bytes: Buffer, ref: number): string {
  const end = bytes.indexOf(0xff);
  const value = bytes.subarray(0, end === -1 ? 8 : end);
  if (end !== -1 && !bytes.subarray(end).every((b) => b === 0xff)) throw new CardStatus(SW.WRONG_DATA);
  if (ref === PIN_REF && (value.length < 6 || !value.every((b) => b >= 0x30 && b <= 0x39))) throw new CardStatus(SW.WRONG_DATA);
  if (ref === PUK_REF && value.length !== 8) throw new CardStatus(SW.WRONG_DATA);
  return value.toString("latin1");
}

/** Checks one reference value against its counter; a wrong value costs a try and answers 63 Cx / 69 83. */
function check(card: PivCard, ref: number, offered: Buffer): void {
  const isPin = ref === PIN_REF;
  const left = isPin ? card.state.pinTriesLeft : card.state.pukTriesLeft;
  if (left <= 0) throw new CardStatus(SW.AUTH_BLOCKED);
  const expected = padReference(isPin ? card.state.pin : card.state.puk);
  if (offered.equals(expected)) {
    if (isPin) card.state.pinTriesLeft = card.state.pinTries;
    else card.state.pukTriesLeft = card.state.pukTries;
    card.save();
    return;
  }
  const now = left - 1;
  if (isPin) {
    card.state.pinTriesLeft = now;
    card.security.pin = false;
    card.security.pinFresh = false;
  } else {
    card.state.pukTriesLeft = now;
  }
  card.save();
  throw new CardStatus(now === 0 ? SW.AUTH_BLOCKED : SW.RETRIES | Math.min(now, 15));
}

function requireRef(command: Command, allowed: readonly number[]): number {
  if (!allowed.includes(command.p2)) throw new CardStatus(SW.REF_NOT_FOUND);
  return command.p2;
}

/** VERIFY: P1 00 checks the PIN (empty data: answers the status), P1 FF resets the PIN status. */
export function verify(card: PivCard, command: Command): Buffer {
  requireRef(command, [PIN_REF]);
  if (command.p1 === 0xff) {
    if (command.data.length > 0) throw new CardStatus(SW.WRONG_DATA);
    card.security.pin = false;
    card.security.pinFresh = false;
    return Buffer.alloc(0);
  }
  if (command.p1 !== 0x00) throw new CardStatus(SW.INCORRECT_P1P2);
  if (command.data.length === 0) {
    if (card.state.pinTriesLeft <= 0) throw new CardStatus(SW.AUTH_BLOCKED);
    if (card.security.pin) return Buffer.alloc(0);
    throw new CardStatus(SW.RETRIES | Math.min(card.state.pinTriesLeft, 15));
  }
  if (command.data.length !== 8) throw new CardStatus(SW.WRONG_DATA);
  check(card, PIN_REF, command.data);
  card.security.pin = true;
  card.security.pinFresh = true;
  return Buffer.alloc(0);
}

/** CHANGE REFERENCE DATA of the PIN (80) or PUK (81): old value (8 bytes) then new value (8 bytes). */
export function changeReferenceData(card: PivCard, command: Command): Buffer {
  const ref = requireRef(command, [PIN_REF, PUK_REF]);
  if (command.p1 !== 0x00) throw new CardStatus(SW.INCORRECT_P1P2);
  if (command.data.length !== 16) throw new CardStatus(SW.WRONG_DATA);
  const replacement = decodeNewValue(command.data.subarray(8), ref);
  check(card, ref, command.data.subarray(0, 8));
  if (ref === PIN_REF) {
    card.state.pin = replacement;
    card.security.pin = true;
    card.security.pinFresh = true;
  } else {
    card.state.puk = replacement;
  }
  card.save();
  return Buffer.alloc(0);
}

/** RESET RETRY COUNTER of the PIN with the PUK: PUK (8 bytes) then new PIN (8 bytes). */
export function resetRetryCounter(card: PivCard, command: Command): Buffer {
  requireRef(command, [PIN_REF]);
  if (command.p1 !== 0x00) throw new CardStatus(SW.INCORRECT_P1P2);
  if (command.data.length !== 16) throw new CardStatus(SW.WRONG_DATA);
  const pin = decodeNewValue(command.data.subarray(8), PIN_REF);
  check(card, PUK_REF, command.data.subarray(0, 8));
  card.state.pin = pin;
  card.state.pinTriesLeft = card.state.pinTries;
  card.save();
  return Buffer.alloc(0);
}
