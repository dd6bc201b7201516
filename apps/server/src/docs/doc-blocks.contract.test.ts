// Every shell block of the README and the guides that a reader would paste runs here, as pasted, against a real
// service on loopback over a SoftHSM token labelled as the demo token; only the service's address is changed (the
// documents say 127.0.0.1:8930, the test uses a free port). A runnable block without a marker fails the test, so a
// new example cannot go untested without a stated reason.
import { execFile } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { blocksOf, documentedBlocks, markerProblem, skipReason, startTestService, type TestService } from "@open-scws/test-support";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const repoRoot = fileURLToPath(new URL("../../../../", import.meta.url));
const run = promisify(execFile);
const blocks = documentedBlocks(repoRoot);
const shellToRun = blocks.filter((block) => block.marker === "run" && ["sh", "bash", "shell"].includes(block.language));

describe("the code blocks of the README and the guides", () => {
  it("finds the markers it relies on, and refuses a runnable block without one", () => {
    const found = blocksOf("x.md", "text\n\n<!-- doc-test: run -->\n```sh\necho hi\n```\n\n```js\nlet a;\n```\n");
    expect(found.map((block) => [block.language, block.marker])).toEqual([
      ["sh", "run"],
      ["js", undefined],
    ]);
  });

  it("marks every shell block run or skip, and every JavaScript block js node, js page or skip, with a reason", () => {
    expect(blocks.map(markerProblem).filter(Boolean)).toEqual([]);
    expect(shellToRun.length).toBeGreaterThanOrEqual(3);
    expect(markerProblem(blocksOf("x.md", "<!-- doc-test: run -->\n```js\nlet a;\n```\n")[0]!)).toBe("x.md:2 needs js node or js page or skip (reason)");
  });

  it("lists why the blocks it does not run are not run", () => {
    // The reasons are part of the documentation's promise: each one is a block a reader must run by hand.
    const skipped = blocks.filter((block) => skipReason(block) !== undefined).map((block) => `${block.file}:${block.line}: ${skipReason(block)}`);
    console.info(`Blocks not run:\n${skipped.join("\n")}`);
    const javascript = blocks.filter((block) => ["js", "javascript", "mjs"].includes(block.language) && skipReason(block) !== undefined);
    expect(javascript.map((block) => `${block.file}:${block.line}`)).toEqual([]);
  });

  describe("shell blocks, against a started service on the demo token", () => {
    let t: TestService;
    let home: string;
    beforeAll(async () => {
      // demoRegistration: the "demo" development application npm start registers for the service's own origins.
      t = await startTestService({ tokenLabels: ["open-scws-demo"], demoRegistration: true });
    });
    afterAll(async () => {
      await t?.close();
    });

    it.each(shellToRun.map((block) => [`${block.file}:${block.line}`, block] as const))("runs %s as pasted", async (_where, block) => {
      // A folder inside the clone, as the reader's: `npx open-scws` finds the clone's command, and
      // data/demo-token.json holds the demo token's PINs. Removed afterwards (and git-ignored).
      home = mkdtempSync(join(repoRoot, ".doc-test-"));
      try {
        mkdirSync(join(home, "data"));
        const token = t.tokens["open-scws-demo"]!;
        writeFileSync(join(home, "data/demo-token.json"), JSON.stringify({ label: "open-scws-demo", pin: token.pin, soPin: token.soPin }), { mode: 0o600 });
        const script = block.code.replaceAll("http://127.0.0.1:8930", t.service.url);
        const PATH = process.env.PATH ?? "";
        // -e and pipefail: a failing command fails the block, as a reader would notice it.
        const { stdout } = await run("bash", ["-e", "-o", "pipefail", "-c", script], { cwd: home, env: { PATH, HOME: home }, timeout: 60_000 });
        if (block.code.includes("# Verified OK")) expect(stdout).toContain("Verified OK");
        // curl answers end with a newline: nothing runs into the reader's prompt.
        expect(stdout.endsWith("\n")).toBe(true);
      } finally {
        rmSync(home, { recursive: true, force: true });
      }
    });
  });
});
