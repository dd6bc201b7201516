// The configuration examples that the documentation shows must be accepted by the loader.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { loadConfig } from "./load-config.js";

const guides = fileURLToPath(new URL("../../../docs/guides/", import.meta.url));

function yamlBlocks(markdown: string): string[] {
  return [...markdown.matchAll(/```yaml\n([\s\S]*?)```/g)].map((match) => match[1]!);
}

describe("configuration examples in the guides", () => {
  it.each(["configuration.md", "applications.md"])("are accepted by the loader (%s)", (guide) => {
    const blocks = yamlBlocks(readFileSync(join(guides, guide), "utf8")).filter((block) => !block.includes("…"));
    const dir = mkdtempSync(join(tmpdir(), "scws-doc-config-"));
    try {
      for (const [index, block] of blocks.entries()) {
        const file = join(dir, `example-${index}.yaml`);
        writeFileSync(file, block);
        expect(() => loadConfig({ file, env: {} }), block).not.toThrow();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    if (guide === "configuration.md") expect(blocks.length).toBeGreaterThanOrEqual(1);
  });
});
