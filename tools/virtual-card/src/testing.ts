// Helpers for the card's unit tests: send hex APDUs, read status words.
import { PivCard } from "./card.js";
import { blankState, type CardState } from "./state.js";

/** A response split into data and status word. */
export interface Reply {
  data: Buffer;
  sw: number;
}

/** Sends one APDU written as hex (spaces allowed) or bytes. */
export function send(card: PivCard, apdu: string | Buffer): Reply {
  const raw = typeof apdu === "string" ? Buffer.from(apdu.replace(/\s+/g, ""), "hex") : apdu;
  const response = card.transmit(raw);
  return { data: response.subarray(0, -2), sw: response.readUInt16BE(response.length - 2) };
}

/** Builds a short case-3/4 APDU from header bytes and data. */
export function command(cla: number, ins: number, p1: number, p2: number, data: Buffer, le?: number): Buffer {
  const parts = [Buffer.from([cla, ins, p1, p2, data.length]), data];
  if (le !== undefined) parts.push(Buffer.from([le & 0xff]));
  return Buffer.concat(parts);
}

/** A card over a blank state (PIN 123456, PUK 12345678), with saves counted. */
export function blankCard(state: CardState = blankState()): { card: PivCard; saves: () => number } {
  let saves = 0;
  const card = new PivCard(state, () => {
    saves++;
  });
  return { card, saves: () => saves };
}

/** PIN or PUK padded with FF to 8 bytes, as hex. */
export function padded(value: string): string {
  return Buffer.concat([Buffer.from(value, "latin1"), Buffer.alloc(8 - value.length, 0xff)]).toString("hex");
}
