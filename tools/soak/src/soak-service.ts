// The service under soak: the built CLI (`open-scws start`) in a process of its own, as it runs in production,
// over SoftHSM tokens behind the fault-injecting module; and what can be read of it from /proc.
import { type ChildProcess, spawn } from "node:child_process";
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { buildFaultModule, FaultControl, faultEnv } from "@open-scws/pkcs11-faults";
import { pkcs11ToolAsUser, SoftHsmSandbox, type SoftHsmToken } from "@open-scws/softhsm";
import { freePort, type TestApplication, testApplication } from "@open-scws/test-support";
import { soakFetch } from "./soak-client.js";

/**
 * The labels of the soak's tokens; each holds an EC P-256 key pair labelled `ec`. A login belongs to the environment
 * that made it, so each client (an environment of its own) gets a token of its own: six clients, six tokens.
 */
export const SOAK_LABELS = ["soak-a", "soak-b", "soak-c", "soak-d", "soak-e", "soak-f"] as const;

/** A running service process and its surroundings. */
export interface SoakService {
  readonly url: string;
  readonly pid: number;
  /** The application the soak's clients run as: registered in the configuration, its signing key held here. */
  readonly application: TestApplication;
  readonly tokens: Readonly<Record<string, SoftHsmToken>>;
  readonly control: FaultControl;
  /** Memory and descriptors of the service process, PKCS#11 sessions of its live host processes. */
  sample(): ProcessSample;
  stop(): Promise<number | null>;
}

/** One look at the service process. */
export interface ProcessSample {
  readonly rssKb: number;
  readonly fds: number;
  /** Host processes (children of the service), with their RSS. */
  readonly hosts: ReadonlyArray<{ pid: number; rssKb: number }>;
  /** Sessions open at the token, summed over live host processes (from the fault module's SCWS_FAULT_STATS). */
  readonly sessions: number;
}

/** The service's command line, beside the package's entry in its dist folder. */
const cli = fileURLToPath(new URL("./cli.js", import.meta.resolve("@open-scws/server")));

/** The resident memory of a process, or 0 when it has just ended (a crashed host process). */
function rssKb(pid: number): number {
  try {
    return Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, "utf8"))?.[1] ?? 0);
  } catch {
    return 0;
  }
}

function childrenOf(pid: number): number[] {
  const children: number[] = [];
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      // The parent pid is the 2nd field after the command, which may hold spaces: read after the last ")".
      const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
      const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      if (Number(fields[1]) === pid) children.push(Number(entry));
    } catch {
      // The process ended while we looked.
    }
  }
  return children;
}

/** Provisions the tokens, writes the configuration, starts the service and waits until it is ready. */
export async function startSoakService(dir: string): Promise<SoakService> {
  const sandbox = SoftHsmSandbox.temporary();
  const tokens: Record<string, SoftHsmToken> = {};
  for (const label of SOAK_LABELS) {
    const token = sandbox.initToken(label);
    tokens[label] = token;
    pkcs11ToolAsUser(sandbox, token, ["--keypairgen", "--key-type", "EC:prime256v1", "--id", "01", "--label", "ec"]);
  }
  mkdirSync(dir, { recursive: true });
  const stats = join(dir, "sessions");
  mkdirSync(stats, { recursive: true });
  const control = new FaultControl(join(dir, "fault-control"));
  const port = await freePort();
  const application = testApplication("soak");
  const config = join(dir, "soak-config.json");
  writeFileSync(
    config,
    JSON.stringify({
      listen: { host: "127.0.0.1", port },
      logLevel: "warn",
      dataDir: join(dir, "data"),
      // Wrong PINs are part of the traffic, each followed by the right one; allow more than a card would all the same.
      pinPolicy: { maxTries: 20, soMaxTries: 20 },
      modules: [{ id: "faulty", library: buildFaultModule() }],
      applications: [application.config],
    }),
  );
  const child: ChildProcess = spawn(process.execPath, [cli, "start", "--config", config], {
    env: { ...process.env, SOFTHSM2_CONF: sandbox.confPath, ...faultEnv(control.path), SCWS_FAULT_STATS: stats },
    stdio: ["ignore", "ignore", "inherit"],
  });
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  const url = `http://127.0.0.1:${port}`;
  for (let waited = 0; ; waited += 100) {
    if (child.exitCode !== null) throw new Error(`the service exited with ${child.exitCode} while starting`);
    if (waited > 30_000) throw new Error("the service was not ready within 30 s");
    const ready = await soakFetch(url, "/health/ready").then(
      (response) => response.ok,
      () => false,
    );
    if (ready) break;
    await new Promise((wake) => setTimeout(wake, 100));
  }
  const pid = child.pid!;
  return {
    url,
    pid,
    application,
    tokens,
    control,
    sample() {
      const hosts = childrenOf(pid)
        .map((host) => ({ pid: host, rssKb: rssKb(host) }))
        .filter((host) => host.rssKb > 0);
      const sessions = hosts.reduce((sum, host) => {
        try {
          return sum + Number(readFileSync(join(stats, `${host.pid}.sessions`), "utf8"));
        } catch {
          return sum; // a spare process has not loaded the module yet
        }
      }, 0);
      return { rssKb: rssKb(pid), fds: readdirSync(`/proc/${pid}/fd`).length, hosts, sessions };
    },
    async stop() {
      child.kill("SIGTERM");
      const code = await exited;
      sandbox.remove();
      return code;
    },
  };
}
