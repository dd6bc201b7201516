// `npm run size`: the size of the browser bundles, minified and gzipped, and what weighs most in them.
// `npm run size -- --write` also updates the table in README.md.
import { readFileSync, writeFileSync } from "node:fs";
import { gzipSync } from "node:zlib";

const bundles = [
  ["`dist/browser/open-scws.js` (ES module)", "dist/browser/open-scws.js"],
  ["`dist/browser/open-scws.global.js` (classic script, `SCWS` global)", "dist/browser/open-scws.global.js"],
];
const kib = (bytes) => `${(bytes / 1024).toFixed(1)} KiB`;

const rows = bundles.map(([label, path]) => {
  const code = readFileSync(path);
  return `| ${label} | ${kib(code.length)} | ${kib(gzipSync(code, { level: 9 }).length)} |`;
});
const table = ["| bundle | minified | minified + gzip |", "|---|---|---|", ...rows].join("\n");
console.log(table);

const meta = JSON.parse(readFileSync("dist/browser/meta.json", "utf8"));
const output = Object.values(meta.outputs).find((entry) => entry.entryPoint);
const byPackage = new Map();
for (const [input, { bytesInOutput }] of Object.entries(output.inputs)) {
  const name = input.match(/node_modules\/((@[^/]+\/)?[^/]+)/)?.[1] ?? input.match(/^(\.\.\/\.\.\/)?([^/]+\/[^/]+)/)?.[2] ?? input;
  byPackage.set(name, (byPackage.get(name) ?? 0) + bytesInOutput);
}
console.log("\nLargest contributors to the ES module (minified bytes):");
for (const [name, bytes] of [...byPackage].sort((a, b) => b[1] - a[1]).slice(0, 8)) console.log(`  ${kib(bytes).padStart(10)}  ${name}`);

if (process.argv.includes("--write")) {
  const readme = readFileSync("README.md", "utf8");
  const updated = readme.replace(/<!-- size:start -->[\s\S]*<!-- size:end -->/, `<!-- size:start -->\n${table}\n<!-- size:end -->`);
  if (updated === readme && !readme.includes(table)) throw new Error("README.md has no <!-- size:start --> ... <!-- size:end --> block");
  writeFileSync("README.md", updated);
  console.log("\nREADME.md updated.");
}
