// Renders the list of SCWS members as the migrating guide's table, between two markers in the guide, so that the
// table is generated from the code (npm run generate) and a test fails when the guide and the list part.
import { type ScwsMember, scwsMembers } from "./scws-members.js";

export const TABLE_START = "<!-- scws-members: generated from packages/client/src/compatibility/scws-members.ts by npm run generate; do not edit -->";
export const TABLE_END = "<!-- /scws-members -->";

const escapeCell = (text: string) => text.replace(/\|/g, "\\|");

/** The table of every SCWS member and its status on the facade, as Markdown. */
export function membersTable(members: readonly ScwsMember[] = scwsMembers): string {
  const rows = members.map(({ member, status, note }) => `| \`${member}\` | ${status} | ${escapeCell(note ?? "")} |`);
  return ["| SCWS member | on the facade | how, or why not |", "| --- | --- | --- |", ...rows].join("\n");
}

/** The guide with its table region replaced by the current table; throws when the markers are missing. */
export function withMembersTable(guide: string, members: readonly ScwsMember[] = scwsMembers): string {
  const start = guide.indexOf(TABLE_START);
  const end = guide.indexOf(TABLE_END);
  if (start < 0 || end < start) throw new Error(`the guide has no ${TABLE_START} ... ${TABLE_END} region`);
  return `${guide.slice(0, start + TABLE_START.length)}\n${membersTable(members)}\n${guide.slice(end)}`;
}
