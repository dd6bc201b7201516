// The benchmark's other processes: the service (the built CLI, as an operator runs it), the load generator, the raw
// measurement and the bare node:http server, each started apart so that none shares an event loop with another.
import { type ChildProcess, spawn } from "node:child_process";
import { closeSync, openSync } from "node:fs";
import { request } from "node:http";
import { createRequire } from "node:module";
import { createServer } from "node:net";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const require = createRequire(import.meta.url);
const here = dirname(fileURLToPath(import.meta.url));
const tsx = pathToFileURL(require.resolve("tsx")).href;

/** The built CLI of the service (`npm run build` makes it). */
export const serviceCli = join(dirname(require.resolve("@open-scws/server")), "cli.js");

/** A free loopback port, found by binding port 0. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** Status of a GET on loopback, or 0 when nothing answers. */
export function probe(port: number, path: string): Promise<number> {
  return new Promise((resolve) => {
    const req = request({ host: "127.0.0.1", port, path, agent: false }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.once("error", () => resolve(0));
    req.end();
  });
}

/** Waits until GET path answers 200; rejects when the process exits first or after `timeoutMs`. */
export async function untilReady(child: ChildProcess, port: number, path = "/health/ready", timeoutMs = 30_000): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (performance.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) throw new Error(`the process exited (${child.exitCode ?? child.signalCode}) before it was ready`);
    if ((await probe(port, path)) === 200) return;
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
  throw new Error(`nothing answered ${path} on port ${port} within ${timeoutMs} ms`);
}

/** A running service process. */
export interface ServiceProcess {
  readonly child: ChildProcess;
  readonly port: number;
  readonly url: string;
  /** Milliseconds from spawn to the first 200 from /health/ready. */
  readonly readyMs: number;
  stop(): Promise<void>;
}

/**
 * Starts the service with its default configuration, over the given module and SoftHSM config; its log goes to
 * `logFile`. With `cpuProfileDir`, it and the module host processes it forks (which inherit its flags) write V8 CPU
 * profiles there when they exit.
 */
export async function startService(env: Record<string, string>, logFile: string, cpuProfileDir?: string): Promise<ServiceProcess> {
  const port = await freePort();
  const log = openSync(logFile, "a");
  const started = performance.now();
  // Node refuses --cpu-prof in NODE_OPTIONS, so the flags go on the command line; the service passes them on to the
  // module host processes it forks (host-process.ts), whose lane threads then write profiles of their own.
  const profiling = cpuProfileDir ? ["--cpu-prof", `--cpu-prof-dir=${cpuProfileDir}`] : [];
  const child = spawn(process.execPath, [...profiling, serviceCli, "start"], {
    env: { ...process.env, ...env, SCWS_PORT: String(port) },
    stdio: ["ignore", log, log],
  });
  closeSync(log);
  await untilReady(child, port);
  const readyMs = performance.now() - started;
  return { child, port, url: `http://127.0.0.1:${port}`, readyMs, stop: () => stopProcess(child) };
}

/** SIGTERM, then waits for the exit (SIGKILL after 10 s). */
export async function stopProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  child.kill("SIGTERM");
  const timer = setTimeout(() => child.kill("SIGKILL"), 10_000);
  await exited;
  clearTimeout(timer);
}

/** Runs one of this package's TypeScript entries in a process of its own and returns what it printed as JSON. */
export function runEntry<Result>(entry: string, input: unknown, env: Record<string, string> = {}): Promise<Result> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["--import", tsx, join(here, entry), JSON.stringify(input)], {
      env: { ...process.env, ...env },
      stdio: ["ignore", "pipe", "inherit"],
    });
    let output = "";
    child.stdout!.setEncoding("utf8").on("data", (chunk: string) => {
      output += chunk;
    });
    child.once("error", reject);
    child.once("exit", (code) => {
      if (code !== 0) return reject(new Error(`${entry} exited with ${code}`));
      try {
        resolve(JSON.parse(output.trim().split("\n").at(-1) ?? "") as Result);
      } catch (error) {
        reject(error);
      }
    });
  });
}

/** Starts an entry that serves HTTP until killed, and waits until `path` answers. */
export async function startEntryServer(entry: string, input: unknown, path: string): Promise<{ child: ChildProcess; port: number }> {
  const port = await freePort();
  const child = spawn(process.execPath, ["--import", tsx, join(here, entry), JSON.stringify({ ...(input as object), port })], {
    stdio: ["ignore", "ignore", "inherit"],
  });
  await untilReady(child, port, path);
  return { child, port };
}
