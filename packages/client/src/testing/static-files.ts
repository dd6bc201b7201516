// Test helper: serves a fixed set of files on 127.0.0.1, as the web application's own origin would.
import { readFile } from "node:fs/promises";
import { extname } from "node:path";
import { type Handler, httpServer, type Listening } from "./fake-services.js";

const types: Record<string, string> = { ".html": "text/html; charset=utf-8", ".js": "text/javascript; charset=utf-8", ".map": "application/json" };

/**
 * Serves `files` (URL path → file on disk) on GET, and `routes` (keyed `"METHOD /path"`, as the site's back end
 * would answer them); anything else is a 404.
 */
export function serveFiles(files: Readonly<Record<string, string | URL>>, routes: Readonly<Record<string, Handler>> = {}): Promise<Listening> {
  return httpServer((request, response) => {
    const path = new URL(request.url ?? "/", "http://x").pathname;
    const route = routes[`${request.method} ${path}`];
    if (route) return route(request, response);
    const file = request.method === "GET" ? files[path] : undefined;
    if (!file) {
      response.writeHead(404).end();
      return;
    }
    readFile(file).then(
      (content) => response.writeHead(200, { "content-type": types[extname(String(file))] ?? "application/octet-stream" }).end(content),
      () => response.writeHead(500).end(),
    );
  });
}
