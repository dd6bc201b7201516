// Checks an HTTP answer against the bundled spec: its status must be declared for the operation, and its
// content type and body must match that response's schema. Used by every contract test.
import { openApiDocument } from "@open-scws/spec";
import { Ajv2020, type ValidateFunction } from "ajv/dist/2020.js";
import addFormats from "ajv-formats";

type Json = Record<string, unknown>;

const document = openApiDocument as Json;
const ajv = new Ajv2020({ allErrors: true, strict: false, validateFormats: true });
addFormats.default(ajv);
ajv.addSchema({
  $id: "components.json",
  $defs: JSON.parse(JSON.stringify((document.components as Json).schemas).replaceAll('"#/components/schemas/', '"components.json#/$defs/')),
});

const compiled = new Map<string, ValidateFunction>();

function resolve(node: unknown): Json {
  const ref = (node as { $ref?: string }).$ref;
  if (!ref) return node as Json;
  let target: unknown = document;
  for (const segment of ref.slice(2).split("/")) target = (target as Json)[segment];
  return resolve(target);
}

function schemaValidator(schema: Json): ValidateFunction {
  const key = JSON.stringify(schema);
  let validate = compiled.get(key);
  if (!validate) {
    validate = ajv.compile(JSON.parse(key.replaceAll('"#/components/schemas/', '"components.json#/$defs/')) as Json);
    compiled.set(key, validate);
  }
  return validate;
}

/** The OpenAPI path template a concrete path matches, such as `/v1/readers/{readerId}`. */
export function pathTemplateOf(path: string): string | undefined {
  const templates = Object.keys(document.paths as Json);
  return templates.find((template) => new RegExp(`^${template.replace(/\{[^}]+\}/g, "[^/]+")}$`).test(path));
}

/** Every way a response departs from the spec; empty when it conforms. */
export function specViolations(method: string, pathTemplate: string, status: number, contentType: string | null, body: unknown): string[] {
  const item = (document.paths as Json)[pathTemplate] as Json | undefined;
  const operation = item?.[method.toLowerCase()] as Json | undefined;
  if (!operation) return [`${method} ${pathTemplate} is not in the spec`];
  const declared = (operation.responses as Json)[String(status)];
  const where = `${method} ${pathTemplate} → ${status}`;
  if (!declared) return [`${where}: status not declared (declared: ${Object.keys(operation.responses as Json).join(", ")})`];
  const content = resolve(declared).content as Json | undefined;
  if (!content) return body === undefined || body === "" ? [] : [`${where}: the spec declares no body`];
  const mediaType = (contentType ?? "").split(";")[0]!.trim();
  const entry = content[mediaType] as Json | undefined;
  if (!entry) return [`${where}: content type ${mediaType || "(none)"} not declared (declared: ${Object.keys(content).join(", ")})`];
  const validate = schemaValidator(entry.schema as Json);
  if (validate(body)) return [];
  return (validate.errors ?? []).map((error) => `${where}: ${error.instancePath || "(body)"} ${error.message ?? error.keyword}`);
}

/** Reads a Response's body and checks it; throws with every violation when it does not conform. */
export async function assertConforms(method: string, response: Response, pathTemplate?: string): Promise<unknown> {
  const url = new URL(response.url);
  const template = pathTemplate ?? pathTemplateOf(url.pathname);
  if (!template) throw new Error(`${url.pathname} matches no path of the spec`);
  // An event stream never ends: its status and type are checked here, its events by the tests that read them.
  const streaming = response.headers.get("content-type")?.startsWith("text/event-stream") === true;
  const text = streaming ? "" : await response.clone().text();
  const json = /^application\/(?:[\w.+-]+\+)?json/.test(response.headers.get("content-type") ?? "");
  const body = streaming ? "" : text === "" ? undefined : json ? (JSON.parse(text) as unknown) : text;
  const violations = specViolations(method, template, response.status, response.headers.get("content-type"), body);
  if (violations.length > 0) throw new Error(`The response does not conform to the spec:\n${violations.join("\n")}`);
  return body;
}
