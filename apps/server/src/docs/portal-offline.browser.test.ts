// The portal keeps its promise to work offline, on every page: no request leaves the machine and no console error;
// the error catalogue's filter and counts work; the top menu is usable on a 390 px phone screen.

import { chromiumLaunchOptions, startTestService, type TestService } from "@open-scws/test-support";
import { type Browser, chromium, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const PAGES = [
  "",
  "api.html",
  "errors.html",
  "configuration.html",
  "getting-started.html",
  "applications.html",
  "pin-life-cycle.html",
  "handling-errors.html",
  "migrating.html",
  "deploying.html",
];

describe("the portal, offline and on a phone", () => {
  let t: TestService;
  let browser: Browser;
  beforeAll(async () => {
    t = await startTestService();
    browser = await chromium.launch(chromiumLaunchOptions());
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  /** A page that records every request beyond the service and every console error. */
  async function watchedPage(width = 1280): Promise<{ page: Page; outside: string[]; errors: string[] }> {
    const page = await browser.newPage({ viewport: { width, height: 844 } });
    const outside: string[] = [];
    const errors: string[] = [];
    page.on("request", (request) => {
      const url = request.url();
      if (!url.startsWith(`${t.service.url}/`) && !/^(data|blob|about):/.test(url)) outside.push(url);
    });
    page.on("console", (message) => {
      if (message.type() === "error") errors.push(message.text());
    });
    page.on("pageerror", (error) => errors.push(error.message));
    return { page, outside, errors };
  }

  it.each(PAGES)("loads /docs/%s without a request beyond the service or a console error", async (path) => {
    const { page, outside, errors } = await watchedPage();
    const response = await page.goto(`${t.service.url}/docs/${path}`, { waitUntil: "networkidle" });
    expect(response?.status()).toBe(200);
    expect(outside).toEqual([]);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('filters the catalogue by "retryable" and updates each group\'s count', async () => {
    const { page } = await watchedPage();
    await page.goto(`${t.service.url}/docs/errors`);
    const total = await page.locator("article.error-code").count();
    await page.getByLabel("Filter:").fill("retryable");
    const visible = await page.locator("article.error-code:visible").evaluateAll((entries) => entries.map((entry) => entry.id));
    expect(visible.length).toBeGreaterThan(0);
    expect(visible.length).toBeLessThan(total);
    expect(visible).toEqual(expect.arrayContaining(["SCWS_RATE_LIMITED", "SCWS_LIMIT_REACHED"]));
    expect(visible).not.toContain("CKR_PIN_INCORRECT");
    const service = page.locator("#origin-service .error-count");
    const shownInService = await page.locator("#origin-service article.error-code:visible").count();
    await expect(service.textContent()).resolves.toBe(`${shownInService} of ${await service.getAttribute("data-total")}`);
    await page.getByLabel("Filter:").fill("");
    await expect(service.textContent()).resolves.toBe(await service.getAttribute("data-total"));
    await page.close();
  });

  it("keeps every top menu link reachable at 390 px, without the page overflowing sideways", async () => {
    const { page } = await watchedPage(390);
    await page.goto(`${t.service.url}/docs/`);
    await expect(page.evaluate(() => document.documentElement.scrollWidth)).resolves.toBeLessThanOrEqual(390);
    const links = page.locator(".portal-nav nav a");
    const count = await links.count();
    expect(count).toBeGreaterThan(3);
    for (let index = 0; index < count; index++) {
      const link = links.nth(index);
      await link.scrollIntoViewIfNeeded();
      const box = await link.boundingBox();
      expect(box, (await link.textContent()) ?? undefined).not.toBeNull();
      expect(box!.x).toBeGreaterThanOrEqual(0);
      expect(box!.x + box!.width).toBeLessThanOrEqual(390);
    }
    await links.last().click();
    await expect.poll(() => page.url()).not.toBe(`${t.service.url}/docs/`);
    await page.close();
  });

  it("names the shipped features on the landing page, lists Configuration once and links the demo", async () => {
    const { page } = await watchedPage();
    await page.goto(`${t.service.url}/docs/`);
    const main = (await page.locator("main").textContent()) ?? "";
    expect(main).not.toMatch(/coming/i);
    const hrefs = await page.locator("main a").evaluateAll((anchors) => anchors.map((anchor) => anchor.getAttribute("href")));
    expect(hrefs.filter((href) => href === "configuration.html")).toHaveLength(1);
    expect(hrefs).toContain("../demo/");
    await page.close();
  });
});
