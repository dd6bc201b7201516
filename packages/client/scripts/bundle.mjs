// Builds the browser bundles with esbuild: an ES module, and a classic script that defines the `SCWS` global as
// scwsapi.js did. A Node-only import anywhere in their path fails the build.
import { builtinModules } from "node:module";
import { build } from "esbuild";

const nodeOnly = new RegExp(`^(node:.*|${builtinModules.map((name) => name.replace(/[/]/g, "\\/")).join("|")})$`);

/** Fails the build on any import of a Node built-in, naming the file that imports it. */
const browserOnly = {
  name: "browser-only",
  setup(builder) {
    builder.onResolve({ filter: nodeOnly }, (args) => ({
      errors: [{ text: `Node-only import "${args.path}" in the browser bundle, from ${args.importer}` }],
    }));
  },
};

const common = {
  bundle: true,
  minify: true,
  sourcemap: true,
  platform: "browser",
  target: ["es2022"],
  legalComments: "none",
  metafile: true,
  logLevel: "warning",
  plugins: [browserOnly],
};

const esm = await build({ ...common, entryPoints: ["src/index.ts"], format: "esm", outfile: "dist/browser/open-scws.js" });
// The classic script sets the globals SCWS and OpenScws itself (src/browser/classic-script.ts).
await build({ ...common, entryPoints: ["src/browser/classic-script.ts"], format: "iife", outfile: "dist/browser/open-scws.global.js" });
await import("node:fs").then(({ writeFileSync }) => writeFileSync("dist/browser/meta.json", JSON.stringify(esm.metafile)));
