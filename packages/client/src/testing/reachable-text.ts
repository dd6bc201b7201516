// Test helper: every text reachable from values through their own properties and the getters of their classes, as a
// web application could read it, plus Node's inspection (stack traces included), to search for canary secrets.
import { inspect } from "node:util";

function gettersOf(value: object): string[] {
  const names: string[] = [];
  for (let proto = Object.getPrototypeOf(value); proto && proto !== Object.prototype; proto = Object.getPrototypeOf(proto)) {
    for (const [name, descriptor] of Object.entries(Object.getOwnPropertyDescriptors(proto))) if (descriptor.get) names.push(name);
  }
  return names;
}

/** All strings and numbers reachable from `roots`, and their inspection, joined. */
export function reachableText(...roots: unknown[]): string {
  const seen = new Set<unknown>();
  const parts: string[] = [];
  const visit = (value: unknown): void => {
    if (value === null || value === undefined || typeof value === "function") return;
    if (typeof value !== "object") {
      parts.push(String(value));
      return;
    }
    if (seen.has(value)) return;
    seen.add(value);
    if (value instanceof ArrayBuffer || ArrayBuffer.isView(value)) {
      parts.push(Buffer.from(value instanceof ArrayBuffer ? value : value.buffer).toString("latin1"));
      return;
    }
    parts.push(inspect(value, { depth: 2, showHidden: true }));
    for (const key of [...Reflect.ownKeys(value), ...gettersOf(value)]) {
      try {
        visit(Reflect.get(value, key));
      } catch {
        // A getter that throws shows nothing.
      }
    }
  };
  for (const root of roots) visit(root);
  return parts.join("\n");
}
