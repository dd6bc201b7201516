// The code blocks of the README and the portal's guides, with the marker before each that says whether the test
// suite runs it (`<!-- doc-test: run -->`) or why not (`<!-- doc-test: skip (reason) -->`).
import { readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";

/** A fenced code block in a document. */
export interface DocBlock {
  /** The file, relative to the repository. */
  readonly file: string;
  /** The line of the opening fence (from 1). */
  readonly line: number;
  readonly language: string;
  /** "run", "skip (reason)", or undefined when the block has no marker. */
  readonly marker: string | undefined;
  readonly code: string;
}

/** Languages a reader would paste into a shell or a JavaScript file: each block in one needs a marker. */
export const RUNNABLE_LANGUAGES = new Set(["sh", "bash", "shell", "console", "js", "javascript", "mjs", "ts", "typescript"]);

const MARKER = /^<!--\s*doc-test:\s*(.+?)\s*-->$/;

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

/** The README and every guide of the portal. */
export function documentedBlocks(repoRoot: string): DocBlock[] {
  const guides = join(repoRoot, "apps/docs/guides");
  const files = [
    join(repoRoot, "README.md"),
    ...readdirSync(guides)
      .filter((name) => name.endsWith(".md"))
      .map((name) => join(guides, name)),
  ];
  return files.flatMap((path) => blocksOf(relative(repoRoot, path), readFileSync(path, "utf8")));
}
