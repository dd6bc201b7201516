import { once } from "node:events";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer, type Server, type Socket } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { holdKeyOperationOf, sendControl, serveControl } from "./control.js";
import { blankCard } from "./testing.js";
import { VpcdCard } from "./vpcd.js";

/** The reader's side of vpcd, on loopback: sends frames, collects the card's answers. */
class FakeVpcd {
  readonly answers: Buffer[] = [];
  private socket: Socket | undefined;
  private buffered = Buffer.alloc(0);
  private waiting: (() => void) | undefined;

  constructor(readonly server: Server) {}

  static async start(): Promise<FakeVpcd> {
    const server = createServer();
    const vpcd = new FakeVpcd(server);
    server.on("connection", (socket) => vpcd.accept(socket));
    server.listen(0, "127.0.0.1");
    await once(server, "listening");
    return vpcd;
  }

  get port(): number {
    return (this.server.address() as { port: number }).port;
  }

  private accept(socket: Socket): void {
    this.socket = socket;
    socket.on("data", (chunk: Buffer) => {
      this.buffered = Buffer.concat([this.buffered, chunk]);
      while (this.buffered.length >= 2 && this.buffered.length >= 2 + this.buffered.readUInt16BE(0)) {
        this.answers.push(this.buffered.subarray(2, 2 + this.buffered.readUInt16BE(0)));
        this.buffered = this.buffered.subarray(2 + this.buffered.readUInt16BE(0));
        this.waiting?.();
      }
    });
  }

  /** Sends one APDU written as hex and returns the socket, without waiting for an answer. */
  post(hex: string): Socket {
    const payload = Buffer.from(hex.replace(/\s+/g, ""), "hex");
    const frame = Buffer.alloc(2 + payload.length);
    frame.writeUInt16BE(payload.length, 0);
    payload.copy(frame, 2);
    const socket = this.socket;
    if (!socket) throw new Error("no card connected");
    socket.write(frame);
    return socket;
  }

  /** Sends one APDU and waits for its answer's status word. */
  async exchange(hex: string): Promise<number> {
    const count = this.answers.length;
    const answered = new Promise<void>((resolve) => {
      this.waiting = () => {
        if (this.answers.length > count) resolve();
      };
    });
    this.post(hex);
    await answered;
    const answer = this.answers[count]!;
    return answer.readUInt16BE(answer.length - 2);
  }
}

// An RSA signature request to 9A, in the shape OpenSC sends it: 7C { 82 (empty), 81 (challenge) }.
const SIGN_9A = `00 87 07 9A 0A 7C 08 82 00 81 04 00 01 02 03 00`;
const SELECT_PIV = "00 A4 04 00 05 A0 00 00 03 08 00";

describe("the card's hold on a key operation (test hook for removal mid-signature)", () => {
  let vpcd: FakeVpcd;
  let card: VpcdCard;
  let dir: string;
  beforeEach(async () => {
    vpcd = await FakeVpcd.start();
    card = new VpcdCard(blankCard().card, vpcd.port);
    dir = mkdtempSync(join(tmpdir(), "scws-card-hold-"));
    await card.insert();
  });
  afterEach(async () => {
    await card.remove();
    vpcd.server.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("answers other commands, holds GENERAL AUTHENTICATE with a slot key unanswered, and removal ends the wait", async () => {
    expect(await vpcd.exchange(SELECT_PIV)).toBe(0x9000);
    card.holdNextKeyOperation();
    expect(await vpcd.exchange("00 20 00 80 00")).toBe(0x63c3); // VERIFY status: answered while the hold is armed
    const held = once(card, "held");
    const readerSide = vpcd.post(SIGN_9A);
    const [command] = (await held) as [Buffer];
    expect(command.toString("hex")).toBe(SIGN_9A.replace(/\s+/g, "").toLowerCase());
    expect(card.isHolding).toBe(false);

    const closed = once(readerSide, "close");
    await card.remove();
    await closed;
    expect(vpcd.answers).toHaveLength(2); // SELECT and VERIFY: the signature never got an answer
  });

  it("holds neither the management key (9B) nor a chained piece, only the command that ends the chain", async () => {
    card.holdNextKeyOperation();
    expect(await vpcd.exchange("00 87 03 9B 04 7C 02 81 00")).toBeGreaterThan(0); // answered, not held
    expect(await vpcd.exchange("10 87 07 9A 04 7C 08 82 00")).toBe(0x9000); // first piece of a chain
    const held = once(card, "held");
    vpcd.post("00 87 07 9A 06 81 04 00 01 02 03 00");
    await held;
  });

  it("forgets an unused hold when the card is removed, and answers key operations again after reinsertion", async () => {
    card.holdNextKeyOperation();
    await card.remove();
    expect(card.isHolding).toBe(false);
    await card.insert();
    expect(await vpcd.exchange(SIGN_9A)).not.toBe(0x9000); // answered at once: no key in 9A on a blank card
    expect(() => new VpcdCard(blankCard().card, vpcd.port).holdNextKeyOperation()).toThrow(/not in the reader/);
  });

  it("through the control socket: armed, then received when the key operation arrives; an error if pulled first", async () => {
    const control = join(dir, "card.ctl");
    const server = await serveControl(card, control);
    try {
      const { received } = await holdKeyOperationOf(control);
      vpcd.post(SIGN_9A);
      await received;
      expect((await sendControl(control, "status")).inserted).toBe(true);
      await sendControl(control, "remove");

      await sendControl(control, "insert");
      const unused = await holdKeyOperationOf(control);
      await sendControl(control, "remove");
      await expect(unused.received).rejects.toThrow(/removed before a key operation/);
      await expect(holdKeyOperationOf(control)).rejects.toThrow(/not in the reader/);
    } finally {
      server.close();
    }
  });
});
