// Generates the table of PKCS#11 return values (CKR_*) from the pkcs11t.h header that pkcs11js is built with.
import { join } from "node:path";
import { parseDefines, readPkcs11Header } from "./lib/c-defines.js";
import { errorsGeneratedDir } from "./lib/paths.js";
import { banner, writeGenerated } from "./lib/write-generated.js";

const GENERATOR = "tools/codegen/src/ckr-values.ts";

const defines = parseDefines(readPkcs11Header(), "CKR_");
if (defines.length < 90) throw new Error(`only ${defines.length} CKR_* values found in pkcs11t.h`);
const rows = defines.map(([name, value]) => `  ${name}: 0x${value.toString(16).toUpperCase()},`).join("\n");
writeGenerated(
  join(errorsGeneratedDir, "ckr-values.ts"),
  `${banner(GENERATOR)}// Source: pkcs11js/includes/pkcs11/pkcs11t.h (the PKCS#11 header pkcs11js is built with).

/** Every PKCS#11 return value (\`CK_RV\`) by name. */
export const ckrValues = {
${rows}
} as const;

/** The name of a PKCS#11 return value. */
export type CkrName = keyof typeof ckrValues;
`,
);
