import * as nodeCrypto from "node:crypto";
import { verify } from "node:crypto";
import { readFileSync } from "node:fs";
import { blocksOf, exampleName, signChallenge, testApplication } from "@open-scws/test-support";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as library from "./index.js";
import { type FacadeToken, startFacadeToken } from "./testing/facade-token.js";

// The README's examples (`<!-- doc-test: example NAME -->`), run as written against the real service over a token
// holding a certificate and its key. Only the service's address differs: the examples use the default port, the test
// service an ephemeral one. The application they name, "intranet", is registered with a key whose private half plays
// the examples' back end; the names the text around an example defines (`signOnTheBackEnd`, `prompt`, `challenge`...)
// are bound here.

const README = blocksOf("packages/client/README.md", readFileSync(new URL("../README.md", import.meta.url), "utf8"));
const DEFAULT_URL = "http://127.0.0.1:8930";
type Run = (...bindings: unknown[]) => Promise<unknown>;
/** What an example may import, by module, as an application's import finds it. */
const MODULES: Readonly<Record<string, Readonly<Record<string, unknown>>>> = { "@open-scws/client": library, "node:crypto": nodeCrypto };
const AsyncFunction = Object.getPrototypeOf(async () => {}).constructor as new (...parameters: string[]) => Run;

/** The example marked `example NAME`: what it imports (name and module), and the code after its imports. */
function example(name: string): { imports: Array<{ name: string; from: string }>; code: string } {
  const block = README.find((candidate) => exampleName(candidate) === name);
  if (!block) throw new Error(`README.md has no example ${name}`);
  const lines = block.code.trimEnd().split("\n");
  const imports = lines
    .filter((line) => line.startsWith("import "))
    .flatMap((line) => {
      const [, names, from] = line.match(/^import \{ ([^}]+) \} from "([^"]+)";/) ?? [];
      if (!names || !from || !(from in MODULES)) throw new Error(`example ${name} imports what this test does not provide: ${line}`);
      return names.split(",").map((imported) => ({ name: imported.trim(), from }));
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

  /**
   * Runs an example with what it imports (`substitutes` where the address matters), the page's globals and `extra`;
   * resolves with the value of its constant `result`, when named.
   */
  async function run(name: string, substitutes: Record<string, unknown>, extra: Record<string, unknown> = {}, result?: string): Promise<unknown> {
    const { imports, code: body } = example(name);
    const code = result ? `${body}\nreturn ${result};` : body;
    const bindings: Record<string, unknown> = { ...browserGlobals, ...extra };
    for (const imported of imports) {
      expect(MODULES[imported.from]).toHaveProperty(imported.name);
      bindings[imported.name] = substitutes[imported.name] ?? MODULES[imported.from]![imported.name];
    }
    return await new AsyncFunction(...Object.keys(bindings), code)(...Object.values(bindings));
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

  it("runs every example the README marks, and no other", () => {
    expect(README.map(exampleName).filter(Boolean)).toEqual(["typed-client", "facade", "back-end-signature"]);
  });

  it("runs the back end's signature example: the signature it makes creates an environment", async () => {
    const anonymous = library.createScwsClient(f.t.service.url);
    const challenge = library.unwrap(await anonymous.POST("/v1/environments/challenges", { body: { applicationId: "intranet" } }));
    const signature = await run("back-end-signature", {}, { challenge: challenge.challenge, applicationPrivateKey: intranet.privateKey, Buffer }, "signature");
    const environment = await anonymous.POST("/v1/environments", { body: { challengeId: challenge.challengeId, signature: signature as string } });
    expect(environment.response.status).toBe(201);
  });

  it("runs the facade's example: the SCWS workflow, with a signature the certificate verifies", async () => {
    logged.length = 0;
    await run("facade", { SCWS: library.createScws({ ports: [f.t.service.port] }) });
    const [pem, signature] = logged.at(-1) as [string, ArrayBuffer];
    expect(pem.replace(/\s/g, "")).toBe(f.identity.certificatePem.replace(/\s/g, ""));
    expect(verify("sha256", Buffer.from("I agree"), pem, new Uint8Array(signature))).toBe(true);
  });
});
