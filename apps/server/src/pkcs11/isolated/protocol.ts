// The messages between the service, the host process and its lanes, and how errors cross them. Messages travel
// in arrays (batches) so that many concurrent calls share one write and one wake-up. The host process imports this
// file: it stays free of imports, so that a restart loads as little as it can.

/** A call of a `Pkcs11Host` method, by name, with plain-data arguments. */
export interface CallMessage {
  readonly id: number;
  readonly method: string;
  readonly args: readonly unknown[];
}

/** An error as it crosses a process or thread boundary: only its plain fields. */
export interface WireError {
  readonly name: string;
  readonly message: string;
  /** The CK_RV of a Pkcs11Error, or the SCWS code of a ScwsError. */
  readonly code?: number | string;
  readonly method?: string;
  readonly httpStatus?: number;
  readonly customData?: Record<string, unknown>;
}

/** The answer to one call. */
export type ReplyMessage =
  | { readonly id: number; readonly ok: true; readonly value: unknown }
  | { readonly id: number; readonly ok: false; readonly error: WireError };

/** What the host process sends once it listens for calls. */
export const HELLO = "scws-host-process-ready";

/** Copies what an error says into plain data (a ScwsError, a Pkcs11Error, or any Error's name and message). */
export function toWire(error: unknown): WireError {
  const { name, message, code, method, httpStatus, customData } = (error ?? {}) as Partial<WireError>;
  if (name === "ScwsError") return { name, message: message ?? "", code, httpStatus, customData };
  if (name === "Pkcs11Error" && typeof code === "number") return { name, message: message ?? "", code, ...(method ? { method } : {}) };
  if (error instanceof Error) return { name: error.name, message: error.message };
  return { name: "Error", message: String(error) };
}

/**
 * Collects messages and hands them to `send` as one batch once the current burst of work is over; with
 * `holdLimitMs`, a message produced that long after the last batch left is sent at once, so that answers do not wait
 * behind calls that block the thread.
 */
export class Batcher<Message> {
  private pending: Message[] = [];
  private lastSent = performance.now();

  constructor(
    private readonly send: (batch: Message[]) => void,
    private readonly schedule: (flush: () => void) => void = queueMicrotask,
    private readonly holdLimitMs = Number.POSITIVE_INFINITY,
  ) {}

  push(message: Message): void {
    this.pending.push(message);
    if (this.pending.length === 1) this.schedule(() => this.flush());
    if (this.holdLimitMs !== Number.POSITIVE_INFINITY && performance.now() - this.lastSent > this.holdLimitMs) this.flush();
  }

  flush(): void {
    if (this.pending.length === 0) return;
    const batch = this.pending;
    this.pending = [];
    if (this.holdLimitMs !== Number.POSITIVE_INFINITY) this.lastSent = performance.now();
    this.send(batch);
  }
}
