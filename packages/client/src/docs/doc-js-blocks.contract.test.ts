// The README's and the guides' back-end JavaScript (`<!-- doc-test: js node -->`) runs here as a reader would save it:
// a module in a folder of its own next to the application's private key file, against the real service, which
// registers the application `intranet` with that key's public half. What the module exports must give a signature
// that creates an environment, and must refuse to sign a text that is not a challenge.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { documentedBlocks, startTestService, type TestApplication, type TestService, testApplication } from "@open-scws/test-support";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const repoRoot = fileURLToPath(new URL("../../../../", import.meta.url));
const nodeBlocks = documentedBlocks(repoRoot).filter((block) => block.marker === "js node");

/** A response as Express-style handlers use it: status(), end() and json(), resolving with what was answered. */
function expressResponse(): { response: object; answered: Promise<{ status: number; body?: unknown }> } {
  let settle: (answer: { status: number; body?: unknown }) => void = () => {};
  const answered = new Promise<{ status: number; body?: unknown }>((resolve) => {
    settle = resolve;
  });
  let status = 200;
  const response = {
    status(code: number) {
      status = code;
      return response;
    },
    end: () => settle({ status }),
    json: (body: unknown) => settle({ status, body }),
  };
  return { response, answered };
}

/** Signs `challenge` with the block's export: `signScwsChallenge(challenge)`, or an Express handler `(request, response)`. */
async function signWith(exported: (...args: never[]) => unknown, challenge: string): Promise<{ status: number; signature?: string }> {
  if (exported.length === 1) {
    try {
      return { status: 200, signature: (exported as (challenge: string) => string)(challenge) };
    } catch {
      return { status: 400 };
    }
  }
  const { response, answered } = expressResponse();
  (exported as (request: object, response: object) => void)({ body: { challenge } }, response);
  const answer = await answered;
  return { status: answer.status, signature: (answer.body as { signature?: string } | undefined)?.signature };
}

describe("the back-end JavaScript blocks of the README and the guides", () => {
  let t: TestService;
  let intranet: TestApplication;
  beforeAll(async () => {
    intranet = testApplication("intranet", ["https://intranet.example"]);
    t = await startTestService({ configure: (config) => ({ ...config, applications: [...config.applications, intranet.config] }) });
  });
  afterAll(async () => {
    await t?.close();
  });

  it("finds the blocks", () => {
    expect(nodeBlocks.length).toBeGreaterThanOrEqual(2);
  });

  it.each(nodeBlocks.map((block) => [`${block.file}:${block.line}`, block] as const))("runs %s as saved", async (_where, block) => {
    const folder = mkdtempSync(join(repoRoot, ".doc-test-"));
    try {
      // What `register-app --id intranet --private-key-out intranet-scws.pem` leaves in the back end's folder.
      writeFileSync(join(folder, "intranet-scws.pem"), intranet.privateKey.export({ type: "pkcs8", format: "pem" }), { mode: 0o600 });
      writeFileSync(join(folder, "back-end.mjs"), block.code);
      const previous = process.cwd();
      process.chdir(folder); // the module reads its key file from where the reader runs it
      let exported: (...args: never[]) => unknown;
      try {
        const module = (await import(/* @vite-ignore */ pathToFileURL(join(folder, "back-end.mjs")).href)) as Record<string, unknown>;
        exported = module.signScwsChallenge as typeof exported;
      } finally {
        process.chdir(previous);
      }
      expect(typeof exported).toBe("function");

      const challenge = await t.anonymous.POST("/v1/environments/challenges", { body: { applicationId: "intranet" } });
      const signed = await signWith(exported, challenge.data!.challenge);
      expect(signed.status).toBe(200);
      const environment = await t.anonymous.POST("/v1/environments", { body: { challengeId: challenge.data!.challengeId, signature: signed.signature! } });
      expect(environment.response.status).toBe(201);
      expect(environment.data?.credential).toMatch(/\S{20,}/);

      // Never a signing oracle: a text the browser chose is refused.
      expect((await signWith(exported, "open-scws-environment:please sign this")).signature).toBeUndefined();
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  });
});
