// Serves built static sites under a prefix: the documentation portal (apps/docs/dist) under /docs, where
// /docs/errors answers errors.html so that the problem `type` URIs the service emits (/docs/errors#CODE) lead to
// the catalogue; and, when the service runs on its demo token, the demo page (apps/demo/dist) under /demo.
import { readFile, stat } from "node:fs/promises";
import { extname, join, normalize, sep } from "node:path";
import type { Hono } from "hono";
import type { AppEnv } from "./app-env.js";

const CONTENT_TYPES: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".json": "application/json",
  ".yaml": "application/yaml",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".txt": "text/plain; charset=utf-8",
  ".map": "application/json",
};

// Redoc runs an inline module script and inline styles; everything else, including fetches, stays on this origin.
const DOCS_POLICY =
  "default-src 'self'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; font-src 'self' data:; " +
  "worker-src 'self' blob:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";
// The demo page holds a PIN field: scripts and styles from this origin's files only, nothing inline, no frames.
const DEMO_POLICY =
  "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; " +
  "frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

async function isFile(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isFile();
  } catch {
    return false;
  }
}

/** The file a path under the prefix names: itself, with `.html`, or its `index.html`; never outside `root`. */
async function fileFor(root: string, relative: string): Promise<string | undefined> {
  const base = normalize(join(root, decodeURIComponent(relative)));
  if (base !== root && !base.startsWith(root.endsWith(sep) ? root : `${root}${sep}`)) return undefined;
  for (const candidate of [base, `${base}.html`, join(base, "index.html")]) {
    if (await isFile(candidate)) return candidate;
  }
  return undefined;
}

/** Mounts GET `prefix` (a redirect to `prefix/`, so that relative links work) and `prefix/*`, served from `root`. */
function mountFiles(app: Hono<AppEnv>, prefix: string, root: string, contentSecurityPolicy: string): void {
  app.get(prefix, (c) => c.redirect(`${prefix}/`, 308));
  app.get(`${prefix}/*`, async (c, next) => {
    let relative: string;
    try {
      relative = c.req.path.slice(prefix.length + 1);
      decodeURIComponent(relative);
    } catch {
      return next();
    }
    const file = await fileFor(root, relative);
    if (!file) return next();
    return c.body(new Uint8Array(await readFile(file)), 200, {
      "content-type": CONTENT_TYPES[extname(file)] ?? "application/octet-stream",
      "cache-control": "no-cache",
      "x-content-type-options": "nosniff",
      "content-security-policy": contentSecurityPolicy,
      "referrer-policy": "no-referrer",
    });
  });
}

/** Mounts the documentation portal's built files under /docs. */
export function mountDocs(app: Hono<AppEnv>, root: string): void {
  mountFiles(app, "/docs", root, DOCS_POLICY);
}

/**
 * Sends `/` where a person should go: the demo page when the service runs on its demo token, else the portal.
 * A temporary redirect (302): where `/` leads depends on how the service was started.
 */
export function mountHome(app: Hono<AppEnv>, sites: { readonly docs: boolean; readonly demo: boolean }): void {
  const target = sites.demo ? "/demo/" : sites.docs ? "/docs/" : undefined;
  if (target) app.get("/", (c) => c.redirect(target, 302));
}

/** Mounts the demo page's built files under /demo. */
export function mountDemo(app: Hono<AppEnv>, root: string): void {
  mountFiles(app, "/demo", root, DEMO_POLICY);
}
