// Reads `#define PREFIX_NAME 0x...UL` constants from the PKCS#11 header pkcs11js is built with.
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";

/** Every `#define <prefix>NAME 0x...` in a C header, in header order. */
export function parseDefines(header: string, prefix: string): Array<[string, number]> {
  const defines: Array<[string, number]> = [];
  const pattern = new RegExp(`^#define\\s+(${prefix}[A-Z0-9_]+)\\s+(0x[0-9A-Fa-f]+)UL?\\s*$`, "gm");
  for (const match of header.matchAll(pattern)) defines.push([match[1]!, Number.parseInt(match[2]!, 16)]);
  return defines;
}

/** The text of pkcs11t.h as shipped with pkcs11js. */
export function readPkcs11Header(): string {
  const pkcs11jsRoot = dirname(createRequire(import.meta.url).resolve("pkcs11js/package.json"));
  return readFileSync(join(pkcs11jsRoot, "includes/pkcs11/pkcs11t.h"), "utf8");
}
