// Builds the pcscd LD_PRELOAD shim (native/pcscd-shim.c) with cc when it is missing or older than its source.
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, renameSync, rmSync, statSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const packageDir = join(dirname(fileURLToPath(import.meta.url)), "..");
const source = join(packageDir, "native", "pcscd-shim.c");

/** Where the shim is built. */
export const shimPath = join(packageDir, "build", "libscwspcscd.so");

function mtime(path: string): number {
  return existsSync(path) ? statSync(path).mtimeMs : -1;
}

/**
 * Builds the shim if needed and returns its path. Several test workers may race here: each compiles to
 * a private temp file renamed into place, so nobody preloads a half-written library.
 */
export function buildPcscdShim(): string {
  if (mtime(shimPath) >= mtime(source)) return shimPath;
  mkdirSync(dirname(shimPath), { recursive: true });
  const tmp = `${shimPath}.${process.pid}.tmp`;
  const cc = process.env.CC || "cc";
  const args = ["-std=gnu11", "-Wall", "-Wextra", "-Werror", "-O2", "-fPIC", "-shared", "-o", tmp, source, "-ldl"];
  const result = spawnSync(cc, args, { encoding: "utf8" });
  if (result.error && (result.error as NodeJS.ErrnoException).code === "ENOENT") {
    throw new Error(`C compiler "${cc}" not found: install gcc and libc6-dev (tools/entry/system-packages.json) to build the pcscd shim`);
  }
  if (result.error) throw result.error;
  if (result.status !== 0) {
    rmSync(tmp, { force: true });
    throw new Error(`compiling ${source} failed:\n${cc} ${args.join(" ")}\n${result.stderr}${result.stdout}`);
  }
  renameSync(tmp, shimPath);
  return shimPath;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  console.log(buildPcscdShim());
}
