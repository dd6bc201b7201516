import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Hono } from "hono";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { AppEnv } from "./app-env.js";
import { mountDemo, mountDocs, mountHome } from "./static-route.js";

describe("the /docs static route", () => {
  const parent = mkdtempSync(join(tmpdir(), "scws-docs-route-"));
  const root = join(parent, "dist");
  const app = new Hono<AppEnv>();
  beforeAll(() => {
    mkdirSync(join(root, "assets"), { recursive: true });
    writeFileSync(join(root, "index.html"), "<h1>home</h1>");
    writeFileSync(join(root, "errors.html"), "<h1>errors</h1>");
    writeFileSync(join(root, "assets", "portal.css"), "body{}");
    writeFileSync(join(parent, "secret.txt"), "outside the portal");
    mountDocs(app, root);
    app.notFound((c) => c.text("not found", 404));
  });
  afterAll(() => rmSync(parent, { recursive: true, force: true }));

  it("redirects /docs to /docs/ so that relative links resolve", async () => {
    const response = await app.request("/docs");
    expect(response.status).toBe(308);
    expect(response.headers.get("location")).toBe("/docs/");
  });

  it("serves the home page, /docs/errors as errors.html, and assets with their types", async () => {
    expect(await (await app.request("/docs/")).text()).toBe("<h1>home</h1>");
    const errors = await app.request("/docs/errors");
    expect(errors.headers.get("content-type")).toBe("text/html; charset=utf-8");
    expect(await errors.text()).toBe("<h1>errors</h1>");
    expect((await app.request("/docs/assets/portal.css")).headers.get("content-type")).toBe("text/css; charset=utf-8");
  });

  it("sends a Content-Security-Policy that keeps every fetch on this origin", async () => {
    const response = await app.request("/docs/errors.html");
    expect(response.headers.get("content-security-policy")).toMatch(/default-src 'self';.*connect-src 'self'/);
    expect(response.headers.get("x-content-type-options")).toBe("nosniff");
  });

  it.each(["/docs/../secret.txt", "/docs/%2e%2e/secret.txt", "/docs/..%2fsecret.txt", "/docs/nothing-here", "/docs/%E0%A4%A"])(
    "answers %s with not found",
    async (path) => {
      const response = await app.request(path);
      expect(response.status).toBe(404);
      expect(await response.text()).not.toContain("outside the portal");
    },
  );
});

describe("the /demo static route", () => {
  const root = mkdtempSync(join(tmpdir(), "scws-demo-route-"));
  const app = new Hono<AppEnv>();
  beforeAll(() => {
    writeFileSync(join(root, "index.html"), "<h1>demo</h1>");
    writeFileSync(join(root, "demo.js"), "export {};");
    writeFileSync(join(root, "open-scws.js.map"), "{}");
    mountDemo(app, root);
    app.notFound((c) => c.text("not found", 404));
  });
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it("serves the page, its scripts and their source maps", async () => {
    expect((await app.request("/demo")).headers.get("location")).toBe("/demo/");
    expect(await (await app.request("/demo/")).text()).toBe("<h1>demo</h1>");
    expect((await app.request("/demo/demo.js")).headers.get("content-type")).toBe("text/javascript; charset=utf-8");
    expect((await app.request("/demo/open-scws.js.map")).headers.get("content-type")).toBe("application/json");
  });

  it("sends a Content-Security-Policy that allows scripts and styles from this origin's files only, nothing inline", async () => {
    const policy = (await app.request("/demo/")).headers.get("content-security-policy") ?? "";
    const directives = Object.fromEntries(
      policy
        .split(";")
        .map((directive) => directive.trim().split(/\s+/))
        .map(([name, ...values]) => [name, values]),
    );
    expect(directives["default-src"]).toEqual(["'none'"]);
    expect(directives["script-src"]).toEqual(["'self'"]);
    expect(directives["style-src"]).toEqual(["'self'"]);
    expect(directives["connect-src"]).toEqual(["'self'"]);
    expect(directives["frame-ancestors"]).toEqual(["'none'"]);
  });
});

describe("the / route", () => {
  const home = (sites: { docs: boolean; demo: boolean }) => {
    const app = new Hono<AppEnv>();
    mountHome(app, sites);
    app.notFound((c) => c.text("not found", 404));
    return app;
  };

  it("redirects to the portal when the service runs on a real token", async () => {
    const response = await home({ docs: true, demo: false }).request("/");
    expect(response.status).toBe(302);
    expect(response.headers.get("location")).toBe("/docs/");
  });

  it("redirects to the demo page when the service runs on its demo token", async () => {
    const response = await home({ docs: true, demo: true }).request("/");
    expect(response.status).toBe(302);
    expect(response.headers.get("location")).toBe("/demo/");
  });

  it("leaves / to the not-found answer when there is neither", async () => {
    expect((await home({ docs: false, demo: false }).request("/")).status).toBe(404);
  });
});
