// The code blocks of every README.md in the repository (the root's, the packages', the tools') and the portal's guides,
// with the marker before each that says how the test suite runs it, or why it does not:
// - `<!-- doc-test: run -->` on a shell block: run by bash against a started service on the demo token; only the
//   service's address changes (the documents say 127.0.0.1:8930) and, for blocks that name a scratch folder `/tmp/t/`,
//   that folder (a fresh one). The root README's and the guides' blocks run in a fresh folder inside the clone, as a
//   reader's; a package's or tool's README speaks from the repository root, and its blocks run there.
// - `<!-- doc-test: js node -->`: a back end's ES module, saved as a file in a fresh folder inside the clone (so that
//   `@open-scws/client` resolves as it would in a project that installed it) next to `intranet-scws.pem`, the private
//   key `register-app --id intranet --private-key-out intranet-scws.pem` would write, whose public key the test
//   service registers; the test then calls what the module exports as its text says.
// - `<!-- doc-test: js page -->`: a page's ES module, run as `<script type="module">` in Chromium on a page of an
//   origin registered for `intranet`, with an import map that resolves `@open-scws/client` to the browser bundle and
//   whose `SCWS` finds the test service at its address (the one change, as for shell blocks); the page's back end
//   answers `POST /scws/signature` with the applications guide's own handler (a `js node` block).
// - `<!-- doc-test: module -->` on a JavaScript or TypeScript block: a whole ES module, saved as a file in a fresh
//   folder inside the clone and run as a reader would (`node file.mjs`, `npx tsx file.mts`); it passes when it exits 0.
// - `<!-- doc-test: example NAME -->` on a JavaScript or TypeScript block: a fragment that uses names the text around
//   it defines (`signOnTheBackEnd`, `prompt`, `challenge`...), run by its package's `src/readme.contract.test.ts`,
//   which names it, binds those names and checks what the fragment logs.
// - `<!-- doc-test: skip (reason) -->`: not run, and the reason says why.
import { readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";

/** A fenced code block in a document. */
export interface DocBlock {
  /** The file, relative to the repository. */
  readonly file: string;
  /** The line of the opening fence (from 1). */
  readonly line: number;
  readonly language: string;
  /** "run", "js node", "js page", "module", "example NAME", "skip (reason)", or undefined when the block has no marker. */
  readonly marker: string | undefined;
  readonly code: string;
}

/** Languages a reader would paste into a shell or a JavaScript file: each block in one needs a marker. */
export const RUNNABLE_LANGUAGES = new Set(["sh", "bash", "shell", "console", "js", "javascript", "mjs", "ts", "typescript"]);
const SHELL = new Set(["sh", "bash", "shell", "console"]);

const MARKER = /^<!--\s*doc-test:\s*(.+?)\s*-->$/;
const SKIP = /^skip \((.+)\)$/;
const EXAMPLE = /^example ([\w-]+)$/;

/** The fenced blocks of one Markdown text. */
export function blocksOf(file: string, text: string): DocBlock[] {
  const lines = text.split("\n");
  const blocks: DocBlock[] = [];
  for (let index = 0; index < lines.length; index++) {
    const open = /^```(\S*)\s*$/.exec(lines[index]!);
    if (!open) continue;
    const end = lines.findIndex((line, at) => at > index && line.startsWith("```"));
    if (end === -1) break;
    let before = index - 1;
    while (before >= 0 && lines[before]!.trim() === "") before--;
    const marker = before >= 0 ? MARKER.exec(lines[before]!.trim())?.[1] : undefined;
    blocks.push({ file, line: index + 1, language: open[1] ?? "", marker, code: `${lines.slice(index + 1, end).join("\n")}\n` });
    index = end;
  }
  return blocks;
}

/** Why a runnable block's marker is wrong for its language, or undefined when it is right (or the block is not runnable). */
export function markerProblem(block: DocBlock): string | undefined {
  if (!RUNNABLE_LANGUAGES.has(block.language)) return undefined;
  if (SKIP.test(block.marker ?? "")) return undefined;
  if (!SHELL.has(block.language) && EXAMPLE.test(block.marker ?? "")) return undefined;
  const allowed = SHELL.has(block.language) ? ["run"] : ["js node", "js page", "module", "example NAME"];
  return allowed.includes(block.marker ?? "") ? undefined : `${block.file}:${block.line} needs ${[...allowed, "skip (reason)"].join(" or ")}`;
}

/** The name of an `example NAME` block, or undefined for any other. */
export function exampleName(block: DocBlock): string | undefined {
  return EXAMPLE.exec(block.marker ?? "")?.[1];
}

/** Whether a block speaks from the repository root (a package's or tool's README) rather than from a reader's folder. */
export function runsFromRepositoryRoot(block: DocBlock): boolean {
  return block.file !== "README.md" && !block.file.startsWith("apps/docs/guides/");
}

/** The reason a skipped block gives, or undefined when it runs. */
export function skipReason(block: DocBlock): string | undefined {
  return SKIP.exec(block.marker ?? "")?.[1];
}

/** Folders that hold no documentation of this repository: installed packages, build output, hidden folders. */
const NOT_DOCUMENTATION = new Set(["node_modules", "dist", "build", "coverage", "results"]);

/** Every README.md below `folder`, outside NOT_DOCUMENTATION and hidden folders, in a stable order. */
function readmesBelow(folder: string): string[] {
  return readdirSync(folder, { withFileTypes: true })
    .sort((a, b) => a.name.localeCompare(b.name))
    .flatMap((entry) => {
      if (entry.isDirectory()) return entry.name.startsWith(".") || NOT_DOCUMENTATION.has(entry.name) ? [] : readmesBelow(join(folder, entry.name));
      return entry.isFile() && entry.name === "README.md" ? [join(folder, entry.name)] : [];
    });
}

/** Every README.md of the repository and every guide of the portal. */
export function documentedBlocks(repoRoot: string): DocBlock[] {
  const guides = join(repoRoot, "apps/docs/guides");
  const files = [
    ...readmesBelow(repoRoot),
    ...readdirSync(guides)
      .filter((name) => name.endsWith(".md"))
      .map((name) => join(guides, name)),
  ];
  return files.flatMap((path) => blocksOf(relative(repoRoot, path), readFileSync(path, "utf8")));
}
