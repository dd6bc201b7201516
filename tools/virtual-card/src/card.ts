// The virtual PIV card: one APDU in, one response out. Handles command chaining and GET RESPONSE
// (ISO 7816-4 §5.1.1 and §7.1.3) and dispatches to the PIV commands (SP 800-73-4 part 2 §3).
import { createPrivateKey, type KeyObject } from "node:crypto";
import { CardStatus, type Command, parseCommand, SW, withStatus } from "./apdu.js";
import { getData, putData, select } from "./data.js";
import { generalAuthenticate, generateKeyPair } from "./keys.js";
import { changeReferenceData, resetRetryCounter, verify } from "./pin.js";
import type { CardState, KeySlot } from "./state.js";

/** ATR: T=1 (TD1 80, TD2 01) with historical bytes "OpenSCWS" and its check byte. */
export const ATR = (() => {
  const body = Buffer.concat([Buffer.from([0x88, 0x80, 0x01]), Buffer.from("OpenSCWS")]);
  const tck = body.reduce((x, b) => x ^ b, 0);
  return Buffer.concat([Buffer.from([0x3b]), body, Buffer.from([tck])]);
})();

/** What the card holder has proven since the last reset (SP 800-73-4 part 2 §3.2, security status). */
export interface SecurityStatus {
  /** PIN verified. */
  pin: boolean;
  /** PIN verified and not yet consumed by a PIN-always key (9C). */
  pinFresh: boolean;
  /** Management key (9B) authenticated. */
  management: boolean;
}

type Handler = (card: PivCard, command: Command) => Buffer;

const HANDLERS: Record<number, Handler> = {
  164: select,
  203: getData,
  219: putData,
  32: verify,
  36: changeReferenceData,
  44: resetRetryCounter,
  71: generateKeyPair,
  135: generalAuthenticate,
};

/** A PIV card over a state; `persist` is called after every change to the state. */
export class PivCard {
  security: SecurityStatus = { pin: false, pinFresh: false, management: false };
  /** Witness or challenge of a management-key authentication in progress. */
  managementChallenge: { witness?: Buffer; challenge?: Buffer } = {};
  private chain: { ins: number; p1: number; p2: number; parts: Buffer[] } | undefined;
  private pending: Buffer | undefined;
  private keyCache = new Map<KeySlot, KeyObject>();

  constructor(
    readonly state: CardState,
    private readonly persist: (state: CardState) => void = () => {},
  ) {}

  /** Power on or reset: the security status is lost (part 2 §3.1). */
  reset(): void {
    this.security = { pin: false, pinFresh: false, management: false };
    this.managementChallenge = {};
    this.chain = undefined;
    this.pending = undefined;
  }

  /** Saves the state (after counters, PIN, keys or objects change). */
  save(): void {
    this.persist(this.state);
  }

  /** The private key in a slot, or undefined. */
  key(slot: KeySlot): KeyObject | undefined {
    const cached = this.keyCache.get(slot);
    if (cached) return cached;
    const stored = this.state.keys[slot];
    if (!stored) return undefined;
    const key = createPrivateKey(stored.privateKeyPem);
    this.keyCache.set(slot, key);
    return key;
  }

  /** Forgets a cached key after the slot gets a new one. */
  forgetKey(slot: KeySlot): void {
    this.keyCache.delete(slot);
  }

  /** Processes one command APDU and returns the response APDU (data + SW1 SW2). */
  transmit(raw: Buffer): Buffer {
    try {
      const command = parseCommand(raw);
      if (command.ins === 0xc0) return this.getResponse(command);
      this.pending = undefined;
      if ((command.cla & ~0x10) !== 0x00) throw new CardStatus(SW.CLA_NOT_SUPPORTED);
      const handler = HANDLERS[command.ins];
      if (!handler) throw new CardStatus(SW.INS_NOT_SUPPORTED);
      const whole = this.collectChain(command);
      if (!whole) return withStatus(Buffer.alloc(0), SW.OK);
      return this.respond(handler(this, whole), whole.le);
    } catch (error) {
      this.chain = undefined;
      if (error instanceof CardStatus) return withStatus(Buffer.alloc(0), error.sw);
      throw error;
    }
  }

  /** Joins chained blocks; returns undefined while more blocks are expected. */
  private collectChain(command: Command): Command | undefined {
    const { ins, p1, p2 } = command;
    const chain = this.chain;
    if (chain && (chain.ins !== ins || chain.p1 !== p1 || chain.p2 !== p2)) {
      this.chain = undefined;
      throw new CardStatus(SW.CONDITIONS_NOT_SATISFIED);
    }
    if (command.chained) {
      if (chain) chain.parts.push(command.data);
      else this.chain = { ins, p1, p2, parts: [command.data] };
      return undefined;
    }
    if (!chain) return command;
    this.chain = undefined;
    return { ...command, data: Buffer.concat([...chain.parts, command.data]) };
  }

  /** Sends at most Le bytes (256 when absent); the rest waits for GET RESPONSE with 61 xx. */
  private respond(data: Buffer, le: number): Buffer {
    const limit = le === 0 ? 256 : le;
    if (data.length <= limit) return withStatus(data, SW.OK);
    this.pending = data.subarray(limit);
    return withStatus(data.subarray(0, limit), SW.BYTES_REMAINING | (Math.min(this.pending.length, 256) % 256));
  }

  private getResponse(command: Command): Buffer {
    const pending = this.pending;
    this.pending = undefined;
    if (!pending) throw new CardStatus(SW.CONDITIONS_NOT_SATISFIED);
    return this.respond(pending, command.le);
  }
}
