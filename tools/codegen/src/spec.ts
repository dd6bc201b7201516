// Bundles spec/openapi.yaml into spec/generated/openapi.json and generates its TypeScript types.
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import openapiTS, { astToString } from "openapi-typescript";
import { bundledSpecPath, specDir, specTypesPath } from "./lib/paths.js";
import { banner, writeGenerated } from "./lib/write-generated.js";

const GENERATOR = "tools/codegen/src/spec.ts";

function bundle(): Record<string, unknown> {
  const scratch = mkdtempSync(join(tmpdir(), "scws-bundle-"));
  try {
    const out = join(scratch, "openapi.json");
    execFileSync("npx", ["--no-install", "redocly", "bundle", "openapi.yaml", "--output", out], {
      cwd: specDir,
      stdio: ["ignore", "ignore", "inherit"],
      env: { ...process.env, REDOCLY_TELEMETRY: "off", REDOCLY_SUPPRESS_UPDATE_NOTICE: "true" },
    });
    return JSON.parse(readFileSync(out, "utf8")) as Record<string, unknown>;
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

const document = bundle();
const withNote = { "x-generated": `by ${GENERATOR} from spec/openapi.yaml; do not edit`, ...document };
writeGenerated(bundledSpecPath, `${JSON.stringify(withNote, null, 2)}\n`);

const ast = await openapiTS(new URL(`file://${bundledSpecPath}`), {
  exportType: false,
  alphabetize: false,
  immutable: false,
  rootTypes: false,
  // A property with a default may be omitted by the client; it is not required.
  defaultNonNullable: false,
});
writeGenerated(specTypesPath, banner(GENERATOR) + astToString(ast));
