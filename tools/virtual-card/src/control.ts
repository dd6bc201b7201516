// The control socket of a running card (a Unix socket, never TCP): one line in ("insert", "remove",
// "status"), one JSON line out; or "hold" (the test hook of VpcdCard.holdNextKeyOperation): one line once armed,
// a second once a key operation is held (or an error if the card is removed first).
import { existsSync, rmSync } from "node:fs";
import { createConnection, createServer, type Server } from "node:net";
import type { VpcdCard } from "./vpcd.js";

/** The answer to every control command. */
export interface CardStatusReport {
  inserted: boolean;
  pinTriesLeft: number;
  pukTriesLeft: number;
}

/** Reports the card's state. */
export function statusOf(vpcd: VpcdCard): CardStatusReport {
  const { pinTriesLeft, pukTriesLeft } = vpcd.card.state;
  return { inserted: vpcd.isInserted, pinTriesLeft, pukTriesLeft };
}

/** Serves control commands for `vpcd` on the Unix socket `path`. */
export async function serveControl(vpcd: VpcdCard, path: string): Promise<Server> {
  if (existsSync(path)) rmSync(path);
  const server = createServer((socket) => {
    let line = "";
    socket.setEncoding("utf8");
    socket.on("data", (chunk: string) => {
      line += chunk;
      const end = line.indexOf("\n");
      if (end === -1) return;
      const command = line.slice(0, end).trim();
      const answer = (body: object) => socket.end(`${JSON.stringify(body)}\n`);
      if (command === "hold") {
        holdKeyOperation(vpcd, (body) => socket.write(`${JSON.stringify(body)}\n`), answer);
        return;
      }
      const action = command === "insert" ? vpcd.insert() : command === "remove" ? vpcd.remove() : command === "status" ? Promise.resolve() : undefined;
      if (!action) {
        answer({ error: `unknown command "${command}": use insert, remove, status or hold` });
        return;
      }
      action.then(
        () => answer(statusOf(vpcd)),
        (error: Error) => answer({ error: error.message }),
      );
    });
    socket.on("error", () => {});
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(path, () => resolve());
  });
  return server;
}

/** Arms the hold, says so, then answers once a key operation is held or the card left the reader first. */
function holdKeyOperation(vpcd: VpcdCard, say: (body: object) => void, answer: (body: object) => void): void {
  try {
    vpcd.holdNextKeyOperation();
  } catch (error) {
    answer({ error: (error as Error).message });
    return;
  }
  const onHeld = () => {
    vpcd.off("disconnected", onRemoved);
    answer({ ...statusOf(vpcd), held: true });
  };
  const onRemoved = () => {
    vpcd.off("held", onHeld);
    answer({ error: "the card was removed before a key operation reached it" });
  };
  vpcd.once("held", onHeld);
  vpcd.once("disconnected", onRemoved);
  say({ ...statusOf(vpcd), armed: true });
}

/**
 * Arms the card's hold on its next key operation (signature, decryption, ECDH). Resolves once armed with
 * `received`, which resolves when that command reaches the card: from then on the card answers nothing until it
 * is removed. `received` rejects if the card is removed before any key operation arrives.
 */
export function holdKeyOperationOf(path: string): Promise<{ received: Promise<void> }> {
  return new Promise((resolveArmed, rejectArmed) => {
    const socket = createConnection(path);
    let text = "";
    let armed = false;
    let settleReceived: { resolve: () => void; reject: (error: Error) => void } | undefined;
    const received = new Promise<void>((resolve, reject) => {
      settleReceived = { resolve, reject };
    });
    received.catch(() => {}); // a caller that never awaits it must not see an unhandled rejection
    const fail = (error: Error) => (armed ? settleReceived?.reject(error) : rejectArmed(error));
    socket.setEncoding("utf8");
    socket.on("connect", () => socket.write("hold\n"));
    socket.on("data", (chunk: string) => {
      text += chunk;
      for (let end = text.indexOf("\n"); end !== -1; end = text.indexOf("\n")) {
        const line = JSON.parse(text.slice(0, end)) as { armed?: boolean; held?: boolean; error?: string };
        text = text.slice(end + 1);
        if (line.error) fail(new Error(line.error));
        else if (line.armed) {
          armed = true;
          resolveArmed({ received });
        } else if (line.held) settleReceived?.resolve();
      }
    });
    socket.on("error", (error) => fail(new Error(`virtual card control socket ${path}: ${error.message}`)));
    socket.on("close", () => fail(new Error(`virtual card control socket ${path}: closed before a key operation was held`)));
  });
}

/** Sends one control command to a running card and returns its answer. */
export function sendControl(path: string, command: "insert" | "remove" | "status"): Promise<CardStatusReport> {
  return new Promise((resolve, reject) => {
    const socket = createConnection(path);
    let answer = "";
    socket.setEncoding("utf8");
    socket.on("connect", () => socket.write(`${command}\n`));
    socket.on("data", (chunk: string) => {
      answer += chunk;
    });
    socket.on("error", (error: NodeJS.ErrnoException) => {
      const hint = error.code === "ENOENT" || error.code === "ECONNREFUSED" ? " (is the card running? start it with virtual-card serve)" : "";
      reject(new Error(`virtual card control socket ${path}: ${error.message}${hint}`));
    });
    socket.on("end", () => {
      try {
        const parsed = JSON.parse(answer) as CardStatusReport & { error?: string };
        if (parsed.error) reject(new Error(parsed.error));
        else resolve(parsed);
      } catch {
        reject(new Error(`virtual card control socket ${path}: unreadable answer`));
      }
    });
  });
}
