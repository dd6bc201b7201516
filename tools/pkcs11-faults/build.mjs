#!/usr/bin/env node
// Compiles the fault-injecting PKCS#11 module (src/*.c) into build/libscwsfault.so when it is
// missing or older than a source, a header or this script. Prints the path of the module.
import { spawnSync } from "node:child_process";
import { mkdirSync, readdirSync, renameSync, rmSync, statSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const srcDir = join(here, "src");
const outDir = join(here, "build");
export const modulePath = join(outDir, "libscwsfault.so");

// Flags the brief asks for, plus -fvisibility=hidden so that only C_GetFunctionList is exported
// (our wrappers are static anyway; this also hides the helpers shared between the C files).
const cflags = ["-std=gnu11", "-Wall", "-Wextra", "-Werror", "-O2", "-fPIC", "-shared", "-pthread", "-fvisibility=hidden"];

/** Directory of pkcs11.h / pkcs11t.h / pkcs11f.h shipped with pkcs11js. */
export function pkcs11IncludeDir() {
  const require = createRequire(import.meta.url);
  let pkg;
  try {
    pkg = require.resolve("pkcs11js/package.json");
  } catch {
    throw new Error("pkcs11js is not installed: its PKCS#11 headers are needed to build libscwsfault.so (run npm install at the repository root)");
  }
  return join(dirname(pkg), "includes", "pkcs11");
}

function mtime(path) {
  try {
    return statSync(path).mtimeMs;
  } catch {
    return -1;
  }
}

/**
 * Builds the module if needed and returns its absolute path. Synchronous, so tests can call it at
 * module load. Several vitest workers may call it at once: the compiler writes a private temp file
 * that is renamed into place, so nobody ever dlopen()s a half-written library.
 */
export function build({ force = false, quiet = true } = {}) {
  const include = pkcs11IncludeDir();
  const sources = readdirSync(srcDir)
    .filter((f) => f.endsWith(".c"))
    .sort()
    .map((f) => join(srcDir, f));
  const inputs = [
    ...readdirSync(srcDir)
      .filter((f) => f.endsWith(".c") || f.endsWith(".h"))
      .map((f) => join(srcDir, f)),
    ...["pkcs11.h", "pkcs11t.h", "pkcs11f.h"].map((f) => join(include, f)),
    fileURLToPath(import.meta.url),
  ];
  const built = mtime(modulePath);
  if (!force && built >= 0 && inputs.every((f) => mtime(f) <= built)) return modulePath;

  mkdirSync(outDir, { recursive: true });
  const tmp = `${modulePath}.${process.pid}.tmp`;
  const args = [...cflags, `-I${include}`, "-o", tmp, ...sources, "-ldl"];
  const cc = process.env.CC || "cc";
  const result = spawnSync(cc, args, { encoding: "utf8" });
  if (result.error && result.error.code === "ENOENT") {
    throw new Error(`C compiler "${cc}" not found: install gcc (apt-get install build-essential) or set CC to build libscwsfault.so`);
  }
  if (result.error) throw result.error;
  if (result.status !== 0) {
    rmSync(tmp, { force: true });
    throw new Error(`compiling libscwsfault.so failed:\n${cc} ${args.join(" ")}\n${result.stderr}${result.stdout}`);
  }
  if (!quiet && result.stderr) process.stderr.write(result.stderr);
  renameSync(tmp, modulePath);
  return modulePath;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  try {
    console.log(build({ force: process.argv.includes("--force"), quiet: false }));
  } catch (err) {
    console.error(`pkcs11-faults: ${err.message}`);
    process.exit(1);
  }
}
