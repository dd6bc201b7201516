// Test helpers: SoftHSM tokens in a temp dir, the fault module loaded through pkcs11js, pkcs11-tool and child clients.
import { type ChildProcess, execFileSync, spawn, spawnSync } from "node:child_process";
import { closeSync, mkdirSync, mkdtempSync, openSync, readdirSync, readFileSync, readSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import pkcs11js from "pkcs11js";
import { afterAll, afterEach, beforeAll } from "vitest";
import { buildFaultModule, DEFAULT_TARGET, FaultControl } from "../index.js";

export { pkcs11IncludeDir } from "../index.js";

export const PIN = "1234";
export const SO_PIN = "5678";
export const here = dirname(fileURLToPath(import.meta.url));

export interface Lab {
  dir: string;
  conf: string;
  controlPath: string;
  control: FaultControl;
  /** Absolute path of libscwsfault.so. */
  module: string;
  /** Environment for child processes: SOFTHSM2_CONF and SCWS_FAULT_CONTROL of this lab. */
  env: NodeJS.ProcessEnv;
  cleanup(): void;
}

/**
 * Provisions SoftHSM tokens with these labels in a fresh temp dir, and points this process at them
 * (SOFTHSM2_CONF, SCWS_FAULT_CONTROL), so call it before loading the module here.
 */
export function setupLab(labels: string[]): Lab {
  const module = buildFaultModule();
  const dir = mkdtempSync(join(tmpdir(), "scws-fault-"));
  mkdirSync(join(dir, "tokens"));
  const conf = join(dir, "softhsm2.conf");
  writeFileSync(conf, `directories.tokendir = ${join(dir, "tokens")}\nobjectstore.backend = file\nlog.level = ERROR\nslots.removable = false\n`);
  const controlPath = join(dir, "control");
  const env: NodeJS.ProcessEnv = { ...process.env, SOFTHSM2_CONF: conf, SCWS_FAULT_CONTROL: controlPath };
  delete env.SCWS_FAULT_TARGET;
  for (const label of labels) {
    execFileSync("softhsm2-util", ["--init-token", "--free", "--label", label, "--pin", PIN, "--so-pin", SO_PIN], {
      env,
      stdio: "pipe",
    });
  }
  process.env.SOFTHSM2_CONF = conf;
  process.env.SCWS_FAULT_CONTROL = controlPath;
  const control = new FaultControl(controlPath);
  return { dir, conf, controlPath, control, module, env, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Loads a PKCS#11 module through pkcs11js and initialises it for multi-threaded use. */
export function openModule(module: string): pkcs11js.PKCS11 {
  const p11 = new pkcs11js.PKCS11();
  p11.load(module);
  p11.C_Initialize({ flags: pkcs11js.CKF_OS_LOCKING_OK });
  return p11;
}

export function trimLabel(label: string): string {
  return label.replace(/[\s\0]+$/, "");
}

/** Labels of the slots C_GetSlotList(tokenPresent) reports (unlabelled slots included as ""). */
export function presentLabels(p11: pkcs11js.PKCS11): string[] {
  return p11.C_GetSlotList(true).map((slot) => trimLabel(p11.C_GetTokenInfo(slot).label));
}

/** The slot holding the token with this label. */
export function slotOf(p11: pkcs11js.PKCS11, label: string): Buffer {
  for (const slot of p11.C_GetSlotList(true)) {
    if (trimLabel(p11.C_GetTokenInfo(slot).label) === label) return slot;
  }
  throw new Error(`no token labelled ${label}`);
}

/**
 * The target module (SoftHSM) as loaded by the fault module in this process: dlopen() hands out the
 * same instance, so this shows the target's own state, e.g. whether it still has a session.
 */
export function targetView(): pkcs11js.PKCS11 {
  const direct = new pkcs11js.PKCS11();
  direct.load(DEFAULT_TARGET);
  try {
    direct.C_Initialize({ flags: pkcs11js.CKF_OS_LOCKING_OK });
  } catch (err) {
    if (!(err instanceof pkcs11js.Pkcs11Error) || err.code !== pkcs11js.CKR_CRYPTOKI_ALREADY_INITIALIZED) throw err;
  }
  return direct;
}

/** Slot flags from pkcs11t.h (pkcs11js exports them, but its typings lack them). */
export const CKF_TOKEN_PRESENT = 0x1;
export const CKF_REMOVABLE_DEVICE = 0x2;

/** CK_STATE values (pkcs11js does not export them). */
export const CKS_RO_PUBLIC_SESSION = 0;
export const CKS_RO_USER_FUNCTIONS = 1;

const ckrNames = new Map<number, string>();
for (const [name, value] of Object.entries(pkcs11js)) {
  if (name.startsWith("CKR_") && typeof value === "number" && !ckrNames.has(value)) ckrNames.set(value, name);
}

/** CKR_ name (or 0x hex) of a PKCS#11 return value. */
export function ckrName(code: number): string {
  return ckrNames.get(code) ?? `0x${code.toString(16)}`;
}

/** Runs a pkcs11js call and returns "CKR_OK" or the CKR_ name it failed with. */
export function ckrOf(call: () => unknown): string {
  try {
    call();
    return "CKR_OK";
  } catch (err) {
    if (err instanceof pkcs11js.Pkcs11Error) return ckrName(err.code);
    throw err;
  }
}

/** Async variant of ckrOf. */
export async function ckrOfAsync(call: () => Promise<unknown>): Promise<string> {
  try {
    await call();
    return "CKR_OK";
  } catch (err) {
    if (err instanceof pkcs11js.Pkcs11Error) return ckrName(err.code);
    throw err;
  }
}

/** Opens a session on the token and logs the user in. */
export function userSession(p11: pkcs11js.PKCS11, label: string): Buffer {
  const session = p11.C_OpenSession(slotOf(p11, label), pkcs11js.CKF_SERIAL_SESSION | pkcs11js.CKF_RW_SESSION);
  p11.C_Login(session, pkcs11js.CKU_USER, PIN);
  return session;
}

/** Runs OpenSC's pkcs11-tool against a module, as an independent client. */
export function pkcs11Tool(lab: Lab, args: string[], extraEnv: NodeJS.ProcessEnv = {}) {
  const result = spawnSync("pkcs11-tool", ["--module", lab.module, ...args], {
    env: { ...lab.env, ...extraEnv },
    encoding: "buffer",
    timeout: 60_000,
  });
  return { status: result.status, stdout: result.stdout.toString("utf8"), stderr: result.stderr.toString("utf8") };
}

export interface ClientReply {
  ready?: boolean;
  ok?: boolean;
  error?: string;
  message?: string;
  flags?: number;
  labels?: string[];
}

/**
 * Another process (test/fixtures/client.mjs) that loads the module through pkcs11js, initialises it,
 * and then runs commands read from stdin, one JSON reply per line. Core dumps are disabled so that
 * the crash tests leave nothing behind.
 */
export class Client {
  readonly proc: ChildProcess;
  stderr = "";
  private readonly replies: ClientReply[] = [];
  private waiter: (() => void) | undefined;
  readonly exit: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;

  constructor(module: string, labels: string[], env: NodeJS.ProcessEnv) {
    const script = join(here, "fixtures", "client.mjs");
    this.proc = spawn("sh", ["-c", 'ulimit -c 0; exec "$0" "$@"', process.execPath, script, module, ...labels], {
      env,
      stdio: ["pipe", "pipe", "pipe"],
    });
    this.proc.stderr!.setEncoding("utf8").on("data", (chunk: string) => (this.stderr += chunk));
    createInterface({ input: this.proc.stdout! }).on("line", (line) => {
      this.replies.push(JSON.parse(line) as ClientReply);
      this.waiter?.();
    });
    this.exit = new Promise((resolve) => this.proc.on("exit", (code, signal) => resolve({ code, signal })));
  }

  /** Next reply, or undefined if none arrives within timeoutMs (or the process dies). */
  async next(timeoutMs = 10_000): Promise<ClientReply | undefined> {
    const deadline = Date.now() + timeoutMs;
    while (this.replies.length === 0) {
      if (this.proc.exitCode !== null || this.proc.signalCode !== null) return undefined;
      const left = deadline - Date.now();
      if (left <= 0) return undefined;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, Math.min(left, 50));
        this.waiter = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      this.waiter = undefined;
    }
    return this.replies.shift();
  }

  async send(command: string, timeoutMs = 10_000): Promise<ClientReply | undefined> {
    this.proc.stdin!.write(`${command}\n`);
    return this.next(timeoutMs);
  }

  /** Exit status, or undefined if the process is still running after timeoutMs. */
  async exited(timeoutMs: number) {
    return Promise.race([this.exit, new Promise<undefined>((resolve) => setTimeout(resolve, timeoutMs))]);
  }

  kill() {
    this.proc.kill("SIGKILL");
  }
}

/** A test file's lab: tokens with these labels and the module opened over them, its rules reset after each test. */
export interface OpenLab {
  readonly lab: Lab;
  readonly p11: pkcs11js.PKCS11;
}

/** Sets up a lab for the calling test file (before all its tests) and removes it after them. */
export function useLab(labels: string[]): OpenLab {
  const state = {} as { lab: Lab; p11: pkcs11js.PKCS11 };
  beforeAll(() => {
    state.lab = setupLab(labels);
    state.p11 = openModule(state.lab.module);
  });
  afterEach(() => state.lab.control.reset());
  afterAll(() => {
    state.p11?.C_Finalize();
    state.lab?.cleanup();
  });
  return state;
}

/** x86_64's clock_nanosleep, the system call glibc's nanosleep() makes: where the fault module's delay and hang sit. */
export const CLOCK_NANOSLEEP = "230";

/**
 * The sleeps a process's threads are in now, as /proc shows them: for each thread in clock_nanosleep, the time it asked
 * for in milliseconds, read from the timespec its third argument points to. The fault module makes one such sleep of
 * the sum of a call's matching delays, so this shows that a call is delayed, and by how much, with no clock involved.
 */
export function sleepsOf(pid: number | "self" = "self"): number[] {
  const sleeps: number[] = [];
  const memory = openSync(`/proc/${pid}/mem`, "r");
  try {
    for (const thread of readdirSync(`/proc/${pid}/task`)) {
      let call: string[];
      try {
        call = readFileSync(`/proc/${pid}/task/${thread}/syscall`, "utf8").trim().split(" ");
      } catch {
        continue; // the thread ended meanwhile
      }
      if (call[0] !== CLOCK_NANOSLEEP) continue;
      const timespec = Buffer.alloc(16);
      readSync(memory, timespec, 0, 16, BigInt(call[3]!));
      sleeps.push(Number(timespec.readBigInt64LE(0)) * 1000 + Math.round(Number(timespec.readBigInt64LE(8)) / 1e6));
    }
  } finally {
    closeSync(memory);
  }
  return sleeps;
}

/**
 * Resolves with the sleeps of `pid` once it is seen sleeping, or with [] once `settled()` says the call is over without
 * that having been seen. /proc is read every 10 ms: the clock sets the pace of the reading, never a verdict.
 */
export async function sleepSeen(settled: () => boolean, pid: number | "self" = "self"): Promise<number[]> {
  for (;;) {
    const sleeps = sleepsOf(pid);
    if (sleeps.length > 0 || settled()) return sleeps;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
