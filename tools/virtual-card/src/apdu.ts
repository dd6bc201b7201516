// Command APDU parsing (ISO 7816-4 §5.1: cases 1-4, short and extended) and status words.

/** A parsed command APDU. `le` is the expected length (0 = none; 256 / 65536 for "all"). */
export interface Command {
  cla: number;
  ins: number;
  p1: number;
  p2: number;
  data: Buffer;
  le: number;
  /** True when CLA has the command-chaining bit (0x10): more blocks follow. */
  chained: boolean;
}

/** Status words the card answers (SP 800-73-4 part 2, table 6 and per command). */
export const SW = {
  OK: 0x9000,
  BYTES_REMAINING: 0x6100,
  RETRIES: 0x63c0,
  MEMORY_FAILURE: 0x6581,
  WRONG_LENGTH: 0x6700,
  SECURITY_NOT_SATISFIED: 0x6982,
  AUTH_BLOCKED: 0x6983,
  CONDITIONS_NOT_SATISFIED: 0x6985,
  WRONG_DATA: 0x6a80,
  FUNC_NOT_SUPPORTED: 0x6a81,
  NOT_FOUND: 0x6a82,
  INCORRECT_P1P2: 0x6a86,
  REF_NOT_FOUND: 0x6a88,
  INS_NOT_SUPPORTED: 0x6d00,
  CLA_NOT_SUPPORTED: 0x6e00,
  NO_PRECISE_DIAGNOSIS: 0x6f00,
} as const;

/** Thrown by command handlers to answer a bare status word. */
export class CardStatus extends Error {
  constructor(readonly sw: number) {
    super(`SW ${sw.toString(16).padStart(4, "0")}`);
  }
}

/** Parses a command APDU; throws CardStatus(6700) when the lengths do not add up. */
export function parseCommand(raw: Buffer): Command {
  if (raw.length < 4) throw new CardStatus(SW.WRONG_LENGTH);
  const [cla, ins, p1, p2] = [raw[0]!, raw[1]!, raw[2]!, raw[3]!];
  const head = { cla, ins, p1, p2, chained: (cla & 0x10) !== 0 };
  const body = raw.subarray(4);
  if (body.length === 0) return { ...head, data: Buffer.alloc(0), le: 0 };
  if (body.length === 1) return { ...head, data: Buffer.alloc(0), le: body[0] || 256 };
  if (body[0] !== 0) {
    const lc = body[0]!;
    if (body.length === 1 + lc) return { ...head, data: body.subarray(1), le: 0 };
    if (body.length === 2 + lc) return { ...head, data: body.subarray(1, 1 + lc), le: body[1 + lc] || 256 };
    throw new CardStatus(SW.WRONG_LENGTH);
  }
  // Extended length: 00 followed by two bytes.
  if (body.length === 3) return { ...head, data: Buffer.alloc(0), le: body.readUInt16BE(1) || 65536 };
  const lc = body.readUInt16BE(1);
  if (lc === 0) throw new CardStatus(SW.WRONG_LENGTH);
  if (body.length === 3 + lc) return { ...head, data: body.subarray(3), le: 0 };
  if (body.length === 5 + lc) return { ...head, data: body.subarray(3, 3 + lc), le: body.readUInt16BE(3 + lc) || 65536 };
  throw new CardStatus(SW.WRONG_LENGTH);
}

/** Appends a status word to response data. */
export function withStatus(data: Buffer, sw: number): Buffer {
  return Buffer.concat([data, Buffer.from([sw >> 8, sw & 0xff])]);
}
