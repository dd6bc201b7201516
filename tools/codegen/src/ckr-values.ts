// Generates the table of PKCS#11 return values (CKR_*) from the pkcs11t.h header that pkcs11js is built with.
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { errorsGeneratedDir } from "./lib/paths.js";
import { banner, writeGenerated } from "./lib/write-generated.js";

const GENERATOR = "tools/codegen/src/ckr-values.ts";

/** Reads every `#define CKR_NAME 0x...UL` from a PKCS#11 header, in header order. */
export function parseCkrDefines(header: string): Array<[string, number]> {
  const defines: Array<[string, number]> = [];
  for (const match of header.matchAll(/^#define\s+(CKR_[A-Z0-9_]+)\s+(0x[0-9A-Fa-f]+)UL?\s*$/gm)) {
    defines.push([match[1]!, Number.parseInt(match[2]!, 16)]);
  }
  return defines;
}

function headerPath(): string {
  const pkcs11jsRoot = dirname(createRequire(import.meta.url).resolve("pkcs11js/package.json"));
  return join(pkcs11jsRoot, "includes/pkcs11/pkcs11t.h");
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const defines = parseCkrDefines(readFileSync(headerPath(), "utf8"));
  if (defines.length < 90) throw new Error(`only ${defines.length} CKR_* values found in pkcs11t.h`);
  const rows = defines.map(([name, value]) => `  ${name}: 0x${value.toString(16).toUpperCase()},`).join("\n");
  const source = `${banner(GENERATOR)}// Source: pkcs11js/includes/pkcs11/pkcs11t.h (the PKCS#11 header pkcs11js is built with).

/** Every PKCS#11 return value (\`CK_RV\`) by name. */
export const ckrValues = {
${rows}
} as const;

/** The name of a PKCS#11 return value. */
export type CkrName = keyof typeof ckrValues;
`;
  writeGenerated(join(errorsGeneratedDir, "ckr-values.ts"), source);
}
