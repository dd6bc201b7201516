// Answers requests that match no operation: 405 with the allowed methods when the path exists, 404 otherwise.
import { ScwsError } from "@open-scws/errors";
import type { RouteDefinition } from "../generated/routes.js";

interface PathPattern {
  readonly pattern: RegExp;
  readonly methods: string[];
}

/** Compiles the route table's paths once, for matching requests no route took. */
export function unmatchedRouteError(routes: readonly RouteDefinition[]): (method: string, path: string) => ScwsError {
  const patterns = new Map<string, PathPattern>();
  for (const route of routes) {
    const entry = patterns.get(route.path) ?? {
      pattern: new RegExp(`^${route.path.replace(/\{[^}]+\}/g, "[^/]+")}/?$`),
      methods: [],
    };
    entry.methods.push(route.method);
    patterns.set(route.path, entry);
  }
  return (method, path) => {
    for (const { pattern, methods } of patterns.values()) {
      if (!pattern.test(path)) continue;
      return new ScwsError("SCWS_METHOD_NOT_ALLOWED", { message: `${method} is not allowed on ${path}.`, customData: { allowed: methods } });
    }
    return new ScwsError("SCWS_ROUTE_NOT_FOUND", { message: `No endpoint at ${path}.` });
  };
}
