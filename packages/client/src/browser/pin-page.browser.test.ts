import { verify } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import { chromiumLaunchOptions, signChallenge, testApplication } from "@open-scws/test-support";
import { type Browser, chromium, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type FacadeToken, startFacadeToken } from "../testing/facade-token.js";
import type { Listening } from "../testing/fake-services.js";
import { serveFiles } from "../testing/static-files.js";
import { environmentMessage } from "../transport/environment.js";

// SCWS's recommended login, Pin.login(false), in real Chromium: the application's page (on its own registered origin)
// calls login(false); the facade opens the service's PIN page as a popup on the service's origin; the user types the
// PIN there; the application's promise resolves because the service says the login is done. The PIN never enters the
// application's page, and the PIN page runs under its strict Content-Security-Policy.

const LABEL = "browser-pin-page";
const MESSAGE = "signed after the PIN page";
const APPLICATION_ID = "browser-pin-app";

const dist = new URL("../../dist/browser/", import.meta.url);
const pages = new URL("./pages/", import.meta.url);

interface FlowOutcome {
  ok: boolean;
  result?: Record<string, unknown>;
  error?: { code?: string; message?: string; isScwsError?: boolean };
}

describe("login(false) through the service's PIN page in Chromium", () => {
  let fixture: FacadeToken;
  let site: Listening;
  let browser: Browser;
  const application = testApplication(APPLICATION_ID);

  function signChallengeRoute(request: IncomingMessage, response: ServerResponse): void {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => {
      const body = JSON.parse(Buffer.concat(chunks).toString("utf8")) as { challenge: string };
      response.writeHead(200, { "content-type": "text/plain" }).end(signChallenge(application, environmentMessage(body.challenge)));
    });
  }

  /** Opens the application's page, starts its flow with login(false), and answers the PIN page that pops up. */
  async function loginOnThePinPage(typed: string): Promise<{ outcome: FlowOutcome; popup: Page; pageErrors: string[] }> {
    const context = await browser.newContext();
    const page = await context.newPage();
    const pageErrors: string[] = [];
    page.on("pageerror", (error) => pageErrors.push(error.message));
    await page.goto(`${site.url}/module.html`);
    await page.waitForFunction(() => (window as unknown as { ready?: boolean }).ready === true, undefined, { timeout: 10_000 });
    const popupOpened = context.waitForEvent("page");
    const outcome = page.evaluate((options) => (window as unknown as { run(o: typeof options): Promise<FlowOutcome> }).run(options), {
      port: fixture.t.service.port,
      applicationId: APPLICATION_ID,
      mutual: false,
      label: LABEL,
      message: MESSAGE,
      pin: "never-sent-by-the-page",
      pinPage: true,
    });
    const popup = await popupOpened;
    popup.on("pageerror", (error) => pageErrors.push(`popup: ${error.message}`));
    await popup.waitForURL(/\/pin-entry\/[A-Za-z0-9_-]{22}$/);
    await popup.locator("#pin").fill(typed);
    await popup.locator("#ok").click();
    return { outcome: await outcome, popup, pageErrors };
  }

  beforeAll(async () => {
    const files = {
      "/module.html": new URL("module.html", pages),
      "/flow.js": new URL("flow.js", pages),
      "/open-scws.js": new URL("open-scws.js", dist),
      "/open-scws.js.map": new URL("open-scws.js.map", dist),
    };
    site = await serveFiles(files, { "POST /sign-challenge": signChallengeRoute });
    fixture = await startFacadeToken(LABEL, {
      objects: "identity",
      configure: (config) => ({ ...config, applications: [...config.applications, { ...application.config, origins: [site.url] }] }),
    });
    browser = await chromium.launch(chromiumLaunchOptions());
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await site?.close();
    await fixture?.close();
  });

  it("resolves login(false) once the user typed the right PIN in the service's popup, and the key then signs", async () => {
    const { outcome, popup, pageErrors } = await loginOnThePinPage(fixture.pin);
    expect(outcome.error).toBeUndefined();
    expect(outcome.result).toMatchObject({ validatedAfterLogin: true, signatureIsArrayBuffer: true });
    expect(verify("sha256", Buffer.from(MESSAGE), fixture.identity.certificatePem, Buffer.from(String(outcome.result?.signatureHex), "hex"))).toBe(true);
    expect(new URL(popup.url()).origin).toBe(new URL(fixture.t.service.url).origin);
    expect(pageErrors).toEqual([]);
  });

  it("rejects login(false) with CKR_PIN_INCORRECT when the user typed a wrong PIN, and the popup says so", async () => {
    const { outcome, popup } = await loginOnThePinPage("wrong-in-popup");
    expect(outcome.ok).toBe(false);
    expect(outcome.error).toMatchObject({ code: "CKR_PIN_INCORRECT", isScwsError: true });
    await popup.waitForFunction(() => document.body.dataset.state === "failed");
    expect(await popup.locator("#status").textContent()).toContain("refused");
  });
});
