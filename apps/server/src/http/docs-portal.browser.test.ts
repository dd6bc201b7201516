// The documentation portal as a person sees it: served by the real service, driven in Chromium (Debian's
// package, headless; never a downloaded browser).
import { errorCatalogue, errorCodes } from "@open-scws/errors";
import { openApiDocument } from "@open-scws/spec";
import { chromiumLaunchOptions, startTestService, type TestService } from "@open-scws/test-support";
import { type Browser, chromium, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

type Operation = { operationId: string; summary: string; tags: string[]; path: string; method: string };
const operations: Operation[] = Object.entries(openApiDocument.paths as Record<string, Record<string, Operation>>).flatMap(([path, item]) =>
  Object.entries(item)
    .filter(([, operation]) => typeof operation.operationId === "string")
    .map(([method, operation]) => ({ ...operation, path, method: method.toUpperCase() })),
);

describe("the documentation portal in Chromium", () => {
  let t: TestService;
  let browser: Browser;
  let page: Page;
  const outside: string[] = [];
  const pageErrors: string[] = [];

  beforeAll(async () => {
    t = await startTestService();
    browser = await chromium.launch(chromiumLaunchOptions());
    page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    page.on("request", (request) => {
      const url = request.url();
      if (!url.startsWith(t.service.url) && !url.startsWith("data:")) outside.push(url);
    });
    page.on("pageerror", (error) => pageErrors.push(error.message));
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  it("renders the home page, linking the reference, the guides and the error codes", async () => {
    const response = await page.goto(`${t.service.url}/docs`);
    expect(response?.status()).toBe(200);
    expect(page.url()).toBe(`${t.service.url}/docs/`);
    await expect(page.locator("h1").textContent()).resolves.toBe("open SCWS documentation");
    const links = await page.locator("main a").evaluateAll((anchors) => anchors.map((anchor) => anchor.getAttribute("href")));
    expect(links).toEqual(expect.arrayContaining(["api.html", "errors.html", "configuration.html", "getting-started.html", "deploying.html"]));
  });

  it("lists every operation of the bundled spec in the API reference", async () => {
    await page.goto(`${t.service.url}/docs/api.html`, { waitUntil: "networkidle" });
    await page.locator('a[href^="#/"]').first().waitFor();
    expect(operations.length).toBeGreaterThanOrEqual(9);
    // Redoc's menu and content are virtualised: only entries near the view exist. Open each operation's anchor,
    // then find its menu entry (its summary, under its tag) and its method and path in the content.
    for (const operation of operations) {
      const anchor = `#/${operation.tags[0]}/${operation.operationId.toLowerCase()}`;
      await page.evaluate((hash) => {
        location.hash = hash;
      }, anchor);
      const shown = await page
        .waitForFunction((expected) => document.body.innerText.includes(expected), `${operation.method}\n${operation.path}`, { timeout: 10_000 })
        .then(
          () => true,
          () => false,
        );
      expect(shown, `${operation.method} ${operation.path}`).toBe(true);
      const inMenu = await page
        .waitForFunction(
          ([href, summary]) => [...document.querySelectorAll(`a[href="${href}"]`)].some((link) => link.textContent?.includes(summary!)),
          [anchor, operation.summary],
          { timeout: 10_000 },
        )
        .then(
          () => true,
          () => false,
        );
      expect(inMenu, `menu entry of ${operation.operationId}`).toBe(true);
    }
    // A guard against a hang, not a speed limit: some seventy operations, each laid out by Chromium, on a shared machine.
  }, 180_000);

  it("finds an operation by its name with the reference's search, and opens it", async () => {
    await page.goto(`${t.service.url}/docs/api.html`, { waitUntil: "networkidle" });
    // The search box says "Loading..." until its index is built, then "Search".
    const opener = page.getByTestId("search-trigger");
    await expect.poll(() => opener.innerText(), { timeout: 10_000 }).toContain("Search");
    await opener.click();
    const search = page.getByPlaceholder("Search docs...");
    await search.fill("Check readiness");
    // The result names the operation by its summary; choosing it opens the operation.
    const result = page.getByText("Check readiness").first();
    await result.waitFor({ timeout: 10_000 });
    await result.click();
    await expect.poll(() => page.url(), { timeout: 5_000 }).toMatch(/#\/monitoring\/getreadiness$/);
  });

  it("shows every error code on the catalogue page, at the anchor a problem type names", async () => {
    await page.goto(`${t.service.url}/docs/errors#CKR_PIN_INCORRECT`);
    const shown = await page.locator("article.error-code").evaluateAll((entries) => entries.map((entry) => entry.id));
    expect(shown.sort()).toEqual([...errorCodes].sort());
    await expect(page.evaluate(() => document.querySelector(":target")?.id)).resolves.toBe("CKR_PIN_INCORRECT");
    await expect(page.locator("#CKR_PIN_INCORRECT").isVisible()).resolves.toBe(true);
  });

  it("follows the type of a real error answer to its entry in the catalogue", async () => {
    const { error } = await t.client.GET("/v1/readers/{readerId}", { params: { path: { readerId: "r-0000000000000000" } } });
    expect(error?.type).toBe("/docs/errors#CKR_SLOT_ID_INVALID");
    await page.goto(new URL(error!.type, t.service.url).href);
    await expect(page.evaluate(() => document.querySelector(":target")?.id)).resolves.toBe("CKR_SLOT_ID_INVALID");
    await expect(page.locator("#CKR_SLOT_ID_INVALID h3").innerText()).resolves.toContain(errorCatalogue.CKR_SLOT_ID_INVALID.title);
  });

  it("filters the error catalogue as you type", async () => {
    await page.goto(`${t.service.url}/docs/errors`);
    await page.getByLabel("Filter:").fill("CKR_PIN_L");
    const visible = await page.locator("article.error-code:visible").evaluateAll((entries) => entries.map((entry) => entry.id));
    expect(visible.sort()).toEqual(["CKR_PIN_LEN_RANGE", "CKR_PIN_LOCKED"]);
  });

  it("renders every guide and the configuration reference", async () => {
    for (const [path, heading] of [
      ["getting-started", "Getting started"],
      ["applications", "Applications and environments"],
      ["pin-life-cycle", "The PIN life cycle"],
      ["handling-errors", "Errors and how to handle them"],
      ["migrating", "Moving SCWS code over"],
      ["configuration", "Configuration"],
      ["deploying", "Deploying and operating"],
    ]) {
      const response = await page.goto(`${t.service.url}/docs/${path}`);
      expect(response?.status(), path).toBe(200);
      await expect(page.locator("h1").innerText()).resolves.toContain(heading);
    }
    await page.goto(`${t.service.url}/docs/configuration#option-listen-port`);
    await expect(page.locator("#option-listen-port").innerText()).resolves.toContain("SCWS_PORT");
  });

  it("loaded nothing from another site and raised no script error", () => {
    expect(outside).toEqual([]); // not even Redoc's attribution logo: the build points it at the portal's own icon
    expect(pageErrors).toEqual([]);
  });
});
