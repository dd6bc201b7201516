// Generates the names of PKCS#11 mechanisms (CKM_*) by value, from the pkcs11t.h header pkcs11js is built with.
import { join } from "node:path";
import { parseDefines, readPkcs11Header } from "./lib/c-defines.js";
import { serverGeneratedDir } from "./lib/paths.js";
import { banner, writeGenerated } from "./lib/write-generated.js";

const GENERATOR = "tools/codegen/src/mechanism-names.ts";

// Several names share a value (CKM_ECDSA_KEY_PAIR_GEN and CKM_EC_KEY_PAIR_GEN); the last one is the current name.
const byValue = new Map<number, string>();
for (const [name, value] of parseDefines(readPkcs11Header(), "CKM_")) {
  if (name !== "CKM_VENDOR_DEFINED") byValue.set(value, name);
}
if (byValue.size < 200) throw new Error(`only ${byValue.size} CKM_* values found in pkcs11t.h`);
const rows = [...byValue].sort(([a], [b]) => a - b).map(([value, name]) => `  [0x${value.toString(16)}, "${name}"],`);
writeGenerated(
  join(serverGeneratedDir, "mechanism-names.ts"),
  `${banner(GENERATOR)}// Source: pkcs11js/includes/pkcs11/pkcs11t.h (the PKCS#11 header pkcs11js is built with).

/** The name of every PKCS#11 mechanism the header defines, by value. */
export const mechanismNames: ReadonlyMap<number, string> = new Map([
${rows.join("\n")}
]);
`,
);
