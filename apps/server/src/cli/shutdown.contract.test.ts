// Graceful shutdown of the real command: `open-scws start` as a child process, stopped with SIGTERM while a
// request is in flight. The slow request is one whose headers arrive slowly (the fault-injecting PKCS#11
// module that would make a slow token operation is not on this branch): Node counts it as in flight, so the
// service must wait for it, answer it, and only then finalise the modules and exit 0.
import { type ChildProcess, spawn } from "node:child_process";
import { writeFileSync } from "node:fs";
import { connect, type Socket } from "node:net";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { SoftHsmSandbox, softHsmModule } from "@open-scws/softhsm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const cli = fileURLToPath(new URL("../../dist/cli.js", import.meta.url));

interface Started {
  readonly child: ChildProcess;
  readonly port: number;
  /** Every JSON log line so far. */
  readonly log: () => Array<Record<string, unknown>>;
  /** Resolves when a log line with this message has been written. */
  readonly logged: (msg: string) => Promise<Record<string, unknown>>;
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** Starts `open-scws start` on a free port and resolves once it logs that it listens. */
function startCli(sandbox: SoftHsmSandbox, drainTimeoutMs: number): Promise<Started> {
  const config = join(sandbox.dir, `config-${drainTimeoutMs}.yaml`);
  writeFileSync(config, `listen:\n  port: 0\nmodules:\n  - {id: softhsm, library: ${softHsmModule}}\nshutdown:\n  drainTimeoutMs: ${drainTimeoutMs}\n`);
  const child = spawn(process.execPath, [cli, "start", "--config", config], { env: { PATH: process.env.PATH ?? "", SOFTHSM2_CONF: sandbox.confPath } });
  let output = "";
  const log = () =>
    output
      .split("\n")
      .filter((line) => line.startsWith("{"))
      .map((line) => JSON.parse(line) as Record<string, unknown>);
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once("exit", (code, signal) => resolve({ code, signal })),
  );
  const logged = (msg: string) =>
    new Promise<Record<string, unknown>>((resolve) => {
      const check = () => {
        const line = log().find((candidate) => candidate.msg === msg);
        if (!line) return;
        child.stdout?.off("data", check);
        resolve(line);
      };
      child.stdout?.on("data", check);
      check();
    });
  return new Promise((resolve, reject) => {
    child.stdout.on("data", (chunk: Buffer) => {
      output += chunk.toString();
      const listening = log().find((line) => line.msg === "open SCWS is listening");
      if (listening) resolve({ child, port: Number(new URL(String(listening.url)).port), log, logged, exited });
    });
    child.once("exit", (code) => reject(new Error(`open-scws exited with ${code} before listening:\n${output}`)));
  });
}

/** Opens a connection and sends a request's first line and Host header, without the blank line that ends the headers. */
function beginRequest(port: number, path: string): Promise<{ socket: Socket; answer: Promise<string>; firstBytes: Promise<void> }> {
  return new Promise((resolve) => {
    const socket = connect(port, "127.0.0.1", () => {
      // A connection the service closes without an answer may end in a reset: that is the answer's absence, not an error.
      socket.on("error", () => {});
      socket.write(`GET ${path} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\n`);
      let text = "";
      socket.on("data", (chunk) => {
        text += chunk.toString();
      });
      resolve({
        socket,
        answer: new Promise((done) => socket.once("close", () => done(text))),
        firstBytes: new Promise((done) => socket.once("data", () => done())),
      });
    });
  });
}

const DRAIN_TIMEOUT_REACHED = "drain timeout reached: closing the connections still open";

describe("open-scws start, stopped with SIGTERM", () => {
  let sandbox: SoftHsmSandbox;
  beforeAll(() => {
    sandbox = SoftHsmSandbox.temporary();
    sandbox.initToken("shutdown");
  });
  afterAll(() => sandbox.remove());

  it("finishes the request in flight, then finalises the modules and exits 0", async () => {
    const service = await startCli(sandbox, 10_000);
    // Any request serves; GET /v1/service needs no environment.
    const slow = await beginRequest(service.port, "/v1/service");
    service.child.kill("SIGTERM");
    await service.logged("stopping: no new connections, draining requests in flight");
    expect(service.child.exitCode).toBeNull(); // still draining: the request has not finished
    // New connections are refused while draining.
    await expect(new Promise((resolve, reject) => connect(service.port, "127.0.0.1", () => resolve("connected")).once("error", reject))).rejects.toThrow(
      /ECONNREFUSED/,
    );
    slow.socket.write("\r\n");
    const answer = await slow.answer;
    expect(answer).toMatch(/^HTTP\/1\.1 200 OK\r\n/);
    expect(answer).toMatch(/\r\nconnection: close\r\n/i);
    expect(answer).toContain('"name":"open SCWS"');
    expect(await service.exited).toEqual({ code: 0, signal: null });
    const messages = service.log().map((line) => line.msg);
    expect(messages.indexOf("request answered")).toBeLessThan(messages.indexOf("open SCWS stopped"));
  });

  it("closes a request that outlives the drain timeout, and still exits 0", async () => {
    const service = await startCli(sandbox, 300);
    const stuck = await beginRequest(service.port, "/v1/service");
    const started = Date.now();
    service.child.kill("SIGTERM");
    expect(await service.exited).toEqual({ code: 0, signal: null });
    // Reported, not asserted: on two shared cores the time says little; the log line below says why it ended.
    console.log(`exited ${Date.now() - started} ms after SIGTERM with a 300 ms drain timeout`);
    expect(await stuck.answer).toBe(""); // closed without an answer
    expect(service.log().find((line) => line.msg === DRAIN_TIMEOUT_REACHED)).toMatchObject({ level: 40 });
  });

  it("does not wait for idle keep-alive connections", async () => {
    const service = await startCli(sandbox, 10_000);
    const idle = await beginRequest(service.port, "/health/live");
    idle.socket.write("\r\n");
    await idle.firstBytes; // answered; the connection stays open, idle, for keep-alive
    const started = Date.now();
    service.child.kill("SIGTERM");
    expect(await service.exited).toEqual({ code: 0, signal: null });
    console.log(`exited ${Date.now() - started} ms after SIGTERM with a 10 s drain timeout and an idle connection`);
    // Had it waited for the idle connection, only the drain timeout would have ended it.
    expect(service.log().map((line) => line.msg)).not.toContain(DRAIN_TIMEOUT_REACHED);
    expect(await idle.answer).toMatch(/^HTTP\/1\.1 200 OK/);
  });
});
