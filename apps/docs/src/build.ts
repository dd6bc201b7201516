// Builds the portal into dist/: the API reference (Redoc with its script inlined, so it works offline), the
// guides (Markdown), the error catalogue and the configuration reference (both generated), a home page,
// and the bundled spec and configuration schema for download. `npm run build -w @open-scws/docs`.
import { execFileSync } from "node:child_process";
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { configReferenceHtml } from "./config-reference.js";
import { errorCatalogueHtml } from "./error-catalogue.js";
import { renderMarkdown } from "./markdown.js";
import { escapeHtml, navigationHtml, pageHtml } from "./page.js";
import { guides } from "./site.js";

const root = dirname(dirname(fileURLToPath(import.meta.url)));
const dist = join(root, "dist");
const require = createRequire(import.meta.url);
const specFile = require.resolve("@open-scws/spec/openapi.json");
const configSchemaFile = require.resolve("@open-scws/spec/service-config.schema.json");
/** Where the configuration guide wants the generated reference. */
const CONFIG_REFERENCE_MARK = "<!-- configuration reference -->";

function write(name: string, content: string): void {
  mkdirSync(dirname(join(dist, name)), { recursive: true });
  writeFileSync(join(dist, name), content);
}

/** Redoc's template with the portal's navigation bar above the reference. */
function referenceTemplate(): string {
  return `<!DOCTYPE html>
<html lang="en">
<head>
  <meta charset="utf-8" />
  <title>{{title}}</title>
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <link rel="stylesheet" href="assets/portal.css">
  <link rel="icon" href="assets/favicon.svg" type="image/svg+xml">
  {{{redocHead}}}
</head>
<body class="reference">
  ${navigationHtml("api.html")}
  {{{redocHTML}}}
</body>
</html>
`;
}

function buildReference(): void {
  const scratch = mkdtempSync(join(tmpdir(), "scws-docs-"));
  try {
    const template = join(scratch, "reference.hbs");
    writeFileSync(template, referenceTemplate());
    // --inlineBundle puts the Redoc script (shipped inside @redocly/cli, the same version that pre-renders the
    // page) into the page, instead of loading it from Redocly's CDN: the reference works offline.
    execFileSync(
      "npx",
      [
        "--no-install",
        "redocly",
        "build-docs",
        specFile,
        "--inlineBundle",
        "--template",
        template,
        "--output",
        join(dist, "api.html"),
        "--title",
        "open SCWS API reference",
        "--openapi.scrollYOffset",
        "48",
        "--lint-config",
        "off",
      ],
      { cwd: root, stdio: ["ignore", "ignore", "inherit"], env: { ...process.env, REDOCLY_TELEMETRY: "off", REDOCLY_SUPPRESS_UPDATE_NOTICE: "true" } },
    );
    // Redoc's attribution logo comes from Redocly's CDN: the portal promises that nothing leaves the machine, so the
    // page shows the portal's own icon there instead.
    const reference = join(dist, "api.html");
    const html = readFileSync(reference, "utf8").replace(/https:\/\/cdn\.redoc\.ly\/redoc\/logo-mini(?:-full)?\.svg/g, "assets/favicon.svg");
    if (/https:\/\/cdn\.redoc\.ly\//.test(html)) throw new Error("api.html still names cdn.redoc.ly");
    writeFileSync(reference, html);
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

function buildGuides(): void {
  for (const guide of guides) {
    const source = readFileSync(join(root, "guides", `${guide.slug}.md`), "utf8");
    const rendered = renderMarkdown(source);
    if (rendered.title !== guide.title) throw new Error(`guides/${guide.slug}.md starts with "${rendered.title}", not "${guide.title}"`);
    let body = rendered.html;
    if (guide.slug === "configuration") {
      if (!body.includes(CONFIG_REFERENCE_MARK)) throw new Error(`guides/configuration.md lacks ${CONFIG_REFERENCE_MARK}`);
      body = body.replace(CONFIG_REFERENCE_MARK, configReferenceHtml());
    }
    const contents = rendered.sections.map(([id, text]) => `<li><a href="#${id}">${escapeHtml(text)}</a></li>`).join("");
    const others = guides
      .map((other) => `<li><a href="${other.slug}.html"${other === guide ? ' aria-current="page"' : ""}>${escapeHtml(other.title)}</a></li>`)
      .join("");
    const aside = `<h4>Guides</h4><ul>${others}</ul>${contents ? `<h4>On this page</h4><ul>${contents}</ul>` : ""}`;
    write(`${guide.slug}.html`, pageHtml({ title: guide.title, current: `${guide.slug}.html`, body, aside }));
  }
}

function buildHome(): void {
  // The configuration guide is among the main entries above, not listed twice.
  const cards = guides
    .filter((guide) => guide.slug !== "configuration")
    .map((guide) => `<li><a href="${guide.slug}.html">${escapeHtml(guide.title)}</a><br>${escapeHtml(guide.summary)}</li>`)
    .join("\n");
  const body = `<h1>open SCWS documentation</h1>
<p>open SCWS is a self-hosted Smart Card Web Service: web applications use smart cards, USB tokens and HSMs through
PKCS#11 over HTTP, with the object model and error codes of the original SCWS JavaScript API, specified in OpenAPI 3.1.</p>
<ul class="cards">
<li><a href="api.html">API reference</a><br>Every operation, parameter, answer and error, generated from the OpenAPI document (<a href="openapi.json">download it</a> to generate a client in any language).</li>
<li><a href="errors.html">Error codes</a><br>Every SCWS code: what it means, its HTTP status, whether to retry, and what to do.</li>
<li><a href="configuration.html">Configuration</a><br>Every option of the configuration file and its environment variable (<a href="service-config.schema.json">JSON Schema</a>).</li>
<li><a href="../demo/">Demo page</a><br>Readers, login, a key pair, a signature and events in your browser, when the service runs on its demo token (<code>npm start</code>).</li>
</ul>
<h2>Guides</h2>
<ul class="cards">
${cards}
</ul>`;
  write("index.html", pageHtml({ title: "Documentation", current: "./", body }));
}

rmSync(dist, { recursive: true, force: true });
mkdirSync(join(dist, "assets"), { recursive: true });
for (const asset of ["portal.css", "error-filter.js", "favicon.svg"]) copyFileSync(join(root, "src/assets", asset), join(dist, "assets", asset));
copyFileSync(specFile, join(dist, "openapi.json"));
copyFileSync(configSchemaFile, join(dist, "service-config.schema.json"));
buildReference();
buildGuides();
const catalogue = errorCatalogueHtml();
write(
  "errors.html",
  pageHtml({ title: "Error codes", current: "errors.html", body: catalogue.body, aside: catalogue.aside, scripts: ["assets/error-filter.js"] }),
);
buildHome();
console.log(`The documentation portal is in ${dist}`);
