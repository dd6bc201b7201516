// Generates the compact table of SCWS error codes by HTTP status from the catalogue, so that code which needs only
// the codes and their statuses (ScwsError, the browser bundle) does not carry the catalogue's texts.
import { join } from "node:path";
import { errorCatalogue } from "../../../packages/errors/src/catalogue/index.js";
import { errorsGeneratedDir } from "./lib/paths.js";
import { banner, writeGenerated } from "./lib/write-generated.js";

const GENERATOR = "tools/codegen/src/error-statuses.ts";

const byStatus = new Map<number, string[]>();
for (const [code, entry] of Object.entries(errorCatalogue)) {
  const status = entry.httpStatus ?? 0;
  byStatus.set(status, [...(byStatus.get(status) ?? []), code]);
}
const rows = [...byStatus]
  .sort(([a], [b]) => a - b)
  .map(([status, codes]) => `  ${status}: "${codes.join(" ")}",`)
  .join("\n");
writeGenerated(
  join(errorsGeneratedDir, "code-statuses.ts"),
  `${banner(GENERATOR)}// Source: packages/errors/src/catalogue (one entry per code of the spec's ErrorCode enum).

/** Every SCWS error code, space-separated, by the HTTP status it travels with (\`0\`: never sent by the service). */
export const codesByStatus: Readonly<Record<number, string>> = {
${rows}
};
`,
);
