// Shared by `npm start` and `npm test`: installs what is missing (Debian packages, node_modules), without dependencies of its own.
import { execFileSync, spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
const packages = JSON.parse(readFileSync(join(repoRoot, "tools/entry/system-packages.json"), "utf8"));

/** Prints a step the way both entry commands do. */
export function step(message) {
  console.log(`\x1b[1m▸ ${message}\x1b[0m`);
}

/** Runs a command with inherited output; exits with its status when it fails. */
export function run(command, args, options = {}) {
  const result = spawnSync(command, args, { stdio: "inherit", cwd: repoRoot, ...options, env: { ...process.env, ...options.env } });
  if (result.error) throw result.error;
  if (result.status !== 0) {
    console.error(`\n✗ ${command} ${args.join(" ")} failed (exit ${result.status ?? result.signal}).`);
    process.exit(result.status ?? 1);
  }
}

function isInstalled(name) {
  // biome-ignore lint/suspicious/noTemplateCurlyInString: dpkg-query format
  const result = spawnSync("dpkg-query", ["-W", "-f=${Status}", name], { encoding: "utf8" });
  return result.status === 0 && result.stdout.includes("install ok installed");
}

/** Installs the Debian packages for a purpose when missing: with apt as root, or by telling the user the command. */
export function ensureSystemPackages(purpose) {
  if (!existsSync("/usr/bin/dpkg-query")) {
    console.warn(`Not a Debian-based system: make sure these are installed: ${packages[purpose].join(" ")}`);
    return;
  }
  const missing = packages[purpose].filter((name) => !isInstalled(name));
  if (missing.length === 0) return;
  const command = `apt-get update && apt-get install -y --no-install-recommends ${missing.join(" ")}`;
  if (process.getuid?.() !== 0) {
    console.error(`These system packages are missing: ${missing.join(", ")}.\nInstall them, then run this again:\n\n  sudo sh -c '${command}'\n`);
    process.exit(1);
  }
  step(`Installing system packages: ${missing.join(", ")}`);
  run("sh", ["-c", command], { env: { DEBIAN_FRONTEND: "noninteractive" } });
}

function lockDigest() {
  return createHash("sha256")
    .update(readFileSync(join(repoRoot, "package-lock.json")))
    .digest("hex");
}

/** Runs `npm ci` when node_modules is missing or older than package-lock.json. */
export function ensureNodeModules() {
  const stamp = join(repoRoot, "node_modules/.open-scws-install");
  const digest = lockDigest();
  if (existsSync(stamp) && readFileSync(stamp, "utf8").trim() === digest) return;
  step("Installing npm dependencies (npm ci)");
  // Native addons (pkcs11js) build against the running Node's own headers; nothing is downloaded.
  const prefix = resolve(dirname(process.execPath), "..");
  const env = existsSync(join(prefix, "include/node/node.h")) ? { npm_config_nodedir: prefix } : {};
  run("npm", ["ci", "--no-audit", "--no-fund"], { env });
  writeFileSync(stamp, digest);
}

/** turbo with telemetry off. */
export function turbo(args) {
  run("npx", ["--no-install", "turbo", ...args], { env: { TURBO_TELEMETRY_DISABLED: "1", REDOCLY_TELEMETRY: "off", REDOCLY_SUPPRESS_UPDATE_NOTICE: "true" } });
}

/** Whether this checkout is a git work tree (the generated-code check needs git). */
export function isGitCheckout() {
  try {
    execFileSync("git", ["rev-parse", "--is-inside-work-tree"], { cwd: repoRoot, stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
}
