// Checks the built portal in dist/ (turbo builds it before the tests): the error catalogue has every code under
// the anchor the service's problem types use, every local link resolves, nothing is loaded from elsewhere, and
// the configuration reference covers every option of the schema.
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { errorCodes, problemTypeFor } from "@open-scws/errors";
import { describe, expect, it } from "vitest";
import { optionsOf } from "./config-reference.js";
import { renderMarkdown, slugOf } from "./markdown.js";
import { guides } from "./site.js";

const dist = join(dirname(dirname(fileURLToPath(import.meta.url))), "dist");
const pages = readdirSync(dist).filter((name) => name.endsWith(".html"));
const read = (name: string) => readFileSync(join(dist, name), "utf8");
const idsOf = (html: string) => new Set([...html.matchAll(/\sid="([^"]+)"/g)].map((match) => match[1]!));

describe("the built portal", () => {
  it("has a home page, the API reference, the error catalogue and every guide", () => {
    expect(pages).toEqual(expect.arrayContaining(["index.html", "api.html", "errors.html", ...guides.map((guide) => `${guide.slug}.html`)]));
    expect(existsSync(join(dist, "openapi.json"))).toBe(true);
    expect(existsSync(join(dist, "service-config.schema.json"))).toBe(true);
  });

  it("gives every error code an entry whose id is the fragment of its problem type", () => {
    const html = read("errors.html");
    const entries = [...html.matchAll(/<article class="error-code" id="([^"]+)"/g)].map((match) => match[1]);
    expect(entries.sort()).toEqual([...errorCodes].sort());
    for (const code of errorCodes) expect(problemTypeFor(code)).toBe(`/docs/errors#${code}`);
  });

  it("resolves every local link and anchor between its pages", () => {
    const broken: string[] = [];
    for (const page of pages.filter((name) => name !== "api.html")) {
      for (const [, target] of read(page).matchAll(/\s(?:href|src)="([^"]+)"/g)) {
        // ../demo/ is the service's demo page, beside the portal (served on the demo token), not one of its files.
        if (/^(?:https?:|mailto:|data:)/.test(target!) || target === "../demo/") continue;
        const [path, fragment] = target!.split("#");
        const file = path === "" ? page : path === "./" ? "index.html" : path!;
        if (!existsSync(join(dist, file))) broken.push(`${page}: ${target} (no ${file})`);
        else if (fragment && file.endsWith(".html") && file !== "api.html" && !idsOf(read(file)).has(fragment))
          broken.push(`${page}: ${target} (no #${fragment})`);
      }
    }
    expect(broken).toEqual([]);
  });

  it("loads no script, style or font from another site, and the reference carries Redoc inline", () => {
    for (const page of pages) {
      const html = read(page);
      expect(html, page).not.toMatch(/<(?:script|link)[^>]+(?:src|href)="(?:https?:)?\/\//);
      expect(html, page).not.toMatch(/import\s*\{[^}]*\}\s*from\s*["']https?:/);
    }
    const api = read("api.html");
    expect(api).toContain("hydrate(__redoc_definition");
    expect(api.length).toBeGreaterThan(1_000_000); // the inlined Redoc bundle
  });

  it("documents every configuration option, with its environment variable", () => {
    const html = read("configuration.html");
    const options = optionsOf();
    expect(options.length).toBeGreaterThan(15);
    for (const option of options) {
      expect(html).toContain(`<code>${option.path}</code>`);
      if (option.variable) expect(html).toContain(`<code>${option.variable}</code>`);
    }
  });
});

describe("guides in Markdown", () => {
  it("get GitHub-style heading ids, unique within a page, and a table of contents", () => {
    const rendered = renderMarkdown("# Title & more\n\n## Run it\n\n## Run it\n\n## `code` and PKCS#11\n");
    expect(rendered.title).toBe("Title & more");
    expect(rendered.sections).toEqual([
      ["run-it", "Run it"],
      ["run-it-1", "Run it"],
      ["code-and-pkcs11", "code and PKCS#11"],
    ]);
    expect(rendered.html).toContain('<h2 id="run-it-1">');
  });

  it("slugs headings to lower-case words joined by dashes", () => {
    expect(slugOf("Moving SCWS code over")).toBe("moving-scws-code-over");
    expect(slugOf("Health, metrics & logs")).toBe("health-metrics-logs");
  });
});
