// Generates the client's contract tables from the bundled spec: what each operation takes and may answer, and
// the schemas involved, reduced to what the client checks (no descriptions or examples). Compact: the problem
// body that every error status declares is written once, and each schema takes one line.

import { readFileSync } from "node:fs";
import { join } from "node:path";
import { isDeepStrictEqual } from "node:util";
import { contractTables } from "./lib/contract-tables.js";
import { bundledSpecPath, clientGeneratedDir } from "./lib/paths.js";
import { banner, writeGenerated } from "./lib/write-generated.js";

const GENERATOR = "tools/codegen/src/client.ts";
/** What an error status declares in the spec: a problem body. */
const PROBLEM = { "application/problem+json": { $ref: "Problem" } };

const document = JSON.parse(readFileSync(bundledSpecPath, "utf8")) as Record<string, unknown>;
const { operations, schemas } = contractTables(document);

const operationRows = Object.entries(operations).map(([key, { answers, ...takes }]) => {
  const problemStatuses = Object.keys(answers).filter((status) => isDeepStrictEqual(answers[status], PROBLEM));
  const others = Object.entries(answers).filter(([status]) => !problemStatuses.includes(status));
  const responseParts = [
    ...(problemStatuses.length > 0 ? [`...problems(${JSON.stringify(problemStatuses.join(" "))})`] : []),
    ...others.map(([status, media]) => `${JSON.stringify(status)}: ${JSON.stringify(media)}`),
  ];
  const takeParts = Object.entries(takes).map(([name, value]) => `${name}: ${JSON.stringify(value)}`);
  return `  ${JSON.stringify(key)}: {\n    answers: { ${responseParts.join(", ")} },${takeParts.map((part) => `\n    ${part},`).join("")}\n  },`;
});
const schemaRows = Object.entries(schemas).map(([name, schema]) => `  ${JSON.stringify(name)}: ${JSON.stringify(schema)},`);

const source = `${banner(GENERATOR)}import type { OperationContract } from "../contract/contract-types.js";
import type { CheckedSchema } from "../contract/schema-check.js";

/** What every error status of the spec declares: a problem body. */
const problem = ${JSON.stringify(PROBLEM)};

/** The answers of space-separated error statuses, each a problem body. */
function problems(statuses: string): Record<string, typeof problem> {
  return Object.fromEntries(statuses.split(" ").map((status) => [status, problem]));
}

/** What each operation (\`"METHOD /path"\`) takes and may answer, from the spec. */
export const operations: Readonly<Record<string, OperationContract>> = {
${operationRows.join("\n")}
};

/** The component schemas the operations use, reduced to the keywords the client checks. */
export const schemas: Readonly<Record<string, CheckedSchema>> = {
${schemaRows.join("\n")}
};
`;
writeGenerated(join(clientGeneratedDir, "contract.ts"), source);
