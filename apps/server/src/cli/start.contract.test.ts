// `open-scws start` as a person runs it with its output sent to a file: it still says where to go (on standard
// error and in the log), `/` leads to the portal, and Ctrl-C (SIGINT) logs that the service stopped and exits 0.
import { spawn } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { SoftHsmSandbox, softHsmModule } from "@open-scws/softhsm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const cli = fileURLToPath(new URL("../../dist/cli.js", import.meta.url));

describe("open-scws start with its output redirected", () => {
  let sandbox: SoftHsmSandbox;
  beforeAll(() => {
    sandbox = SoftHsmSandbox.temporary();
    sandbox.initToken("start-output");
  });
  afterAll(() => sandbox.remove());

  it("prints the URLs on standard error and in the log, redirects / to the portal, and stops on SIGINT with exit 0", async () => {
    const config = join(sandbox.dir, "config.yaml");
    writeFileSync(config, `listen:\n  port: 0\nmodules:\n  - {id: softhsm, library: ${softHsmModule}}\n`);
    // Pipes, not a terminal: what a person gets with `npm start > scws.log`.
    const child = spawn(process.execPath, [cli, "start", "--config", config], { env: { PATH: process.env.PATH ?? "", SOFTHSM2_CONF: sandbox.confPath } });
    let stdout = "";
    let stderr = "";
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
      child.once("exit", (code, signal) => resolve({ code, signal })),
    );
    const logLines = () =>
      stdout
        .split("\n")
        .filter((line) => line.startsWith("{"))
        .map((line) => JSON.parse(line) as Record<string, unknown>);
    const ready = new Promise<void>((resolve) => {
      const check = () => {
        if (stderr.includes("API:") && logLines().some((line) => line.msg === "open SCWS is listening")) resolve();
      };
      child.stdout.on("data", (chunk: Buffer) => {
        stdout += chunk.toString();
        check();
      });
      child.stderr.on("data", (chunk: Buffer) => {
        stderr += chunk.toString();
        check();
      });
    });
    await Promise.race([ready, exited.then((end) => Promise.reject(new Error(`exited ${JSON.stringify(end)} before ready:\n${stdout}\n${stderr}`)))]);

    const listening = logLines().find((line) => line.msg === "open SCWS is listening") ?? {};
    const url = String(listening.url);
    expect(listening.docs).toBe(`${url}/docs/`);
    expect(stderr).toContain(`Documentation:          ${url}/docs/`);
    expect(stderr).toContain(`API:                    ${url}/v1/service`);
    expect(stderr).not.toContain("/demo/"); // not on the demo token

    const home = await fetch(`${url}/`, { redirect: "manual" });
    expect(home.status).toBe(302);
    expect(home.headers.get("location")).toBe("/docs/");

    child.kill("SIGINT");
    expect(await exited).toEqual({ code: 0, signal: null });
    expect(logLines().find((line) => line.msg === "open SCWS stopped")).toMatchObject({ reason: "SIGINT" });
  });
});
