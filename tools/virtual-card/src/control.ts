// The control socket of a running card (a Unix socket, never TCP): one line in ("insert", "remove",
// "status"), one JSON line out.
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
      const action = command === "insert" ? vpcd.insert() : command === "remove" ? vpcd.remove() : command === "status" ? Promise.resolve() : undefined;
      if (!action) {
        answer({ error: `unknown command "${command}": use insert, remove or status` });
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
