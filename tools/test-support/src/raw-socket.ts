// Raw bytes over a TCP socket (node:net), for abuse tests that fetch and node:http refuse to send: broken
// framing, smuggling attempts, bogus versions, trickled headers. Reads the responses and how the socket ended.
import { connect } from "node:net";

/** One step of what a client sends: bytes, or a pause. */
export type SocketStep = string | Buffer | { readonly pauseMs: number };

/** What came back. */
export interface SocketExchange {
  /** The status of each complete answer, in order. */
  readonly statuses: number[];
  /** Whether the server closed (or reset) the connection. */
  readonly closed: boolean;
  /** Neither the responses expected nor a close came before the deadline. */
  readonly hung: boolean;
  /** Milliseconds from connecting to the end of the exchange. */
  readonly ms: number;
  /** Everything received, as Latin-1 (for failure messages). */
  readonly received: string;
}

/** Complete responses at the start of `text`: status lines whose headers ended and whose Content-Length body arrived. */
export function completeResponses(text: string): number[] {
  const statuses: number[] = [];
  let rest = text;
  for (;;) {
    const status = /^HTTP\/\d\.\d (\d{3})[^\r\n]*\r\n/.exec(rest);
    const headersEnd = rest.indexOf("\r\n\r\n");
    if (!status || headersEnd < 0) return statuses;
    const length = Number(/\r\ncontent-length:\s*(\d+)/i.exec(rest.slice(0, headersEnd + 2))?.[1] ?? 0);
    if (rest.length < headersEnd + 4 + length) return statuses;
    const code = Number(status[1]);
    rest = rest.slice(headersEnd + 4 + length);
    // 1xx answers (100 Continue) come before the real one.
    if (code >= 200) statuses.push(code);
  }
}

/**
 * Connects, sends the steps in order, and waits until `answers` complete answers arrived, the server closed the
 * connection, or `deadlineMs` passed (a hang).
 */
export function exchange(port: number, steps: readonly SocketStep[], options: { answers?: number; deadlineMs?: number } = {}): Promise<SocketExchange> {
  const wanted = options.answers ?? 1;
  const deadlineMs = options.deadlineMs ?? 5_000;
  const started = performance.now();
  return new Promise((resolve) => {
    const socket = connect(port, "127.0.0.1");
    let received = "";
    let closed = false;
    let done = false;
    const finish = (hung: boolean) => {
      if (done) return;
      done = true;
      clearTimeout(deadline);
      socket.destroy();
      resolve({ statuses: completeResponses(received), closed, hung, ms: Math.round(performance.now() - started), received });
    };
    const deadline = setTimeout(() => finish(true), deadlineMs);
    socket.on("data", (chunk: Buffer) => {
      received += chunk.toString("latin1");
      if (completeResponses(received).length >= wanted) finish(false);
    });
    socket.on("error", () => {
      closed = true;
    });
    socket.on("close", () => {
      closed = true;
      finish(false);
    });
    socket.on("connect", async () => {
      for (const step of steps) {
        if (done || socket.destroyed) return;
        if (typeof step === "object" && !Buffer.isBuffer(step)) await new Promise((wake) => setTimeout(wake, step.pauseMs));
        else socket.write(step);
      }
    });
  });
}

/** Bytes sent one at a time with a pause between them: a slow (slowloris) sender. */
export function trickle(text: string, pauseMs: number): SocketStep[] {
  return [...text].flatMap((character) => [character, { pauseMs }]);
}
