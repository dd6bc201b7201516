// Reads the members SCWS documents from the reference notes (reference/scws-js-api.md, section 2): every backticked
// member of the tables of 2.1 to 2.7 and of the bullets of 2.8, as "Class.member". The ICAO extension (2.9) counts
// as one member, SCWS.ICAO. Rows without a backticked name (members the notes could not find) are not members.

const TABLE_CLASSES: Readonly<Record<string, string>> = {
  "2.1": "SCWS",
  "2.2": "Reader",
  "2.3": "Token",
  "2.4": "Pin",
  "2.5": "Object",
  "2.6": "Certificate",
  "2.7": "Key",
};

/** The member a backticked name stands for: `SCWS.findService(webAppCert)` → findService, `login(value, so)` → login. */
function memberName(text: string): string {
  return text.replace(/\(.*$/s, "").replace(/^SCWS\./, "");
}

/** Every member the reference documents, as "Class.member" (classes of the SCWS namespace as "SCWS.Reader"), in its order. */
export function referenceMembers(markdown: string): string[] {
  const members: string[] = [];
  const add = (name: string) => {
    if (!members.includes(name)) members.push(name);
  };
  let section = "";
  let bulletClass: string | undefined;
  for (const line of markdown.split("\n")) {
    const heading = /^### (\d+\.\d+) /.exec(line);
    if (heading) {
      section = heading[1]!;
      bulletClass = undefined;
      continue;
    }
    const owner = TABLE_CLASSES[section];
    if (owner && line.startsWith("| `")) {
      const firstCell = line.split("|")[1]!;
      for (const [, text] of firstCell.matchAll(/`([^`]+)`/g)) {
        if (text!.startsWith("SCWS.ICAO")) add("SCWS.ICAO");
        else if (/^SCWS\.[A-Z]/.test(text!)) add(`SCWS.${memberName(text!)}`);
        else add(`${owner}.${memberName(text!)}`);
      }
    }
    if (section === "2.8") {
      const bullet = /^[*-] `(?:SCWS\.)?(\w+)`/.exec(line); // either bullet: formatters rewrite "*" as "-"
      if (bullet) bulletClass = bullet[1];
      if (!bulletClass) continue;
      // A member with its kind, "`getValue()` (P, ...)", or named with its class, "`CertStore.getObjects()`".
      for (const [, name] of line.matchAll(/`(\w+)(?:\(\))?` \((?:S|P)\b/g)) add(`${bulletClass}.${name}`);
      for (const [, cls, name] of line.matchAll(/`(\w+)\.(\w+)\(\)`/g)) if (cls === bulletClass) add(`${cls}.${name}`);
    }
  }
  return members;
}
