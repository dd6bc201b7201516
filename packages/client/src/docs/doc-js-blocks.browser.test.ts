// The README's and the guides' page JavaScript (`<!-- doc-test: js page -->`) runs here in Chromium as a reader would
// put it in a page: a module script on a page of an origin registered for the application `intranet`, with an import
// map that resolves `@open-scws/client` to the browser bundle, whose `SCWS` finds the test service at its address (the
// one change, as shell blocks get the service's address). The page's back end answers `POST /scws/signature` with the
// applications guide's own handler (its `js node` block), next to the key file register-app writes. A block passes
// when it ends without an error, with an environment of `intranet`, and the page logged no error.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import type { IncomingMessage, ServerResponse } from "node:http";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import {
  chromiumLaunchOptions,
  type DocBlock,
  documentedBlocks,
  startTestService,
  type TestApplication,
  type TestService,
  testApplication,
} from "@open-scws/test-support";
import { type Browser, chromium } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Listening } from "../testing/fake-services.js";
import { serveFiles } from "../testing/static-files.js";

const repoRoot = fileURLToPath(new URL("../../../../", import.meta.url));
const blocks = documentedBlocks(repoRoot);
const pageBlocks = blocks.filter((block) => block.marker === "js page");
const backEndBlock = blocks.find((block) => block.marker === "js node" && block.file === "apps/docs/guides/applications.md");
const dist = new URL("../../dist/browser/", import.meta.url);

type Handler = (request: { body: unknown }, response: object) => void;

/** Loads the guide's back-end handler as its reader saves it, next to the application's key file. */
async function loadBackEnd(folder: string, application: TestApplication, block: DocBlock): Promise<Handler> {
  writeFileSync(join(folder, "intranet-scws.pem"), application.privateKey.export({ type: "pkcs8", format: "pem" }), { mode: 0o600 });
  writeFileSync(join(folder, "back-end.mjs"), block.code);
  const previous = process.cwd();
  process.chdir(folder);
  try {
    return ((await import(/* @vite-ignore */ pathToFileURL(join(folder, "back-end.mjs")).href)) as { signScwsChallenge: Handler }).signScwsChallenge;
  } finally {
    process.chdir(previous);
  }
}

/** node:http in front of an Express-style handler: a parsed JSON body, and status(), end(), json(). */
function expressRoute(handler: Handler) {
  return (request: IncomingMessage, response: ServerResponse) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => {
      let status = 200;
      const reply = {
        status(code: number) {
          status = code;
          return reply;
        },
        end: () => response.writeHead(status).end(),
        json: (body: unknown) => response.writeHead(status, { "content-type": "application/json" }).end(JSON.stringify(body)),
      };
      handler({ body: JSON.parse(Buffer.concat(chunks).toString("utf8")) }, reply);
    });
  };
}

/** The page: the import map, then the block as a module; `window.outcome` says how it ended. */
const PAGE = `<!doctype html><meta charset="utf-8"><title>doc block</title><link rel="icon" href="data:,">
<script type="importmap">{ "imports": { "@open-scws/client": "/client.js" } }</script>
<script type="module">
import("/block.js").then(
  async () => {
    const { SCWS } = await import("@open-scws/client");
    window.outcome = { ok: true, applicationId: SCWS.environment?.applicationId, readers: SCWS.readers.length };
    SCWS.close();
  },
  (error) => { window.outcome = { ok: false, error: \`\${error?.code ?? error?.name}: \${error?.message}\` }; },
);
</script>`;

describe("the page JavaScript blocks of the README and the guides, in Chromium", () => {
  let t: TestService;
  let site: Listening;
  let browser: Browser;
  let folder: string;
  const block: { code: string } = { code: "" };

  beforeAll(async () => {
    folder = mkdtempSync(join(repoRoot, ".doc-test-"));
    const intranet: TestApplication = testApplication("intranet");
    const handler = await loadBackEnd(folder, intranet, backEndBlock!);
    site = await serveFiles(
      { "/open-scws.js": new URL("open-scws.js", dist), "/open-scws.js.map": new URL("open-scws.js.map", dist) },
      {
        "GET /": (_request, response) => response.writeHead(200, { "content-type": "text/html; charset=utf-8" }).end(PAGE),
        "GET /block.js": (_request, response) => response.writeHead(200, { "content-type": "text/javascript" }).end(block.code),
        "GET /client.js": (_request, response) =>
          response
            .writeHead(200, { "content-type": "text/javascript" })
            .end(
              `export * from "/open-scws.js";\nimport { createScws } from "/open-scws.js";\nexport const SCWS = createScws({ baseUrl: "${t.service.url}", ports: [] });\n`,
            ),
        "POST /scws/signature": expressRoute(handler),
      },
    );
    t = await startTestService({
      tokenLabels: ["doc-page"],
      configure: (config) => ({ ...config, applications: [...config.applications, { ...intranet.config, origins: [site.url] }] }),
    });
    browser = await chromium.launch(chromiumLaunchOptions());
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await site?.close();
    await t?.close();
    if (folder) rmSync(folder, { recursive: true, force: true });
  });

  it("finds the blocks, and the back end they call", () => {
    expect(pageBlocks.length).toBeGreaterThanOrEqual(2);
    expect(backEndBlock).toBeDefined();
  });

  it.each(pageBlocks.map((candidate) => [`${candidate.file}:${candidate.line}`, candidate] as const))("runs %s in a page", async (_where, candidate) => {
    block.code = candidate.code;
    const context = await browser.newContext();
    try {
      const page = await context.newPage();
      const problems: string[] = [];
      page.on("pageerror", (error) => problems.push(error.message));
      page.on("console", (message) => {
        if (message.type() === "error") problems.push(message.text());
      });
      await page.goto(`${site.url}/`);
      await page.waitForFunction(() => (window as unknown as { outcome?: unknown }).outcome !== undefined, undefined, { timeout: 15_000 });
      const outcome = await page.evaluate(() => (window as unknown as { outcome: unknown }).outcome);
      expect(outcome).toMatchObject({ ok: true, applicationId: "intranet" });
      expect(problems).toEqual([]);
    } finally {
      await context.close();
    }
  });
});
