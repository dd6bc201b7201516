import { verify } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import { chromiumLaunchOptions, signChallenge, startTestService, type TestService, testApplication } from "@open-scws/test-support";
import { type Browser, chromium, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { serviceMessage } from "../security/signatures.js";

// Environments in real Chromium, with its web security on: web pages on loopback origins of their own call the
// service across origins. A registered application's page gets an environment (its back end checks the service's
// proof and signs the challenge) and lists the readers; a development registration's page gets one without a
// signature; a page of an origin no application lists gets nothing, reads nothing, and its credential-carrying
// requests never leave the browser, because the credential header forces a preflight the service refuses it.

const LABEL = "web-token";

/** The page every origin serves: raw fetch calls, as an application's own code would make them. */
const PAGE = `<!doctype html><meta charset="utf-8"><title>an application</title>
<script type="module">
  const hex = (bytes) => [...bytes].map((byte) => byte.toString(16).padStart(2, "0")).join("");
  async function answer(response) {
    const body = await response.json();
    if (!response.ok) throw Object.assign(new Error(body.title), { code: body.code });
    return body;
  }
  const post = (url, body) => fetch(url, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
  function failure(error) {
    return { name: error.name, code: error.code, message: error.message };
  }
  // findService → the back end signs → createEnvironment → list the readers, step by step.
  window.openEnvironment = async ({ service, applicationId, signed }) => {
    const outcome = { at: "challenge" };
    try {
      const clientChallenge = hex(crypto.getRandomValues(new Uint8Array(32)));
      const challenge = await answer(await post(service + "/v1/environments/challenges", { applicationId, ...(signed ? { clientChallenge } : {}) }));
      outcome.at = "back end";
      const signature = signed ? (await answer(await post("/sign", { clientChallenge, serviceProof: challenge.serviceProof, message: challenge.message }))).signature : undefined;
      outcome.at = "environment";
      const { credential, ...environment } = await answer(await post(service + "/v1/environments", { challengeId: challenge.challengeId, signature }));
      outcome.environment = environment;
      outcome.at = "readers";
      const { readers } = await answer(await fetch(service + "/v1/readers", { headers: { "x-scws-environment": credential } }));
      outcome.tokenLabels = readers.map((reader) => reader.token?.label ?? null);
      outcome.at = "done";
    } catch (error) {
      outcome.error = failure(error);
    }
    return outcome;
  };
  // What a page can try with a credential it got hold of: a CORS request with it, and a no-cors one.
  window.readReaders = async ({ service, credential }) => {
    const headers = { "x-scws-environment": credential };
    const cors = await fetch(service + "/v1/readers", { headers }).then((response) => ({ status: response.status }), failure);
    const noCors = await fetch(service + "/v1/readers", { headers, mode: "no-cors" }).then(
      async (response) => ({ type: response.type, status: response.status, body: await response.text() }),
      failure,
    );
    return { cors, noCors };
  };
  // A request that needs no preflight: text/plain, no custom header.
  window.simplePost = ({ service, applicationId }) =>
    fetch(service + "/v1/environments/challenges", { method: "POST", headers: { "content-type": "text/plain" }, body: JSON.stringify({ applicationId }) })
      .then((response) => ({ status: response.status }), failure);
  window.ready = true;
</script>`;

interface Site {
  readonly origin: string;
  /** How many challenges the back end signed. */
  readonly signed: () => number;
  close(): Promise<void>;
}

type SignRequest = { clientChallenge: string; serviceProof?: { cryptogram: string }; message: string };

/** A site on its own loopback port: the page, and its back end's `/sign` route when it has a signer. */
async function startSite(backEnd?: (body: SignRequest) => string): Promise<Site> {
  let signed = 0;
  const server = createServer((request: IncomingMessage, response: ServerResponse) => {
    if (request.method === "GET" && request.url === "/") return void response.writeHead(200, { "content-type": "text/html; charset=utf-8" }).end(PAGE);
    if (request.method !== "POST" || request.url !== "/sign" || !backEnd) return void response.writeHead(404).end();
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => {
      try {
        const signature = backEnd(JSON.parse(Buffer.concat(chunks).toString("utf8")));
        signed += 1;
        response.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ signature }));
      } catch (error) {
        response.writeHead(403, { "content-type": "application/json" }).end(JSON.stringify({ title: String(error), code: "BACK_END_REFUSED" }));
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  return {
    origin: `http://127.0.0.1:${port}`,
    signed: () => signed,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** A request as the service logged it (at debug level, with its headers, secrets censored). */
interface Logged {
  readonly method: string;
  readonly operation: string;
  readonly path?: string;
  readonly status: number;
  readonly code: string;
  readonly headers: Record<string, string>;
}

describe("environments in Chromium, across origins, with real CORS", () => {
  let t: TestService;
  let browser: Browser;
  let registered: Site;
  let development: Site;
  let stranger: Site;
  const webApp = testApplication("web-app");

  /** The requests the service answered for pages of `origin`, in order. */
  const requestsFrom = (origin: string): Logged[] =>
    t.logs.map((line) => JSON.parse(line) as Logged & { msg: string }).filter((entry) => entry.msg === "request answered" && entry.headers?.origin === origin);

  async function open(site: Site, consoleMessages: string[] = []): Promise<Page> {
    const page = await (await browser.newContext()).newPage();
    page.on("console", (message) => consoleMessages.push(message.text()));
    await page.goto(`${site.origin}/`);
    await page.waitForFunction(() => (window as unknown as { ready?: boolean }).ready === true);
    return page;
  }

  const openEnvironment = (page: Page, applicationId: string, signed: boolean) =>
    page.evaluate((args) => (window as unknown as { openEnvironment(a: typeof args): Promise<Record<string, unknown>> }).openEnvironment(args), {
      service: t.service.url,
      applicationId,
      signed,
    });

  beforeAll(async () => {
    // The registered application's back end: it checks the service's proof with the service's public key, which the
    // operator gave it (never one received over the wire), then signs the challenge with the application's key.
    registered = await startSite(({ clientChallenge, serviceProof, message }) => {
      const servicePublicKey = t.service.services.access.serviceKey.publicKeyPem;
      if (!serviceProof || !verify(null, Buffer.from(serviceMessage(clientChallenge)), servicePublicKey, Buffer.from(serviceProof.cryptogram, "hex"))) {
        throw new Error("not the genuine service");
      }
      if (!/^open-scws-environment:[0-9a-f]{64}$/.test(message)) throw new Error("not a challenge");
      return signChallenge(webApp, message);
    });
    development = await startSite();
    stranger = await startSite();
    t = await startTestService({
      tokenLabels: [LABEL],
      configure: (config) => ({
        ...config,
        applications: [
          ...config.applications,
          { ...webApp.config, origins: [registered.origin] },
          { id: "dev-app", origins: [development.origin], trustOrigin: true },
        ],
      }),
    });
    browser = await chromium.launch(chromiumLaunchOptions());
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await Promise.all([registered, development, stranger].map((site) => site?.close()));
    await t?.close();
  });

  it("gives a registered application's page an environment, after its back end checked the service's proof and signed, and lists the test token's reader", async () => {
    const before = t.service.services.access.environments.size;
    const outcome = await openEnvironment(await open(registered), "web-app", true);
    expect(outcome.error).toBeUndefined();
    expect(outcome.at).toBe("done");
    expect(outcome.environment).toMatchObject({ applicationId: "web-app", origin: registered.origin, connections: 0 });
    expect(outcome.tokenLabels).toContain(LABEL);
    expect(registered.signed()).toBe(1);
    expect(t.service.services.access.environments.size).toBe(before + 1);
  });

  it("sent the credential only after a preflight for X-SCWS-Environment that the service granted to the registered origin", () => {
    const requests = requestsFrom(registered.origin);
    const preflight = requests.findIndex(
      (entry) =>
        entry.method === "OPTIONS" && entry.path === "/v1/readers" && /x-scws-environment/i.test(entry.headers["access-control-request-headers"] ?? ""),
    );
    const listing = requests.findIndex((entry) => entry.operation === "listReaders");
    expect(preflight).toBeGreaterThanOrEqual(0);
    expect(requests[preflight]).toMatchObject({ status: 204 });
    expect(listing).toBeGreaterThan(preflight);
    expect(requests[listing]).toMatchObject({ method: "GET", status: 200, headers: { "x-scws-environment": "[redacted]" } });
  });

  it("gives a development registration's page an environment without a signature, and lists the readers", async () => {
    const outcome = await openEnvironment(await open(development), "dev-app", false);
    expect(outcome.error).toBeUndefined();
    expect(outcome.environment).toMatchObject({ applicationId: "dev-app", origin: development.origin });
    expect(outcome.tokenLabels).toContain(LABEL);
  });

  it("refuses a page of an unregistered origin: its fetch fails on CORS, the service answered SCWS_ORIGIN_REFUSED and made no environment", async () => {
    const before = t.service.services.access.environments.size;
    const consoleMessages: string[] = [];
    const page = await open(stranger, consoleMessages);
    // The page names the registered application: the origin, not the id, is what the service judges.
    const outcome = await openEnvironment(page, "web-app", true);
    expect(outcome).toMatchObject({ at: "challenge", error: { name: "TypeError", message: "Failed to fetch" } });
    expect(consoleMessages.join("\n")).toMatch(/blocked by CORS policy/);
    const simple = await page.evaluate((args) => (window as unknown as { simplePost(a: typeof args): Promise<unknown> }).simplePost(args), {
      service: t.service.url,
      applicationId: "web-app",
    });
    expect(simple).toMatchObject({ name: "TypeError" });

    expect(t.service.services.access.environments.size).toBe(before);
    const requests = requestsFrom(stranger.origin);
    expect(requests.length).toBeGreaterThanOrEqual(2);
    for (const entry of requests) expect(entry).toMatchObject({ status: 403, code: "SCWS_ORIGIN_REFUSED", operation: "unmatched" });
    // The JSON request stopped at its preflight; the simple one reached the service and was refused before any work.
    expect(requests.map((entry) => `${entry.method} ${entry.path}`)).toEqual(["OPTIONS /v1/environments/challenges", "POST /v1/environments/challenges"]);
  });

  it("keeps the readers from a page of an unregistered origin even with a valid credential: the preflight is refused and the credential never leaves the browser", async () => {
    const page = await open(stranger);
    const sent = requestsFrom(stranger.origin).length;
    const attempts = await page.evaluate((args) => (window as unknown as { readReaders(a: typeof args): Promise<unknown> }).readReaders(args), {
      service: t.service.url,
      credential: t.credential,
    });
    // CORS: the request fails; no-cors: an opaque answer, with no status and no body to read.
    expect(attempts).toEqual({ cors: { name: "TypeError", message: "Failed to fetch" }, noCors: { type: "opaque", status: 0, body: "" } });
    const requests = requestsFrom(stranger.origin).slice(sent);
    const preflight = requests.find((entry) => entry.method === "OPTIONS");
    expect(preflight).toMatchObject({ path: "/v1/readers", status: 403, code: "SCWS_ORIGIN_REFUSED" });
    expect(preflight?.headers["access-control-request-headers"]).toMatch(/x-scws-environment/i);
    // The no-cors request went out without the header (no-cors allows only safelisted ones), and was refused too.
    for (const entry of requests) {
      expect(entry.headers).not.toHaveProperty("x-scws-environment");
      expect(entry).toMatchObject({ status: 403, code: "SCWS_ORIGIN_REFUSED" });
    }
    expect(requests.some((entry) => entry.operation === "listReaders")).toBe(false);
  });
});
