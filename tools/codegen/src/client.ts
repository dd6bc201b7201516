// Generates the client's contract tables from the bundled spec: what each operation takes and may answer, and
// the schemas involved, reduced to what the client checks (no descriptions or examples, to keep the browser
// bundle small).
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { contractTables } from "./lib/contract-tables.js";
import { bundledSpecPath, clientGeneratedDir } from "./lib/paths.js";
import { banner, writeGenerated } from "./lib/write-generated.js";

const GENERATOR = "tools/codegen/src/client.ts";

const document = JSON.parse(readFileSync(bundledSpecPath, "utf8")) as Record<string, unknown>;
const { operations, schemas } = contractTables(document);
const source = `${banner(GENERATOR)}import type { OperationContract } from "../contract/contract-types.js";
import type { CheckedSchema } from "../contract/schema-check.js";

/** What each operation (\`"METHOD /path"\`) takes and may answer, from the spec. */
export const operations: Readonly<Record<string, OperationContract>> = ${JSON.stringify(operations, null, 2)};

/** The component schemas the operations use, reduced to the keywords the client checks. */
export const schemas: Readonly<Record<string, CheckedSchema>> = ${JSON.stringify(schemas, null, 2)};
`;
writeGenerated(join(clientGeneratedDir, "contract.ts"), source);
