// Test fixture: SoftHSM tokens behind the fault-injecting module (libscwsfault.so), isolated hosts that load it in
// real child processes, and a look at this process's children through /proc.
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { buildFaultModule, FaultControl, faultEnv } from "@open-scws/pkcs11-faults";
import { SoftHsmSandbox } from "@open-scws/softhsm";
import { buildSync } from "esbuild";
import type { SlotHandle } from "../host.js";
import { IsolatedHost, type IsolatedHostOptions } from "./isolated-host.js";

/** Tokens behind the fault module, and the hosts made over them. */
export interface FaultLab {
  readonly sandbox: SoftHsmSandbox;
  readonly control: FaultControl;
  /** The fault module's path: the library to configure. */
  readonly library: string;
  /** The environment a process needs to load the fault module over this lab's tokens. */
  readonly env: NodeJS.ProcessEnv;
  /** The bundled host process's entry. */
  readonly entry: string;
  /** A host over the fault module, not started; `close()` stops it. */
  host(options?: Partial<IsolatedHostOptions>): IsolatedHost;
  /** Stops every host, then removes the tokens. */
  close(): Promise<void>;
}

/**
 * The host process bundled into plain JavaScript from the current sources, as a release runs it. Run from the
 * TypeScript sources, each of its threads would first load tsx, which adds a second or more to every (re)start.
 * The bundle sits under apps/server/node_modules, so that pkcs11js resolves from it. Returns its entry and a cleanup.
 */
export function bundleHostProcess(): { entry: string; remove(): void } {
  const cache = fileURLToPath(new URL("../../../node_modules/.cache/open-scws", import.meta.url));
  mkdirSync(cache, { recursive: true });
  const outdir = mkdtempSync(join(cache, "host-process-"));
  buildSync({
    entryPoints: ["host-process-main", "lane"].map((name) => fileURLToPath(new URL(`./${name}.ts`, import.meta.url))),
    outdir,
    bundle: true,
    packages: "external",
    platform: "node",
    format: "esm",
    target: "node20",
    logLevel: "error",
  });
  return { entry: join(outdir, "host-process-main.js"), remove: () => rmSync(outdir, { recursive: true, force: true }) };
}

/** Makes SoftHSM tokens with these labels behind a fault module with an empty control file. */
export function faultLab(labels: readonly string[]): FaultLab {
  const library = buildFaultModule();
  const bundle = bundleHostProcess();
  const sandbox = SoftHsmSandbox.temporary("scws-isolated-");
  for (const label of labels) sandbox.initToken(label);
  const control = new FaultControl(join(sandbox.dir, "control"));
  const env = { ...process.env, ...sandbox.env, ...faultEnv(control.path) };
  const hosts: IsolatedHost[] = [];
  return {
    sandbox,
    control,
    library,
    env,
    entry: bundle.entry,
    host(options = {}) {
      const host = new IsolatedHost({ moduleId: "faulty", library, maxSessionsPerToken: 2, env: () => env, entry: bundle.entry, ...options });
      hosts.push(host);
      return host;
    },
    async close() {
      await Promise.all(hosts.map((host) => host.stop()));
      sandbox.remove();
      bundle.remove();
    },
  };
}

/** The slot that holds the token with this label. */
export async function slotOf(host: IsolatedHost, label: string): Promise<SlotHandle> {
  const slot = (await host.listSlots()).find((candidate) => candidate.token?.label === label);
  if (!slot) throw new Error(`no token labelled ${label}`);
  return slot.handle;
}

/** The ids of the host processes of `parent` (this process by default) that still exist, zombies included (from /proc). */
export function hostProcessIds(parent = process.pid): number[] {
  return readdirSync("/proc")
    .filter((name) => /^\d+$/.test(name))
    .filter((pid) => {
      try {
        const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
        const parentPid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
        return parentPid === parent && readFileSync(`/proc/${pid}/cmdline`, "utf8").includes("host-process-main");
      } catch {
        return false; // It ended while we looked.
      }
    })
    .map(Number);
}

/** Whether a process id is gone entirely: neither running nor a zombie waiting to be reaped. */
export function isGone(pid: number): boolean {
  try {
    readFileSync(`/proc/${pid}/stat`);
    return false;
  } catch {
    return true;
  }
}

/** Whether a process that is not our child has ended: gone, or a zombie its new parent (init) has not reaped. */
export function hasEnded(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    return stat.slice(stat.lastIndexOf(")") + 2).startsWith("Z");
  } catch {
    return true;
  }
}

/** Waits (up to 5 s) for a process to end, by default to end and be reaped; whether it did. */
export async function ended(pid: number, check: (pid: number) => boolean = isGone): Promise<boolean> {
  for (let waited = 0; waited < 5_000 && !check(pid); waited += 20) await new Promise((resolve) => setTimeout(resolve, 20));
  return check(pid);
}

/** Milliseconds since `since` (a `performance.now()` reading). */
export function msSince(since: number): number {
  return Math.round(performance.now() - since);
}

/** What a promise settled with: its value, or the error it was rejected with. */
export function settle<T>(promise: Promise<T>): Promise<{ ok: true; value: T } | { ok: false; error: { code?: unknown; customData?: unknown } }> {
  return promise.then(
    (value) => ({ ok: true as const, value }),
    (error: { code?: unknown; customData?: unknown }) => ({ ok: false as const, error }),
  );
}
