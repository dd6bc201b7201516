// The configuration reference, generated from the configuration file's JSON Schema: every option with its
// type, default, environment variable, description and example, so the portal cannot drift from the loader.
import { serviceConfigSchema } from "@open-scws/spec";
import { escapeHtml } from "./page.js";

type Schema = Record<string, unknown>;

/** One documented option. */
export interface OptionDoc {
  /** `listen.port`, `modules[].library`. */
  readonly path: string;
  readonly type: string;
  readonly defaultValue?: unknown;
  readonly variable?: string;
  readonly description: string;
  readonly example?: unknown;
  readonly required: boolean;
}

function typeOf(schema: Schema): string {
  if (Array.isArray(schema.enum)) return (schema.enum as unknown[]).map((value) => JSON.stringify(value)).join(" | ");
  if (schema.type === "array") {
    const items = (schema.items ?? {}) as Schema;
    return items.type === "object" ? "list of objects" : `list of ${String(items.type)}s`;
  }
  const range = schema.minimum !== undefined || schema.maximum !== undefined ? ` (${schema.minimum ?? "…"}–${schema.maximum ?? "…"})` : "";
  return `${String(schema.type)}${range}`;
}

/** Every option of the schema, depth first, in the schema's order. */
export function optionsOf(schema: Schema = serviceConfigSchema, prefix = ""): OptionDoc[] {
  const properties = (schema.properties ?? {}) as Record<string, Schema>;
  const required = new Set((schema.required ?? []) as string[]);
  return Object.entries(properties).flatMap(([name, child]) => {
    const path = `${prefix}${name}`;
    const doc: OptionDoc = {
      path,
      type: typeOf(child),
      defaultValue: child.default,
      ...(typeof child["x-env"] === "string" ? { variable: child["x-env"] } : {}),
      description: String(child.description ?? ""),
      example: (child.examples as unknown[] | undefined)?.[0],
      required: required.has(name),
    };
    const items = child.items as Schema | undefined;
    const nested = child.type === "object" ? optionsOf(child, `${path}.`) : items?.type === "object" ? optionsOf(items, `${path}[].`) : [];
    return [doc, ...nested];
  });
}

function code(value: unknown): string {
  if (value === undefined) return "";
  const text = typeof value === "string" ? value : JSON.stringify(value);
  return `<code>${escapeHtml(text.length > 90 ? `${text.slice(0, 87)}...` : text)}</code>`;
}

/** Inline Markdown-style `code` in schema descriptions, as HTML. */
function prose(text: string): string {
  return escapeHtml(text).replace(/`([^`]+)`/g, "<code>$1</code>");
}

/** The reference as an HTML table, each row with an anchor `option-<path>`. */
export function configReferenceHtml(): string {
  const rows = optionsOf().map((option) => {
    const id = `option-${option.path.replace(/\[\]/g, "").replace(/[^A-Za-z0-9]+/g, "-")}`;
    const defaultText = option.required ? "required" : option.defaultValue === undefined ? "" : code(option.defaultValue);
    return `<tr id="${id}"><td><a href="#${id}"><code>${escapeHtml(option.path)}</code></a></td><td>${escapeHtml(option.type)}</td><td>${defaultText}</td><td>${option.variable ? `<code>${option.variable}</code>` : ""}</td><td>${prose(option.description)}${option.example === undefined ? "" : `<br><span class="example">Example: ${code(option.example)}</span>`}</td></tr>`;
  });
  return `<table class="config-reference"><thead><tr><th>Option</th><th>Type</th><th>Default</th><th>Variable</th><th>Meaning</th></tr></thead><tbody>
${rows.join("\n")}
</tbody></table>`;
}
