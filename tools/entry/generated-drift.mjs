// The generated-code check of `npm test`: the generated files as they stood before `npm run generate`, compared
// with what generating wrote. Uncommitted spec edits that were regenerated pass; generated files that do not match
// the spec (a spec edited without regenerating, a hand edit) fail. Git's index plays no part.
import { createHash } from "node:crypto";
import { readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";

const SKIPPED = new Set(["node_modules", ".git", ".turbo", "dist"]);

/** Files that generating writes outside a `generated` folder (a table inside a guide). */
const GENERATED_ELSEWHERE = ["apps/docs/guides/migrating.md"];

/** Hashes of every file inside a `generated` folder under `root` (and of GENERATED_ELSEWHERE), by path relative to `root`. */
export function snapshotGenerated(root) {
  const hashes = new Map();
  const walk = (dir, inGenerated) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      if (SKIPPED.has(entry.name)) continue;
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path, inGenerated || entry.name === "generated");
      else if (inGenerated && entry.isFile()) hashes.set(relative(root, path), createHash("sha256").update(readFileSync(path)).digest("hex"));
    }
  };
  walk(root, false);
  for (const path of GENERATED_ELSEWHERE) {
    try {
      hashes.set(path, createHash("sha256").update(readFileSync(join(root, path))).digest("hex"));
    } catch {
      // A fixture tree without the guide: nothing to compare.
    }
  }
  return hashes;
}

/** Runs `regenerate` and lists the generated files it changed, added or removed (empty when in sync). */
export function generatedDrift(root, regenerate) {
  const before = snapshotGenerated(root);
  regenerate();
  const after = snapshotGenerated(root);
  const changed = [];
  for (const [path, hash] of after) {
    if (!before.has(path)) changed.push(`added ${path}`);
    else if (before.get(path) !== hash) changed.push(`changed ${path}`);
  }
  for (const path of before.keys()) if (!after.has(path)) changed.push(`removed ${path}`);
  return changed.sort();
}
