// The generated-code check of `npm test` (tools/entry/generated-drift.mjs), on a throw-away tree whose "generator"
// turns spec.txt into generated/out.txt: it compares with the tree as it stood, not with git.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
// @ts-expect-error: a plain .mjs script of the repository's entry points, without type declarations
import { generatedDrift } from "../../entry/generated-drift.mjs";

const check = generatedDrift as (root: string, regenerate: () => void) => string[];

describe("the generated-code check", () => {
  let root: string;
  const spec = (text: string) => writeFileSync(join(root, "spec.txt"), text);
  const generate = () => writeFileSync(join(root, "pkg", "generated", "out.txt"), readFileSync(join(root, "spec.txt"), "utf8").toUpperCase());

  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), "scws-drift-"));
    mkdirSync(join(root, "pkg", "generated"), { recursive: true });
    mkdirSync(join(root, "node_modules", "dep", "generated"), { recursive: true });
    spec("first");
    generate();
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  it("passes a spec edited and regenerated but not committed", () => {
    spec("edited, not committed");
    generate();
    expect(check(root, generate)).toEqual([]);
  });

  it("fails a spec edited without regenerating, naming the file", () => {
    spec("edited, not regenerated");
    expect(check(root, generate)).toEqual([`changed ${join("pkg", "generated", "out.txt")}`]);
  });

  it("fails a hand edit of a generated file, and a generated file the generator no longer writes", () => {
    writeFileSync(join(root, "pkg", "generated", "out.txt"), "edited by hand");
    writeFileSync(join(root, "pkg", "generated", "stale.txt"), "left over");
    writeFileSync(join(root, "node_modules", "dep", "generated", "ignored.txt"), "not ours");
    const regenerateAndPrune = () => {
      generate();
      rmSync(join(root, "pkg", "generated", "stale.txt"));
    };
    expect(check(root, regenerateAndPrune)).toEqual([`changed ${join("pkg", "generated", "out.txt")}`, `removed ${join("pkg", "generated", "stale.txt")}`]);
  });

  it("fails a guide whose generated table was edited by hand (the migrating guide's members table)", () => {
    const guide = join(root, "apps", "docs", "guides", "migrating.md");
    mkdirSync(join(root, "apps", "docs", "guides"), { recursive: true });
    const writeTable = () => writeFileSync(guide, "| Member | Status |\n| --- | --- |\n");
    writeTable();
    expect(check(root, writeTable)).toEqual([]);
    writeFileSync(guide, "| Member   | Status |\n| -------- | ------ |\n");
    expect(check(root, writeTable)).toEqual([`changed ${join("apps", "docs", "guides", "migrating.md")}`]);
  });
});
