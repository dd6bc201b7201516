import { verify } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import { chromiumLaunchOptions, signChallenge, testApplication } from "@open-scws/test-support";
import { type Browser, chromium, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { keyNumberOf } from "../facade/environment.js";
import { type FacadeToken, startFacadeToken } from "../testing/facade-token.js";
import type { Listening } from "../testing/fake-services.js";
import { serveFiles } from "../testing/static-files.js";
import { environmentMessage, serviceMessage } from "../transport/environment.js";

// The browser bundles in real Chromium, with its web security on: a page served from its own loopback origin, which
// an application registered with the service lists, loads a bundle and runs findService → its back end signs the
// challenge → createEnvironment → connect → PIN login → getObjects → sign → disconnect against the real service over
// SoftHSM, across origins, with real CORS; Node's crypto checks the signature against the certificate openssl made.
// The same pages served from an origin no application lists cannot reach the service.

const LABEL = "browser-main";
const MESSAGE = "signed in Chromium";
const APPLICATION_ID = "browser-app";

const dist = new URL("../../dist/browser/", import.meta.url);
const pages = new URL("./pages/", import.meta.url);

interface FlowOutcome {
  ok: boolean;
  result?: Record<string, unknown>;
  error?: { name: string; code?: string; message: string; isScwsError: boolean };
}

interface SignRequest {
  challenge: string;
  pageChallenge?: string;
  cryptogram?: string;
  keyID?: number;
}

describe("the browser bundles in Chromium", () => {
  let fixture: FacadeToken;
  /** The application's site, whose origin it registered. */
  let site: Listening;
  /** The same pages, from an origin no application lists. */
  let stranger: Listening;
  let browser: Browser;
  const application = testApplication(APPLICATION_ID);
  const signed: SignRequest[] = [];

  const consoleMessages: string[] = [];

  /**
   * The site's back end, as SCWS's signchallenge sample: in mutual mode it first checks the service's cryptogram of
   * the page's challenge with the service's public key, which the operator gave it; then it signs the challenge.
   */
  function signChallengeRoute(request: IncomingMessage, response: ServerResponse): void {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => {
      const body = JSON.parse(Buffer.concat(chunks).toString("utf8")) as SignRequest;
      const serviceKey = fixture.t.service.services.access.serviceKey;
      if (body.pageChallenge !== undefined) {
        const proof = Buffer.from(body.cryptogram ?? "", "hex");
        if (body.keyID !== keyNumberOf(serviceKey.keyId) || !verify(null, Buffer.from(serviceMessage(body.pageChallenge)), serviceKey.publicKeyPem, proof)) {
          response.writeHead(403).end("not the genuine service");
          return;
        }
      }
      signed.push(body);
      response.writeHead(200, { "content-type": "text/plain" }).end(signChallenge(application, environmentMessage(body.challenge)));
    });
  }

  async function open(from: Listening, path: string): Promise<Page> {
    const page = await (await browser.newContext()).newPage();
    const problems: string[] = [];
    page.on("pageerror", (error) => problems.push(error.message));
    page.on("console", (message) => consoleMessages.push(message.text()));
    await page.goto(`${from.url}${path}`);
    await page.waitForFunction(() => (window as unknown as { ready?: boolean }).ready === true, undefined, { timeout: 10_000 });
    expect(problems).toEqual([]);
    return page;
  }

  function run(page: Page, { withPin = true, mutual = false } = {}): Promise<FlowOutcome> {
    return page.evaluate((options) => (window as unknown as { run(o: typeof options): Promise<FlowOutcome> }).run(options), {
      port: fixture.t.service.port,
      applicationId: APPLICATION_ID,
      mutual,
      label: LABEL,
      message: MESSAGE,
      ...(withPin ? { pin: fixture.pin } : {}),
    });
  }

  /** Whether the certificate openssl made verifies the signature the page returned. */
  function verifiesWithTheCertificate(signatureHex: unknown): boolean {
    return verify("sha256", Buffer.from(MESSAGE), fixture.identity.certificatePem, Buffer.from(String(signatureHex), "hex"));
  }

  beforeAll(async () => {
    const files = {
      "/module.html": new URL("module.html", pages),
      "/classic.html": new URL("classic.html", pages),
      "/flow.js": new URL("flow.js", pages),
      "/open-scws.js": new URL("open-scws.js", dist),
      "/open-scws.js.map": new URL("open-scws.js.map", dist),
      "/open-scws.global.js": new URL("open-scws.global.js", dist),
      "/open-scws.global.js.map": new URL("open-scws.global.js.map", dist),
    };
    site = await serveFiles(files, { "POST /sign-challenge": signChallengeRoute });
    stranger = await serveFiles(files, { "POST /sign-challenge": signChallengeRoute });
    // The operator registers the application with its site's exact origin and its back end's public key.
    fixture = await startFacadeToken(LABEL, {
      configure: (config) => ({ ...config, applications: [...config.applications, { ...application.config, origins: [site.url] }] }),
    });
    browser = await chromium.launch(chromiumLaunchOptions());
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await Promise.all([site?.close(), stranger?.close()]);
    await fixture?.close();
  });

  it("runs findService → the back end signs → createEnvironment → connect → login → getObjects → sign with the ES module, across origins, and the signature verifies", async () => {
    const page = await open(site, "/module.html");
    const outcome = await run(page);
    expect(outcome.error).toBeUndefined();
    expect(outcome.result).toMatchObject({ service: "open SCWS", environment: { applicationId: APPLICATION_ID, origin: site.url } });
    expect(outcome.result).toMatchObject({ sameByName: true, isToken: true, label: LABEL, pins: [{ validated: false, blocked: false }] });
    expect(outcome.result).toMatchObject({ isCertificate: true, isKey: true, validatedAfterLogin: true, signatureIsArrayBuffer: true });
    expect(outcome.result?.added).toContain(outcome.result?.readerName);
    expect(verifiesWithTheCertificate(outcome.result?.signatureHex)).toBe(true);
  });

  it("defines the SCWS global and runs the same flow with the classic script, in SCWS's mutual mode, whose cryptogram the back end checked", async () => {
    const page = await open(site, "/classic.html");
    expect(await page.evaluate(() => (window as unknown as { legacy: unknown }).legacy)).toEqual({
      scws: true,
      findService: "function",
      createEnvironment: "function",
      errorClass: true,
      readers: true,
    });
    const before = signed.length;
    const outcome = await run(page, { mutual: true });
    expect(outcome.error).toBeUndefined();
    expect(outcome.result).toMatchObject({ service: "open SCWS", environment: { origin: site.url }, label: LABEL, isKey: true });
    expect(signed.slice(before)).toEqual([expect.objectContaining({ pageChallenge: expect.stringMatching(/^[0-9a-f]{64}$/) })]);
    expect(verifiesWithTheCertificate(outcome.result?.signatureHex)).toBe(true);
  });

  it("cannot reach the service from an origin no application lists: MWR_SCWS_UNREACHABLE, and the service made no environment", async () => {
    const environments = fixture.t.service.services.access.environments.size;
    const before = signed.length;
    consoleMessages.length = 0;
    const page = await open(stranger, "/module.html");
    const outcome = await run(page, { withPin: false });
    expect(outcome.ok).toBe(false);
    expect(outcome.error).toMatchObject({ code: "MWR_SCWS_UNREACHABLE", isScwsError: true });
    expect(consoleMessages.join("\n")).toMatch(/blocked by CORS policy: No 'Access-Control-Allow-Origin' header/);
    expect(fixture.t.service.services.access.environments.size).toBe(environments);
    expect(signed.length).toBe(before);
  });
});
