// Writes the SCWS members table into apps/docs/guides/migrating.md (run by npm run generate).
import { readFileSync, writeFileSync } from "node:fs";
import { withMembersTable } from "../src/compatibility/migrating-table.js";

const guide = new URL("../../../apps/docs/guides/migrating.md", import.meta.url);
writeFileSync(guide, withMembersTable(readFileSync(guide, "utf8")));
