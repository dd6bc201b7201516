// `open-scws create-api-key`: makes a shared-mode client's API key (256 random bits) and prints it once,
// with the configuration entry that keeps only its SHA-256 hash.
import { createHash, randomBytes } from "node:crypto";
import { stringify } from "yaml";
import { parsePkcs11Uri } from "../config/pkcs11-uri.js";
import { type Command, parseOptions, requireConfigId, UsageError } from "./options.js";

function positive(name: string, text: string | undefined, integer: boolean): number | undefined {
  if (text === undefined) return undefined;
  const value = Number(text);
  if (!Number.isFinite(value) || value <= 0 || (integer && !Number.isInteger(value))) {
    throw new UsageError(`--${name} must be a positive ${integer ? "integer" : "number"}, not "${text}"`);
  }
  return value;
}

export const createApiKeyCommand: Command = {
  summary: "make a shared-mode client's API key and print it with its configuration entry (which holds only its hash)",
  usage: "create-api-key --id ID [--token PKCS11-URI...] [--rate REQUESTS-PER-SECOND] [--burst N]",
  async run(args) {
    const values = parseOptions(args, {
      id: { type: "string" },
      token: { type: "string", multiple: true },
      rate: { type: "string" },
      burst: { type: "string" },
    });
    const id = requireConfigId(values.id, "billing");
    const tokens = values.token ?? [];
    for (const uri of tokens) {
      try {
        parsePkcs11Uri(uri);
      } catch (error) {
        throw new UsageError(`--token "${uri}" is not a PKCS#11 URI: ${(error as Error).message}`);
      }
    }
    const requestsPerSecond = positive("rate", values.rate, false);
    const burst = positive("burst", values.burst, true);
    const key = `scws_${randomBytes(32).toString("base64url")}`;
    const entry = {
      id,
      keyHash: `sha256:${createHash("sha256").update(key, "utf8").digest("hex")}`,
      ...(tokens.length > 0 ? { tokens } : {}),
      ...(requestsPerSecond !== undefined ? { requestsPerSecond } : {}),
      ...(burst !== undefined ? { burst } : {}),
    };
    console.log("# Add this entry to the service's configuration file (merge it into an existing apiKeys list):");
    console.log(stringify({ apiKeys: [entry] }).trimEnd());
    console.log("\n# The client's API key, shown only now. Give it to the client, which sends it as Authorization: Bearer <key>.");
    console.log(key);
    return 0;
  },
};
