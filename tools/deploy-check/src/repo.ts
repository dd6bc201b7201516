// Where things are, and what the service says about them, for the checks of deploy/.
import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { openApiDocument } from "@open-scws/spec";

/** The repository's root folder. */
export const repoRoot = join(dirname(fileURLToPath(import.meta.url)), "../../..");

/** A path inside the repository. */
export function repoPath(...parts: string[]): string {
  return join(repoRoot, ...parts);
}

/** Whether a path relative to the repository exists. */
export function existsInRepo(relative: string): boolean {
  return existsSync(repoPath(relative));
}

/** Whether the OpenAPI document has a GET operation at this exact path. */
export function isGetPath(path: string): boolean {
  const item = (openApiDocument.paths as Record<string, Record<string, unknown>>)[path];
  return item?.get !== undefined;
}
