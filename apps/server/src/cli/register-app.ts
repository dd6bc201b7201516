// `open-scws register-app`: makes a web application's key pair (Ed25519 or EC P-256) and prints the
// configuration entry with its public key; the private key goes to the application's back end only.
import { generateKeyPairSync } from "node:crypto";
import { existsSync, writeFileSync } from "node:fs";
import { stringify } from "yaml";
import { originProblem } from "../config/semantic-checks.js";
import { type Command, parseOptions, requireConfigId, UsageError } from "./options.js";

function keyPair(algorithm: string): { publicKey: string; privateKey: string } {
  const publicKeyEncoding = { type: "spki", format: "pem" } as const;
  const privateKeyEncoding = { type: "pkcs8", format: "pem" } as const;
  if (algorithm === "ed25519") return generateKeyPairSync("ed25519", { publicKeyEncoding, privateKeyEncoding });
  if (algorithm === "p256") return generateKeyPairSync("ec", { namedCurve: "prime256v1", publicKeyEncoding, privateKeyEncoding });
  throw new UsageError(`--algorithm must be ed25519 or p256, not "${algorithm}"`);
}

export const registerAppCommand: Command = {
  summary: "make a web application's key pair and print its configuration entry",
  usage: "register-app --id ID --origin ORIGIN [--origin ORIGIN...] [--algorithm ed25519|p256] [--private-key-out FILE]",
  async run(args) {
    const values = parseOptions(args, {
      id: { type: "string" },
      origin: { type: "string", multiple: true },
      algorithm: { type: "string", default: "ed25519" },
      "private-key-out": { type: "string" },
    });
    const id = requireConfigId(values.id, "intranet");
    const origins = values.origin ?? [];
    if (origins.length === 0) throw new UsageError("--origin is required, such as --origin https://intranet.example");
    for (const origin of origins) {
      const problem = originProblem(origin);
      if (problem) throw new UsageError(`--origin "${origin}" ${problem}`);
    }
    const out = values["private-key-out"];
    // Checked before anything is printed: an entry whose private key was never written would be of no use.
    if (out && existsSync(out)) throw new UsageError(`--private-key-out "${out}" exists: choose another file (an existing key is never overwritten)`);
    const { publicKey, privateKey } = keyPair(values.algorithm ?? "ed25519");
    console.log("# Add this entry to the service's configuration file (merge it into an existing applications list):");
    console.log(stringify({ applications: [{ id, origins, publicKey }] }).trimEnd());
    if (out) {
      writeFileSync(out, privateKey, { mode: 0o600, flag: "wx" });
      console.log(`\n# The private key is in ${out} (readable only by you). Keep it on the application's back end only.`);
    } else {
      console.log("\n# The application's private key. Keep it on the application's back end only; it signs environment challenges.");
      process.stdout.write(privateKey);
    }
    return 0;
  },
};
