// The browser bundles' size, gzipped, against the budget: one measurement for `npm run size`, the README's
// sentence and the test that holds both.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { gzipSync } from "node:zlib";

/** The most the facade's bundles may weigh, minified and gzipped. */
export const BUDGET_BYTES = 15 * 1024;

const packageDir = join(import.meta.dirname, "../..");
const BUNDLES = [
  { file: "dist/browser/open-scws.js", label: "the ES module (`@open-scws/client/browser`)" },
  { file: "dist/browser/open-scws.global.js", label: "the classic script (`@open-scws/client/browser/global`)" },
] as const;

/** One bundle's size: minified, and minified then gzipped at level 9. */
export interface BundleSize {
  readonly file: string;
  readonly label: string;
  readonly minifiedBytes: number;
  readonly gzippedBytes: number;
}

/** Measures the bundles the build wrote. */
export function measureBundles(): BundleSize[] {
  return BUNDLES.map(({ file, label }) => {
    const code = readFileSync(join(packageDir, file));
    return { file, label, minifiedBytes: code.length, gzippedBytes: gzipSync(code, { level: 9 }).length };
  });
}

const kib = (bytes: number) => `${(bytes / 1024).toFixed(1)} KiB`;

/** The README's sentence on the bundles' size, from a measurement. */
export function sizeSentence(sizes: readonly BundleSize[]): string {
  const each = sizes.map((size) => `${size.label} ${kib(size.gzippedBytes)}`);
  return `Minified and gzipped, ${each.join(", and ")}; \`npm test\` fails above ${kib(BUDGET_BYTES)}.`;
}

const README = join(packageDir, "README.md");
const BLOCK = /<!-- size:start -->\n([\s\S]*?)\n<!-- size:end -->/;

/** The sentence the README states now. */
export function readmeSentence(): string | undefined {
  return readFileSync(README, "utf8").match(BLOCK)?.[1];
}

/** The README with the sentence replaced. */
export function readmeWith(sentence: string): string {
  const readme = readFileSync(README, "utf8");
  if (!BLOCK.test(readme)) throw new Error("README.md has no <!-- size:start --> ... <!-- size:end --> block");
  return readme.replace(BLOCK, `<!-- size:start -->\n${sentence}\n<!-- size:end -->`);
}

/** The largest inputs of the ES module, from esbuild's metafile, in minified bytes. */
export function largestInputs(count: number): [string, number][] {
  const meta = JSON.parse(readFileSync(join(packageDir, "dist/browser/meta.json"), "utf8")) as {
    outputs: Record<string, { entryPoint?: string; inputs: Record<string, { bytesInOutput: number }> }>;
  };
  const output = Object.values(meta.outputs).find((entry) => entry.entryPoint);
  const inputs = Object.entries(output?.inputs ?? {}).map(([input, { bytesInOutput }]) => [input, bytesInOutput] as [string, number]);
  return inputs.sort((a, b) => b[1] - a[1]).slice(0, count);
}

export { kib };
