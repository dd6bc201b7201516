// `npm run size`: the browser bundles' size, minified and gzipped, and the largest inputs of the ES module.
// `npm run size -- --write` also updates the README's sentence, which `npm test` checks against the same measurement.
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { kib, largestInputs, measureBundles, readmeWith, sizeSentence } from "../src/testing/bundle-size.js";

const sentence = sizeSentence(measureBundles());
console.log(sentence);
console.log("\nLargest inputs of the ES module (minified):");
for (const [input, bytes] of largestInputs(12)) console.log(`  ${kib(bytes).padStart(10)}  ${input}`);
if (process.argv.includes("--write")) {
  writeFileSync(join(import.meta.dirname, "../README.md"), readmeWith(sentence));
  console.log("\nREADME.md updated.");
}
