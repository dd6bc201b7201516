// Builds the demo page into dist/: its own files as they are (plain HTML, CSS and ES modules, no build step of
// their own) and the client's browser bundle beside them, so that the page loads every script from its origin.
import { copyFileSync, mkdirSync, readdirSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";

const require = createRequire(import.meta.url);
const dist = new URL("../dist/", import.meta.url).pathname;
const page = new URL("../src/page/", import.meta.url).pathname;
const bundle = require.resolve("@open-scws/client/browser");

rmSync(dist, { recursive: true, force: true });
mkdirSync(dist, { recursive: true });
for (const file of readdirSync(page)) copyFileSync(join(page, file), join(dist, file));
for (const file of ["open-scws.js", "open-scws.js.map"]) copyFileSync(join(dirname(bundle), file), join(dist, file));
