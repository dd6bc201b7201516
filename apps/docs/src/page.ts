// The HTML shell every portal page shares (except the Redoc reference, which has its own template):
// the top navigation, the page's content, and the local stylesheet. No page loads anything from elsewhere.
import { navigation } from "./site.js";

/** Escapes text for HTML element content and attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);
}

/** The navigation bar, with the current page marked. */
export function navigationHtml(current: string): string {
  const links = navigation.map(([label, href]) => `<a href="${href}"${href === current ? ' aria-current="page"' : ""}>${escapeHtml(label)}</a>`);
  return `<header class="portal-nav"><a class="brand" href="./">open SCWS</a><nav>${links.join("")}</nav></header>`;
}

/** A complete page. `body` is trusted HTML; `scripts` are local script files. */
export function pageHtml(options: { title: string; current: string; body: string; aside?: string; scripts?: readonly string[] }): string {
  const scripts = (options.scripts ?? []).map((src) => `<script src="${src}" defer></script>`).join("");
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(options.title)} · open SCWS</title>
<link rel="stylesheet" href="assets/portal.css">
<link rel="icon" href="assets/favicon.svg" type="image/svg+xml">
${scripts}
</head>
<body>
${navigationHtml(options.current)}
<div class="portal-page">${options.aside ? `<aside class="portal-aside">${options.aside}</aside>` : ""}<main class="portal-main">
${options.body}
</main></div>
<footer class="portal-footer">open SCWS documentation, built from the OpenAPI document and the error catalogue of this release. Works offline.</footer>
</body>
</html>
`;
}
