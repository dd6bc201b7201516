// Serves the documentation portal's static files (apps/docs/dist) under /docs: /docs/errors answers
// errors.html, so that the problem `type` URIs the service emits (/docs/errors#CODE) lead to the catalogue.
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
};

// Redoc runs an inline module script and inline styles; everything else, including fetches, stays on this origin.
const CONTENT_SECURITY_POLICY =
  "default-src 'self'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; font-src 'self' data:; " +
  "worker-src 'self' blob:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

async function isFile(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isFile();
  } catch {
    return false;
  }
}

/** The file a /docs path names: itself, with `.html`, or its `index.html`; never outside `root`. */
async function fileFor(root: string, relative: string): Promise<string | undefined> {
  const base = normalize(join(root, decodeURIComponent(relative)));
  if (base !== root && !base.startsWith(root.endsWith(sep) ? root : `${root}${sep}`)) return undefined;
  for (const candidate of [base, `${base}.html`, join(base, "index.html")]) {
    if (await isFile(candidate)) return candidate;
  }
  return undefined;
}

/** Mounts GET /docs and /docs/* on the app, served from `root`; /docs redirects to /docs/ so that relative links work. */
export function mountDocs(app: Hono<AppEnv>, root: string): void {
  app.get("/docs", (c) => c.redirect("/docs/", 308));
  app.get("/docs/*", async (c, next) => {
    let relative: string;
    try {
      relative = c.req.path.slice("/docs/".length);
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
      "content-security-policy": CONTENT_SECURITY_POLICY,
      "referrer-policy": "no-referrer",
    });
  });
}
