import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";

// `open-scws start --demo` as a newcomer runs it (through npm start): it makes the demo token and serves this
// package's built page at /demo; a start without --demo serves none.

// The package's main entry is dist/index.js, beside the built command.
const cli = join(dirname(createRequire(import.meta.url).resolve("@open-scws/server")), "cli.js");

interface Started {
  readonly child: ChildProcess;
  readonly url: string;
  readonly output: () => string;
}

/** Starts the CLI on a free port with a clean environment; resolves once its log says it listens. */
function start(args: string[], env: Record<string, string> = {}): Promise<Started> {
  const child = spawn(process.execPath, [cli, "start", ...args], { env: { PATH: process.env.PATH ?? "", SCWS_PORT: "0", ...env } });
  let output = "";
  return new Promise((resolve, reject) => {
    const read = (chunk: Buffer) => {
      output += chunk.toString();
      const url = /"url":"(http:\/\/[^"]+)"[^\n]*"msg":"open SCWS is listening"/.exec(output)?.[1];
      if (url) resolve({ child, url, output: () => output });
    };
    child.stdout.on("data", read);
    child.stderr.on("data", read);
    child.once("exit", (code) => reject(new Error(`open-scws exited with ${code} before listening:\n${output}`)));
  });
}

async function stop(started: Started): Promise<void> {
  const exited = new Promise((resolve) => started.child.once("exit", resolve));
  started.child.kill("SIGTERM");
  await exited;
}

describe("open-scws start and the demo page", () => {
  const dataDir = mkdtempSync(join(tmpdir(), "scws-demo-cli-"));
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it("serves the demo page at /demo with --demo, with its scripts from the same origin under a strict policy", async () => {
    const started = await start(["--demo", "--data-dir", dataDir]);
    try {
      expect(started.output()).toContain('Made the demo token "open-scws-demo"');
      const page = await fetch(`${started.url}/demo/`);
      expect(page.status).toBe(200);
      expect(page.headers.get("content-security-policy")).toMatch(/script-src 'self';/);
      expect(await page.text()).toContain('<script type="module" src="demo.js"></script>');
      for (const script of ["demo.js", "view.js", "self-signed.js", "open-scws.js"]) {
        expect((await fetch(`${started.url}/demo/${script}`)).headers.get("content-type"), script).toBe("text/javascript; charset=utf-8");
      }
    } finally {
      await stop(started);
    }
  });

  it("answers 404 at /demo without --demo, even on the same data", async () => {
    const started = await start(["--data-dir", dataDir], { SOFTHSM2_CONF: join(dataDir, "softhsm", "softhsm2.conf") });
    try {
      const answer = await fetch(`${started.url}/demo/`);
      expect(answer.status).toBe(404);
      expect(answer.headers.get("content-type")).toBe("application/problem+json");
    } finally {
      await stop(started);
    }
  });
});
