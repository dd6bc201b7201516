import { verify } from "node:crypto";
import { readFileSync } from "node:fs";
import { signChallenge, testApplication } from "@open-scws/test-support";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as library from "./index.js";
import { type FacadeToken, startFacadeToken } from "./testing/facade-token.js";

// The README's examples, run as written against the real service over a token holding a certificate and its key.
// Only the service's address differs: the examples use the default port, the test service an ephemeral one. The
// application they name, "intranet", is registered with a key whose private half plays the examples' back end.

const README = readFileSync(new URL("../README.md", import.meta.url), "utf8");
const DEFAULT_URL = "http://127.0.0.1:8930";
type Run = (...bindings: unknown[]) => Promise<void>;
/** The package's exports by name, as an application's import finds them. */
const EXPORTS: Readonly<Record<string, unknown>> = { ...library };
const AsyncFunction = Object.getPrototypeOf(async () => {}).constructor as new (...parameters: string[]) => Run;

/** The example after `<!-- example:name -->`: the names it imports from the package, and the code after its imports. */
function example(name: string): { imports: string[]; code: string } {
  const block = README.match(new RegExp(`<!-- example:${name} -->\\n\`\`\`(?:ts|js)\\n([\\s\\S]*?)\\n\`\`\``))?.[1];
  if (!block) throw new Error(`README.md has no example ${name}`);
  const lines = block.split("\n");
  const imports = lines
    .filter((line) => line.startsWith("import "))
    .flatMap((line) => {
      const names = line.match(/^import \{ ([^}]+) \} from "@open-scws\/client";/)?.[1];
      if (!names) throw new Error(`example ${name} imports something other than @open-scws/client: ${line}`);
      return names.split(",").map((imported) => imported.trim());
    });
  return { imports, code: lines.filter((line) => !line.startsWith("import ")).join("\n") };
}

describe("the README's examples", () => {
  let f: FacadeToken;
  const logged: unknown[][] = [];
  const intranet = testApplication("intranet");
  const browserGlobals = {
    /** The application's back end, as the examples call it: it signs a challenge with the application's key. */
    signOnTheBackEnd: async (challenge: string) => signChallenge(intranet, library.environmentMessage(challenge)),
    prompt: () => f.pin,
    confirm: () => true,
    console: { log: (...values: unknown[]) => void logged.push(values) },
  };

  /** Runs an example with the package's exports it imports (`substitutes` where the address matters) and the page's globals. */
  async function run(name: string, substitutes: Record<string, unknown>): Promise<void> {
    const { imports, code } = example(name);
    const bindings: Record<string, unknown> = { ...browserGlobals };
    for (const imported of imports) {
      expect(EXPORTS).toHaveProperty(imported);
      bindings[imported] = substitutes[imported] ?? EXPORTS[imported];
    }
    await new AsyncFunction(...Object.keys(bindings), code)(...Object.values(bindings));
  }

  beforeAll(async () => {
    f = await startFacadeToken("readme-token", {
      objects: "identity",
      configure: (config) => ({ ...config, applications: [...config.applications, intranet.config] }),
    });
  });
  afterAll(() => f.close());

  it("runs the typed client's example: connect, log in, hash and sign, with a signature the certificate verifies", async () => {
    logged.length = 0;
    const createScwsClient: typeof library.createScwsClient = (url, options) => library.createScwsClient(url.replace(DEFAULT_URL, f.t.service.url), options);
    await run("typed-client", { createScwsClient });
    const [[label, signature]] = logged as [[string, string]];
    expect(label).toBe("alice-key");
    expect(verify("sha256", Buffer.from("I agree"), f.identity.certificatePem, Buffer.from(signature, "base64"))).toBe(true);
  });

  it("runs the facade's example: the SCWS workflow, with a signature the certificate verifies", async () => {
    logged.length = 0;
    await run("facade", { SCWS: library.createScws({ ports: [f.t.service.port] }) });
    const [pem, signature] = logged.at(-1) as [string, ArrayBuffer];
    expect(pem.replace(/\s/g, "")).toBe(f.identity.certificatePem.replace(/\s/g, ""));
    expect(verify("sha256", Buffer.from("I agree"), pem, new Uint8Array(signature))).toBe(true);
  });
});
