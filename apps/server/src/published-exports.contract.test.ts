// The package as users get it: `npm pack`, installed with its production dependencies alone (from npm's cache
// where it can, else the registry: `npm ci` caches tarballs but not the registry's version lists that an install by
// version range needs, so `--offline` fails on a fresh machine; and the packed workspace packages it depends on), then each export in its package.json imported and the
// command line run. A dev-only import in dist (as `./testing` had: undici, @open-scws/pkcs11-faults) fails here.
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

interface PackageJson {
  readonly name: string;
  readonly dependencies?: Record<string, string>;
  readonly exports: Record<string, unknown>;
  readonly bin?: Record<string, string>;
}

const packageDir = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const repoRoot = resolve(packageDir, "../..");
const readJson = (path: string) => JSON.parse(readFileSync(path, "utf8")) as PackageJson;
const server = readJson(join(packageDir, "package.json"));

/** The workspace folders of the @open-scws packages a package needs at run time, itself included. */
function runtimeWorkspaces(): Map<string, string> {
  const root = readJson(join(repoRoot, "package.json")) as PackageJson & { workspaces: string[] };
  const folders = new Map<string, string>();
  for (const pattern of root.workspaces) {
    const parent = pattern.endsWith("/*") ? pattern.slice(0, -2) : undefined;
    const candidates = parent
      ? execFileSync("ls", [join(repoRoot, parent)], { encoding: "utf8" })
          .split("\n")
          .filter(Boolean)
          .map((name) => join(repoRoot, parent, name))
      : [join(repoRoot, pattern)];
    for (const folder of candidates) {
      try {
        folders.set(readJson(join(folder, "package.json")).name, folder);
      } catch {
        // a folder without package.json is no workspace
      }
    }
  }
  const needed = new Map<string, string>();
  const visit = (name: string) => {
    const folder = folders.get(name);
    if (!folder || needed.has(name)) return;
    needed.set(name, folder);
    for (const dependency of Object.keys(readJson(join(folder, "package.json")).dependencies ?? {})) visit(dependency);
  };
  visit(server.name);
  return needed;
}

describe("@open-scws/server packed and installed with its production dependencies alone", () => {
  let dir: string;
  const run = (command: string, args: string[], cwd = dir) => execFileSync(command, args, { cwd, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), "scws-packed-"));
    const tarballs: Record<string, string> = {};
    for (const [name, folder] of runtimeWorkspaces()) {
      const packed = JSON.parse(run("npm", ["pack", "--json", "--pack-destination", dir], folder)) as Array<{ filename: string }>;
      tarballs[name] = `file:./${packed[0]!.filename}`;
    }
    // pkcs11js is a native addon: its install script builds it (npm 11 runs only approved scripts).
    writeFileSync(
      join(dir, "package.json"),
      JSON.stringify({ name: "packed-install-check", private: true, type: "module", dependencies: tarballs, allowScripts: { pkcs11js: true } }),
    );
    run("npm", ["install", "--omit=dev", "--prefer-offline", "--no-audit", "--no-fund", "--no-package-lock"]);
  }, 300_000);
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("ships dist alone, beside its command's entry: no sources, no tests, no test support", () => {
    const listed = run("npm", ["pack", "--dry-run", "--json"], packageDir);
    const files = (JSON.parse(listed) as Array<{ files: Array<{ path: string }> }>)[0]!.files.map((file) => file.path);
    // npm always packs the files package.json names as "bin"; ours runs dist/cli.js.
    const besideDist = new Set(["package.json", "README.md", ...Object.values(server.bin ?? {}).map((path) => path.replace(/^\.\//, ""))]);
    expect(besideDist.size).toBe(3);
    expect(files.filter((path) => !path.startsWith("dist/") && !besideDist.has(path))).toEqual([]);
    expect(files.filter((path) => /test|fuzz|soak/.test(path))).toEqual([]);
  });

  it("loads every export of its package.json", () => {
    expect(Object.keys(server.exports)).toEqual(["."]);
    for (const subpath of Object.keys(server.exports)) {
      const specifier = subpath === "." ? server.name : `${server.name}/${subpath.slice(2)}`;
      const keys = run("node", ["--input-type=module", "-e", `console.log(Object.keys(await import(${JSON.stringify(specifier)})).sort().join(","))`]);
      expect(keys.trim().split(","), specifier).toEqual(expect.arrayContaining(["configFromEnvironment", "loadConfig", "startService"]));
    }
  });

  it("runs its command line", () => {
    const [command, path] = Object.entries(server.bin ?? {})[0]!;
    expect(run("node", [join(dir, "node_modules", server.name, path), "help"])).toContain(command);
  });
});
