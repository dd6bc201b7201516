import { verify } from "node:crypto";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { buildFaultModule, FaultControl } from "@open-scws/pkcs11-faults";
import { SoftHsmSandbox } from "@open-scws/softhsm";
import { chromiumLaunchOptions, connectByLabel, startTestService, type TestService } from "@open-scws/test-support";
import { type Browser, chromium, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

// The demo page in real Chromium, served by the real service at /demo with the demo's development registration
// (same origin, so no CORS and no flag),
// over a SoftHSM token behind the fault-injecting module so that the token can be pulled out and put back.

const LABEL = "demo-browser";
const MESSAGE = "I agree to the terms of this demo.";

/**
 * A second SCWS object made in the page from the same bundle, with its own environment, recording its reader
 * callbacks and counting the event streams it opens. Passed as text: the test runner would rewrite a dynamic import
 * in a function.
 */
const FOLLOW_IN_PAGE = `(async () => {
  const api = await import(location.origin + "/demo/open-scws.js");
  const seen = [];
  let streams = 0;
  const counting = (request) => {
    if (request.headers.get("accept") === "text/event-stream") streams += 1;
    return fetch(request);
  };
  const scws = api.createScws({ baseUrl: location.origin, ports: [], fetch: counting });
  const record = (what) => (reader) => seen.push(what + " " + (reader.tokenSummary?.label ?? "-") + " " + reader.cardPresent);
  scws.onreaderadded = record("added");
  scws.onreaderstatechanged = record("changed");
  await scws.findService("demo");
  await scws.createEnvironment();
  Object.assign(window, { seen, eventStreams: () => streams });
})()`;

describe("the demo page in Chromium", () => {
  const sandbox = SoftHsmSandbox.temporary();
  const faults = new FaultControl(join(sandbox.dir, "faults.control"));
  let t: TestService;
  let browser: Browser;
  let pin: string;
  const problems: string[] = [];

  /** Opens the page and connects to the demo token, as a person would click it. */
  async function openOnToken(): Promise<Page> {
    const page = await browser.newPage();
    page.on("pageerror", (error) => problems.push(error.message));
    page.on("console", (message) => {
      // Chromium logs every 4xx answer, such as the wrong PIN's 403, which the page handles; other errors count.
      if (message.type() === "error" && !/^Failed to load resource: the server responded with a status of 4\d\d/.test(message.text())) {
        problems.push(message.text());
      }
    });
    await page.goto(`${t.service.url}/demo/`);
    await page.waitForSelector("html[data-ready]");
    const card = page.getByRole("listitem").filter({ hasText: LABEL });
    await card.getByRole("button", { name: "Use this token" }).click();
    await page.getByLabel("User PIN").waitFor();
    return page;
  }

  beforeAll(async () => {
    t = await startTestService({
      sandbox,
      tokenLabels: [LABEL],
      module: buildFaultModule(),
      moduleEnv: { SCWS_FAULT_CONTROL: faults.path },
      demoDir: fileURLToPath(new URL("../dist/", import.meta.url)),
      demoRegistration: true,
    });
    pin = t.tokens[LABEL]!.pin;
    browser = await chromium.launch(chromiumLaunchOptions());
  });
  afterAll(async () => {
    await browser?.close();
    await t?.close();
    sandbox.remove();
  });

  it("tells the remaining tries after a wrong PIN, and keeps the PIN nowhere: not in the field, the page or its storage", async () => {
    const page = await openOnToken();
    await page.getByLabel("User PIN").fill(`${pin}0`);
    await page.getByRole("button", { name: "Log in" }).click();
    // The remaining tries are told once (the service's message says them), not repeated in brackets.
    await expect.poll(() => page.getByRole("alert").first().textContent()).toMatch(/^CKR_PIN_INCORRECT: .*\b\d+ tries remain before it locks\.$/);
    expect(await page.getByLabel("User PIN").inputValue()).toBe("");
    const kept = await page.evaluate(() => [document.documentElement.outerHTML, JSON.stringify(localStorage), JSON.stringify(sessionStorage)].join("\n"));
    expect(kept).not.toContain(pin);
    expect(await page.evaluate(() => document.cookie)).toBe("");
    await page.close();
    expect(problems).toEqual([]);
  });

  it("logs in, makes a key pair and a self-signed certificate, signs a text, and the signature verifies in the page and in Node against the certificate on the token", async () => {
    const page = await openOnToken();
    await page.getByLabel("User PIN").fill(pin);
    await page.getByRole("button", { name: "Log in" }).click();
    await page.getByRole("button", { name: "Make a demo key pair and self-signed certificate" }).click();
    await page.getByRole("heading", { name: "4. Sign and verify" }).waitFor();
    await expect.poll(() => page.locator(".certificate").textContent()).toContain("CN=open SCWS demo user");
    const card = (await page.locator(".certificate").textContent()) ?? "";
    expect(card).toContain("not trusted: untrustedRoot");
    expect(card).toContain("Expected for this demo: the certificate is self-signed"); // why, in words
    expect(card).not.toMatch(/\d{4}-\d{2}-\d{2}T/); // dates as a person reads them, not ISO 8601
    const validFrom = await page.locator(".certificate time").first().getAttribute("datetime");
    expect(new Date(validFrom!).getTime()).not.toBeNaN();
    // The HTTP request behind a step, on demand.
    const behind = page.locator("details.http").filter({ hasText: "hash-and-sign" }).last();
    await expect(behind.locator("pre").isVisible()).resolves.toBe(false);
    await behind.locator("summary").click();
    await expect(behind.locator("pre").textContent()).resolves.toContain("POST /v1/tokens/{tokenId}/keys/{objectId}/hash-and-sign");

    await page.getByLabel("Text to sign").fill(MESSAGE);
    await page.getByRole("button", { name: "Hash and sign on the token" }).click();
    await expect.poll(() => page.locator("#signature").textContent()).toMatch(/^[0-9a-f]{128}$/);
    await page.getByRole("button", { name: "Verify the signature over the text above" }).click();
    await expect.poll(() => page.getByRole("status").last().textContent()).toBe("The signature verifies over this text.");
    await page.getByLabel("Text to sign").fill(`${MESSAGE} Not.`);
    await page.getByRole("button", { name: "Verify the signature over the text above" }).click();
    await expect.poll(() => page.getByRole("status").last().textContent()).toBe("The signature does not verify over this text.");

    // Node reads the certificate the page made from the token, through its own connection, and checks the signature.
    const signature = Buffer.from((await page.locator("#signature").textContent())!, "hex");
    // Certificates are public: no login, which the page's environment holds anyway.
    const tokenId = await connectByLabel(t, LABEL);
    const { data } = await t.client.GET("/v1/tokens/{tokenId}/objects", { params: { path: { tokenId }, query: { type: "certificate" } } });
    const [certificate] = data!.objects;
    const value = await t.client.GET("/v1/tokens/{tokenId}/objects/{objectId}/value", {
      params: { path: { tokenId, objectId: certificate!.id }, query: { encoding: "pem" } },
    });
    expect(verify("sha256", Buffer.from(MESSAGE), { key: value.data!.value, dsaEncoding: "ieee-p1363" }, signature)).toBe(true);
    await t.client.DELETE("/v1/tokens/{tokenId}", { params: { path: { tokenId } } });
    await page.close();
    expect(problems).toEqual([]);
  });

  it("fires the SCWS reader callbacks in the page, over a fetch event stream, when the token disappears and reappears, and says so in its events", async () => {
    const page = await openOnToken();
    await page.evaluate(FOLLOW_IN_PAGE);
    const seen = () => page.evaluate(() => (window as unknown as { seen: string[] }).seen);
    await expect.poll(seen).toContain(`added ${LABEL} true`);

    faults.removeToken(LABEL);
    try {
      await expect.poll(seen).toContain("changed - false");
      await expect.poll(() => page.locator("#events").textContent()).toContain("Token removed from");
      await expect.poll(() => page.locator("#token-section").isHidden()).toBe(true);
    } finally {
      faults.restoreToken(LABEL);
    }
    await expect.poll(seen).toContain(`changed ${LABEL} true`);
    await expect.poll(() => page.locator("#events").textContent()).toContain(`Token inserted: "${LABEL}"`);
    expect(await page.evaluate(() => (window as unknown as { eventStreams(): number }).eventStreams())).toBeGreaterThanOrEqual(1);
    await page.close();
    expect(problems).toEqual([]);
  });
});
