// `npm test`: installs what is missing, then runs spec lint, the generated-code check, type checks,
// and every package's unit and contract tests.
import { execFileSync } from "node:child_process";
import { ensureNodeModules, ensureSystemPackages, isGitCheckout, repoRoot, step, turbo } from "./setup.mjs";

ensureSystemPackages("test");
ensureNodeModules();

step("Regenerating from the spec");
turbo(["run", "generate", "--output-logs=errors-only"]);
if (isGitCheckout()) {
  const drift = execFileSync("git", ["status", "--porcelain", "--untracked-files=all", "--", ":(glob)**/generated/**"], { cwd: repoRoot, encoding: "utf8" });
  if (drift.trim() !== "") {
    console.error(`✗ Generated files differ from what the spec produces. Run \`npm run generate\` and commit:\n${drift}`);
    process.exit(1);
  }
  console.log("Generated files are in sync with the spec.");
} else {
  console.warn("Not a git checkout: the generated-code check is skipped.");
}

step("Spec lint, type checks, unit and contract tests");
turbo(["run", "lint", "typecheck", "test", "--concurrency=2"]);
console.log("\n✓ All checks passed.");
