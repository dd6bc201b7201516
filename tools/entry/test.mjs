// `npm test`: installs what is missing, then runs spec lint, the generated-code check, type checks,
// and every package's unit and contract tests.
import { generatedDrift } from "./generated-drift.mjs";
import { ensureNodeModules, ensureSystemPackages, repoRoot, step, turbo } from "./setup.mjs";

ensureSystemPackages("test");
ensureNodeModules();

step("Regenerating from the spec");
const drift = generatedDrift(repoRoot, () => turbo(["run", "generate", "--output-logs=errors-only"]));
if (drift.length > 0) {
  console.error(`✗ Generated files differed from what the spec produces; \`npm run generate\` has now rewritten them, commit them:\n  ${drift.join("\n  ")}`);
  process.exit(1);
}
console.log("Generated files are in sync with the spec.");

step("Spec lint, type checks, unit and contract tests");
turbo(["run", "lint", "typecheck", "test", "--concurrency=2"]);
console.log("\n✓ All checks passed.");
