// Where the generators read and write, resolved from this file so that they run from any folder.
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";

export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), "../../../..");
export const specDir = resolve(repoRoot, "spec");
export const bundledSpecPath = resolve(specDir, "generated/openapi.json");
export const specTypesPath = resolve(specDir, "generated/openapi.d.ts");
export const serverGeneratedDir = resolve(repoRoot, "apps/server/src/generated");
export const errorsGeneratedDir = resolve(repoRoot, "packages/errors/src/generated");
export const clientGeneratedDir = resolve(repoRoot, "packages/client/src/generated");
