// `npm start` as the README says, with its output redirected to a file, as a person who runs it in the background
// does: the URLs it prints are read from that file, the README's curl flow runs against them to openssl's
// "Verified OK", and a second Ctrl-C while the service drains a request in flight stops it at once (tools/entry/
// start.mjs forwards each distinct Ctrl-C to the service, which exits 1 on the second). Only the port (SCWS_PORT, a
// free one) and the data folder (SCWS_DATA_DIR, a temporary one) differ from a person's run.
import { type ChildProcess, execFile, spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, watch, writeFileSync } from "node:fs";
import { connect, type Socket } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { documentedBlocks, freePort } from "@open-scws/test-support";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const repoRoot = fileURLToPath(new URL("../../../../", import.meta.url));
const run = promisify(execFile);
const readmeFlow = documentedBlocks(repoRoot).find((block) => block.file === "README.md" && block.marker === "run" && block.code.includes("# Verified OK"));

/** Resolves with the first match of `pattern` in the file, re-reading it each time it changes. */
function waitForInFile(path: string, pattern: RegExp): Promise<RegExpExecArray> {
  return new Promise((resolve) => {
    const watcher = watch(path);
    const check = () => {
      const found = pattern.exec(readFileSync(path, "utf8"));
      if (!found) return;
      watcher.close();
      resolve(found);
    };
    watcher.on("change", check);
    check();
  });
}

interface NpmStart {
  readonly npm: ChildProcess;
  readonly exited: Promise<number | null>;
  /** The service's URL, as the file names it. */
  readonly url: string;
}

/** `npm start > $LOG 2>&1` in the clone, on a free port and the data folder `home/data`; resolves once the file names the demo page. */
async function npmStart(home: string, logFile: string): Promise<NpmStart> {
  const env: NodeJS.ProcessEnv = { ...process.env, SCWS_PORT: String(await freePort()), SCWS_DATA_DIR: join(home, "data"), LOG: logFile };
  delete env.SOFTHSM2_CONF; // the demo token brings its own SoftHSM configuration, as on a person's machine
  writeFileSync(logFile, ""); // there to watch from the start; the shell's redirection empties it again
  // A process group of its own, as a terminal's foreground job: Ctrl-C reaches every process in it.
  const npm = spawn("bash", ["-c", 'exec npm start > "$LOG" 2>&1'], { cwd: repoRoot, env, detached: true, stdio: "ignore" });
  const exited = new Promise<number | null>((resolve) => npm.once("exit", (code) => resolve(code)));
  const url = (await waitForInFile(logFile, /Try it in your browser: (http:\/\/127\.0\.0\.1:\d+)\/demo\//))[1]!;
  return { npm, exited, url };
}

describe("npm start with its output redirected to a file, then the README's curl flow", () => {
  let home: string;
  let logFile: string;
  let npm: ChildProcess;
  let exited: Promise<number | null>;
  let serviceUrl: string;
  beforeAll(async () => {
    home = mkdtempSync(join(tmpdir(), "open-scws-npm-start-"));
    mkdirSync(join(home, "data"));
    logFile = join(home, "start.log");
    ({ npm, exited, url: serviceUrl } = await npmStart(home, logFile));
  }, 180_000);
  afterAll(async () => {
    if (npm?.exitCode === null && npm.pid) process.kill(-npm.pid, "SIGTERM");
    await exited;
    rmSync(home, { recursive: true, force: true });
  });

  it("names the demo page, the documentation and the API in the file", () => {
    const text = readFileSync(logFile, "utf8");
    expect(text).toContain(`${serviceUrl}/docs/`);
    expect(text).toContain(`${serviceUrl}/v1/service`);
  });

  it("runs the README's curl flow against the URL from the file, to a signature openssl verifies", async () => {
    expect(readmeFlow).toBeDefined();
    const script = readmeFlow!.code.replaceAll("http://127.0.0.1:8930", serviceUrl);
    // From "the clone's folder": here the folder whose data/ the service uses, with data/demo-token.json in it.
    const { stdout } = await run("bash", ["-e", "-o", "pipefail", "-c", script], {
      cwd: home,
      env: { PATH: process.env.PATH ?? "", HOME: home },
      timeout: 60_000,
    });
    expect(stdout).toContain("Verified OK");
  }, 90_000);

  it("stops at once, with exit code 1, on a second Ctrl-C while it drains a request in flight", async () => {
    const port = Number(new URL(serviceUrl).port);
    // A request whose headers never end: in flight, so the first Ctrl-C drains (up to the headers timeout).
    const slow = await new Promise<Socket>((resolve) => {
      const socket = connect(port, "127.0.0.1", () => {
        socket.write(`GET /v1/service HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\n`);
        resolve(socket);
      });
      socket.on("error", () => {});
    });
    const firstAt = performance.now();
    process.kill(-npm.pid!, "SIGINT"); // Ctrl-C: npm, start.mjs and bash all get it
    await waitForInFile(logFile, /stopping: no new connections, draining requests in flight/);
    expect(npm.exitCode).toBeNull();
    // start.mjs takes signals within 500 ms of each other for one Ctrl-C (npm forwards the terminal's again):
    // a second Ctrl-C is a distinct keypress after that.
    const distinctAfter = 600 - (performance.now() - firstAt);
    if (distinctAfter > 0) await new Promise((wake) => setTimeout(wake, distinctAfter));
    process.kill(-npm.pid!, "SIGINT");
    expect(await exited).toBe(1);
    expect(readFileSync(logFile, "utf8")).not.toContain("open SCWS stopped");
    slow.destroy();
  }, 60_000);

  it("stops on one Ctrl-C, which reaches start.mjs twice (the terminal's and npm's), with the service's stopped line and exit 0", async () => {
    // Started again over the same data folder, as a person starts it a second time.
    ({ npm, exited, url: serviceUrl } = await npmStart(home, logFile));
    process.kill(-npm.pid!, "SIGINT");
    expect(await exited).toBe(0);
    expect(readFileSync(logFile, "utf8")).toContain("open SCWS stopped");
  }, 120_000);
});
