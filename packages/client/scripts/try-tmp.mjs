import { build } from "esbuild"; import { gzipSync } from "node:zlib";
const stubs = process.argv.slice(2);
const plugin = { name: "stub", setup(b) { b.onLoad({ filter: /.*/ }, (args) => { const hit = stubs.find((s) => args.path.endsWith(s)); if (!hit) return; return { contents: (process.env.STUB ?? "") , loader: "js" }; }); } };
for (const format of ["esm", "iife"]) {
const r = await build({ entryPoints: ["src/index.ts"], bundle: true, minify: true, platform: "browser", target: ["es2022"], legalComments: "none", write: false, format, globalName: format === "iife" ? "OpenScws" : undefined, plugins: [plugin], logLevel: "silent" }).catch(e => { console.log(e.message.slice(0,300)); process.exit(1); });
const code = r.outputFiles[0].contents; console.log(format, code.length, gzipSync(code, { level: 9 }).length); }
