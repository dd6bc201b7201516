import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createServer, type Server } from "node:https";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { chromiumLaunchOptions, startTestService, type TestService, testApplication } from "@open-scws/test-support";
import { type Browser, type BrowserContext, chromium } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { closedPort } from "../testing/fake-services.js";

// Chromium's Local Network Access: a page on an HTTPS origin that is not loopback must be granted the permission to
// reach the service on 127.0.0.1. The page is served over HTTPS (a self-signed certificate made here) as
// https://app.example.test, which --host-resolver-rules maps to 127.0.0.1; --ip-address-space-overrides makes
// Chromium treat that address and port as a public site, as a real intranet or internet site is, so LNA applies
// (the denied cases prove it: the browser blocks the request and says so on the console).

const HOST = "app.example.test";
/** Another site, which embeds the application's page in a frame. */
const EMBEDDER = "portal.example.test";
const APPLICATION_ID = "lna-app";
const bundle = new URL("../../dist/browser/open-scws.global.js", import.meta.url);
const PAGE = `<!doctype html><meta charset="utf-8"><title>LNA</title><script src="/open-scws.global.js"></script>
<script>
  window.find = async (port) => {
    try {
      return { challenge: await OpenScws.createScws({ ports: [port] }).findService("${APPLICATION_ID}") };
    } catch (error) {
      return { error: { code: error.code, reason: error.customData && error.customData.reason, message: error.message } };
    }
  };
</script>`;

interface Found {
  challenge?: string;
  error?: { code: string; reason?: string; message: string };
}

describe("Local Network Access in Chromium: a public HTTPS page reaching the service on loopback", () => {
  let certificates: string;
  let site: Server;
  let origin: string;
  let t: TestService;
  let browser: Browser;

  beforeAll(async () => {
    certificates = mkdtempSync(join(tmpdir(), "scws-lna-"));
    const [key, cert] = [join(certificates, "key.pem"), join(certificates, "cert.pem")];
    execFileSync(
      "openssl",
      ["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-keyout", key, "-out", cert, "-days", "1"].concat([
        "-subj",
        `/CN=${HOST}`,
        "-addext",
        `subjectAltName=DNS:${HOST},DNS:${EMBEDDER}`,
      ]),
      { stdio: "ignore" },
    );
    site = createServer({ key: readFileSync(key), cert: readFileSync(cert) }, (request, response) => {
      if (request.url === "/open-scws.global.js") response.writeHead(200, { "content-type": "text/javascript" }).end(readFileSync(bundle));
      else if (request.url === "/embedding")
        response
          .writeHead(200, { "content-type": "text/html; charset=utf-8" })
          .end(`<!doctype html><iframe allow="local-network-access; loopback-network" src="${origin}/"></iframe>`);
      else response.writeHead(200, { "content-type": "text/html; charset=utf-8" }).end(PAGE);
    });
    await new Promise<void>((listening) => site.listen(0, "127.0.0.1", listening));
    const port = (site.address() as { port: number }).port;
    origin = `https://${HOST}:${port}`;
    const application = testApplication(APPLICATION_ID, [origin]);
    t = await startTestService({ configure: (config) => ({ ...config, applications: [...config.applications, application.config] }) });
    const { executablePath, args } = chromiumLaunchOptions();
    const lna = [
      `--host-resolver-rules=MAP ${HOST} 127.0.0.1, MAP ${EMBEDDER} 127.0.0.1`,
      `--ip-address-space-overrides=127.0.0.1:${port}=public`,
      "--ignore-certificate-errors",
    ];
    browser = await chromium.launch({ executablePath, args: [...args, ...lna] });
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await t?.close();
    await new Promise((closed) => site?.close(closed));
    rmSync(certificates, { recursive: true, force: true });
  });

  /** A page of the site in a fresh browser context, its permission set first; what findService did, the console, and the permission before. */
  async function findFrom(permission: "granted" | "denied" | "unset", port = t.service.port): Promise<{ found: Found; console: string; before: string }> {
    const context: BrowserContext = await browser.newContext({ ignoreHTTPSErrors: true });
    try {
      const page = await context.newPage();
      if (permission === "granted") await context.grantPermissions(["local-network-access"], { origin });
      if (permission === "denied") {
        const { targetInfo } = await (await context.newCDPSession(page)).send("Target.getTargetInfo");
        const cdp = await browser.newBrowserCDPSession();
        const permissionOf = (name: string) => ({ permission: { name }, setting: "denied" as const, origin, browserContextId: targetInfo.browserContextId });
        for (const name of ["local-network-access", "loopback-network", "local-network"]) await cdp.send("Browser.setPermission", permissionOf(name));
      }
      const lines: string[] = [];
      page.on("console", (message) => lines.push(message.text()));
      await page.goto(`${origin}/`);
      expect(await page.evaluate(() => isSecureContext)).toBe(true);
      const before = await page.evaluate(async () => (await navigator.permissions.query({ name: "local-network-access" as PermissionName })).state);
      const found = await page.evaluate((servicePort) => (window as unknown as { find(port: number): Promise<Found> }).find(servicePort), port);
      return { found, console: lines.join("\n"), before };
    } finally {
      await context.close();
    }
  }

  it("reaches the service once the permission is granted: findService answers a challenge", async () => {
    const { found } = await findFrom("granted");
    expect(found.error).toBeUndefined();
    expect(found.challenge).toMatch(/^[0-9a-f]{64}$/);
  });

  it("says the permission is denied (customData.reason local-network-access-denied) when the user denied it", async () => {
    const { found, console } = await findFrom("denied");
    expect(found.error).toMatchObject({ code: "MWR_SCWS_UNREACHABLE", reason: "local-network-access-denied" });
    expect(found.error?.message).toMatch(/Local Network Access permission is denied/);
    expect(console).toMatch(/Permission was denied for this request to access the `loopback` address space/);
  });

  it("says the permission is denied when the browser's prompt was refused (headless Chromium refuses it for the user)", async () => {
    const { found, console, before } = await findFrom("unset");
    expect(before).toBe("prompt");
    expect(found.error).toMatchObject({ code: "MWR_SCWS_UNREACHABLE", reason: "local-network-access-denied" });
    expect(console).toMatch(/Permission was denied for this request to access the `loopback` address space/);
  });

  it("says the service is not running (not-running) when the permission is granted and nothing listens", async () => {
    const { found } = await findFrom("granted", await closedPort());
    expect(found.error).toMatchObject({ code: "MWR_SCWS_UNREACHABLE", reason: "not-running" });
    expect(found.error?.message).toMatch(/service is running/);
  });

  it("decides a framed page's calls by the embedding site's permission, not the frame's own", async () => {
    const embedder = origin.replace(HOST, EMBEDDER);
    const findInFrame = async (grantedTo: string) => {
      const context = await browser.newContext({ ignoreHTTPSErrors: true });
      try {
        await context.grantPermissions(["local-network-access"], { origin: grantedTo });
        const page = await context.newPage();
        await page.goto(`${embedder}/embedding`);
        const frame = page.frames().find((candidate) => candidate.url().startsWith(origin))!;
        await frame.waitForFunction(() => typeof (window as unknown as { find?: unknown }).find === "function");
        return await frame.evaluate((servicePort) => (window as unknown as { find(port: number): Promise<Found> }).find(servicePort), t.service.port);
      } finally {
        await context.close();
      }
    };
    expect((await findInFrame(embedder)).challenge).toMatch(/^[0-9a-f]{64}$/);
    expect((await findInFrame(origin)).error).toMatchObject({ code: "MWR_SCWS_UNREACHABLE", reason: "local-network-access-denied" });
  });
});
