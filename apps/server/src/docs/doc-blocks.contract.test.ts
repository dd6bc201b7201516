// Every shell block of the READMEs and the guides that a reader would paste runs here, as pasted, against a real
// service on loopback over a SoftHSM token labelled as the demo token; only the service's address is changed (the
// documents say 127.0.0.1:8930, the test uses a free port), and the scratch folder `/tmp/t/` some name (a fresh one).
// Whole modules (`module`) run here too, as a reader saves and runs them; a TypeScript one must also compile.
// A runnable block without a marker fails the test, so a new example cannot go untested without a stated reason.
import { execFile } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import {
  blocksOf,
  type DocBlock,
  documentedBlocks,
  exampleName,
  markerProblem,
  runsFromRepositoryRoot,
  skipReason,
  startTestService,
  type TestService,
} from "@open-scws/test-support";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const repoRoot = fileURLToPath(new URL("../../../../", import.meta.url));
const run = promisify(execFile);
const blocks = documentedBlocks(repoRoot);
const shellToRun = blocks.filter((block) => block.marker === "run" && ["sh", "bash", "shell"].includes(block.language));
const modulesToRun = blocks.filter((block) => block.marker === "module");
const examples = blocks.filter((block) => exampleName(block) !== undefined);
const bin = (name: string) => join(repoRoot, "node_modules/.bin", name);

/** The block with the scratch folder the documents name (`/tmp/t/`) moved to `scratch`. */
function withScratch(block: DocBlock, scratch: string): string {
  return block.code.replaceAll("/tmp/t/", `${scratch}/`);
}

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
    expect(markerProblem(blocksOf("x.md", "<!-- doc-test: run -->\n```js\nlet a;\n```\n")[0]!)).toBe(
      "x.md:2 needs js node or js page or module or example NAME or skip (reason)",
    );
    expect(markerProblem(blocksOf("x.md", "```ts\nlet a;\n```\n")[0]!)).toBeDefined();
  });

  it("reads every README of the repository, the packages' and the tools' included", () => {
    const files = new Set(blocks.map((block) => block.file));
    for (const file of ["README.md", "packages/client/README.md", "packages/errors/README.md", "tools/pkcs11-faults/README.md"]) expect(files).toContain(file);
    expect([...files].filter((file) => file.includes("node_modules") || file.includes("/dist/"))).toEqual([]);
  });

  it("has each example fragment run by its package's README test, which names it", () => {
    expect(examples.length).toBeGreaterThanOrEqual(3);
    for (const block of examples) {
      const test = join(repoRoot, dirname(block.file), "src/readme.contract.test.ts");
      expect(existsSync(test), `${block.file}:${block.line} has no ${test}`).toBe(true);
      expect(readFileSync(test, "utf8"), `${block.file}:${block.line}`).toContain(`"${exampleName(block)}"`);
    }
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
      // data/demo-token.json holds the demo token's PINs. Removed afterwards (and git-ignored). A package's README
      // speaks from the repository root, so its blocks run there (with this folder as HOME and scratch folder).
      home = mkdtempSync(join(repoRoot, ".doc-test-"));
      try {
        mkdirSync(join(home, "data"));
        const token = t.tokens["open-scws-demo"]!;
        writeFileSync(join(home, "data/demo-token.json"), JSON.stringify({ label: "open-scws-demo", pin: token.pin, soPin: token.soPin }), { mode: 0o600 });
        const script = withScratch(block, join(home, "scratch")).replaceAll("http://127.0.0.1:8930", t.service.url);
        const PATH = process.env.PATH ?? "";
        const cwd = runsFromRepositoryRoot(block) ? repoRoot : home;
        // -e and pipefail: a failing command fails the block, as a reader would notice it.
        const { stdout } = await run("bash", ["-e", "-o", "pipefail", "-c", script], { cwd, env: { PATH, HOME: home }, timeout: 60_000 });
        if (block.code.includes("# Verified OK")) expect(stdout).toContain("Verified OK");
        // curl answers end with a newline: nothing runs into the reader's prompt.
        expect(stdout.endsWith("\n")).toBe(true);
      } finally {
        rmSync(home, { recursive: true, force: true });
      }
    });
  });

  describe("whole modules, saved and run as a reader would", () => {
    it.each(modulesToRun.map((block) => [`${block.file}:${block.line}`, block] as const))(
      "runs %s",
      async (_where, block) => {
        // In a fresh folder inside the clone, so that the workspace's packages resolve as installed ones would.
        const folder = mkdtempSync(join(repoRoot, ".doc-test-"));
        try {
          mkdirSync(join(folder, "scratch"));
          const typescript = ["ts", "typescript"].includes(block.language);
          const file = join(folder, typescript ? "example.mts" : "example.mjs");
          writeFileSync(file, withScratch(block, join(folder, "scratch")));
          if (typescript) {
            // What a TypeScript reader expects first: it compiles, strictly, against the packages' published types.
            const options = ["--noEmit", "--strict", "--module", "nodenext", "--moduleResolution", "nodenext", "--target", "es2022", "--types", "node"];
            await run(bin("tsc"), [...options, file], { cwd: folder, timeout: 120_000 });
          }
          const [command, args] = typescript ? [bin("tsx"), [file]] : [process.execPath, [file]];
          const { stdout } = await run(command, args, { cwd: folder, timeout: 60_000 });
          console.info(`${block.file}:${block.line} printed: ${stdout.trim() || "nothing"}`);
        } finally {
          rmSync(folder, { recursive: true, force: true });
        }
      },
      150_000,
    ); // tsc takes seconds, and more on two shared cores
  });
});
