// The card's side of the vsmartcard vpcd protocol: frames of a 2-byte big-endian length and a payload; a
// 1-byte payload is a control message (00 power off, 01 power on, 02 reset, 04 get ATR), anything else an
// APDU. The card connects to vpcd (which pcscd loads as a reader driver): connecting inserts the card into
// the reader, closing the connection removes it.
import { EventEmitter } from "node:events";
import { createConnection, type Socket } from "node:net";
import { SW } from "./apdu.js";
import { ATR, type PivCard } from "./card.js";

const CONTROL = { POWER_OFF: 0x00, POWER_ON: 0x01, RESET: 0x02, GET_ATR: 0x04 } as const;

/** GENERAL AUTHENTICATE (INS 87) with a key slot's key, the last piece of its chain: a signature, decryption or ECDH. */
function isKeyOperation(apdu: Buffer): boolean {
  return apdu.length >= 4 && apdu[1] === 0x87 && (apdu[0]! & 0x10) === 0 && KEY_OPERATION_SLOTS.has(apdu[3]!);
}
const KEY_OPERATION_SLOTS = new Set([0x9a, 0x9c, 0x9d, 0x9e]);

/**
 * Events: "connected", "disconnected", "powered" (power on or reset), "apdu" (command, response), "held" (command)
 * when a key operation is held by holdNextKeyOperation().
 */
export class VpcdCard extends EventEmitter {
  private socket: Socket | undefined;
  private holding = false;

  constructor(
    readonly card: PivCard,
    readonly port: number,
    readonly host = "127.0.0.1",
  ) {
    super();
  }

  /** True while the card is connected to vpcd (in the reader). */
  get isInserted(): boolean {
    return this.socket !== undefined;
  }

  /** Inserts the card: connects to vpcd; resolves once connected. */
  async insert(): Promise<void> {
    if (this.socket) return;
    const socket = createConnection({ host: this.host, port: this.port, noDelay: true });
    this.socket = socket;
    this.card.reset();
    let buffered = Buffer.alloc(0);
    socket.on("data", (chunk: Buffer) => {
      buffered = Buffer.concat([buffered, chunk]);
      while (buffered.length >= 2) {
        const length = buffered.readUInt16BE(0);
        if (buffered.length < 2 + length) break;
        const payload = buffered.subarray(2, 2 + length);
        buffered = buffered.subarray(2 + length);
        this.handle(socket, payload);
      }
    });
    socket.on("close", () => {
      if (this.socket === socket) this.socket = undefined;
      this.holding = false;
      this.emit("disconnected");
    });
    await new Promise<void>((resolve, reject) => {
      socket.once("connect", () => {
        socket.removeListener("error", reject);
        socket.on("error", () => {});
        resolve();
      });
      socket.once("error", (error) => {
        if (this.socket === socket) this.socket = undefined;
        reject(new Error(`cannot reach vpcd on ${this.host}:${this.port}: ${error.message}`));
      });
    });
    this.emit("connected");
  }

  /**
   * A test hook: the next key operation (see isKeyOperation) gets no answer at all, as if the card were still
   * computing, and "held" is emitted; removing the card ends the wait. Tests pull the card mid-signature on that
   * event rather than guessing a moment with the clock. Removal disarms a hold that has not been used.
   */
  holdNextKeyOperation(): void {
    if (!this.socket) throw new Error("the card is not in the reader: insert it before holding a key operation");
    this.holding = true;
  }

  /** True while a hold is armed and no key operation has reached it yet. */
  get isHolding(): boolean {
    return this.holding;
  }

  /** Removes the card: closes the connection; resolves once closed. */
  async remove(): Promise<void> {
    const socket = this.socket;
    if (!socket) return;
    await new Promise<void>((resolve) => {
      socket.once("close", () => resolve());
      socket.destroy();
    });
  }

  private handle(socket: Socket, payload: Buffer): void {
    if (payload.length === 1) {
      const control = payload[0];
      if (control === CONTROL.GET_ATR) this.send(socket, ATR);
      else if (control === CONTROL.POWER_ON || control === CONTROL.RESET) {
        this.card.reset();
        this.emit("powered");
      } else if (control === CONTROL.POWER_OFF) this.card.reset();
      return;
    }
    if (this.holding && isKeyOperation(payload)) {
      this.holding = false;
      this.emit("held", payload);
      return;
    }
    let response: Buffer;
    try {
      response = this.card.transmit(payload);
    } catch (error) {
      // A bug in a command handler must not kill the card: answer 6F 00 and say why on stderr.
      process.stderr.write(`virtual-card: ${(error as Error).stack ?? String(error)}\n`);
      response = Buffer.from([SW.NO_PRECISE_DIAGNOSIS >> 8, SW.NO_PRECISE_DIAGNOSIS & 0xff]);
    }
    this.emit("apdu", payload, response);
    this.send(socket, response);
  }

  private send(socket: Socket, data: Buffer): void {
    const frame = Buffer.alloc(2 + data.length);
    frame.writeUInt16BE(data.length, 0);
    data.copy(frame, 2);
    socket.write(frame);
  }
}
