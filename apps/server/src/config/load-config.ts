// Loads the configuration: the file (YAML or JSON), then SCWS_* environment variables, then command-line
// overrides; validated against the schema (which fills the defaults) and by semantic checks. Every problem
// names the option (and the variable it came from) so that an operator can fix it without reading code.
import { readFileSync } from "node:fs";
import { extname } from "node:path";
import { serviceConfigSchema } from "@open-scws/spec";
import type { ErrorObject } from "ajv/dist/2020.js";
import { parseDocument, type YAMLError } from "yaml";
import { validateServiceConfig } from "../generated/config-validator.js";
import type { Validator } from "../generated/validation-types.js";
import { applyEnvironment } from "./env-overrides.js";
import { semanticChecks } from "./semantic-checks.js";
import type { ServiceConfig } from "./service-config.js";

type Json = Record<string, unknown>;

/** A configuration that cannot be used; `problems` has one line per problem, each naming its option. */
export class ConfigError extends Error {
  constructor(
    readonly problems: readonly string[],
    readonly source: string,
  ) {
    super(`The configuration (${source}) is invalid:\n${problems.map((problem) => `  - ${problem}`).join("\n")}`);
    this.name = "ConfigError";
  }
}

/** A configuration ready to use, with where it came from and what looked doubtful. */
export interface LoadedConfig {
  readonly config: ServiceConfig;
  /** `defaults` or the file's path, plus the variables that overrode it. */
  readonly source: string;
  readonly warnings: readonly string[];
}

/** Where to load from. */
export interface LoadOptions {
  /** The configuration file; none means defaults and the environment only. */
  readonly file?: string;
  readonly env?: NodeJS.ProcessEnv;
  /** Command-line overrides, which win over the file and the environment. */
  readonly overrides?: { readonly dataDir?: string };
  /**
   * Whether the files it names (TLS certificate and key) must exist here. False checks a configuration meant for
   * another machine, such as a container image's or a Kubernetes ConfigMap's. Default true.
   */
  readonly checkFiles?: boolean;
}

// Compiled from the schema by `npm run generate` (tools/codegen), not at every start.
const validate = validateServiceConfig as ((data: unknown) => data is ServiceConfig) & Omit<Validator, "errors"> & { errors?: ErrorObject[] | null };

function readFile(file: string): Json {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (error) {
    throw new ConfigError([`(file): cannot read it: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`], file);
  }
  // A .json file is strict JSON (YAML would accept a trailing comma or a comment that other JSON tools refuse).
  if (extname(file).toLowerCase() === ".json") {
    const problem = jsonSyntaxProblem(text);
    if (problem) throw new ConfigError([`(file): not valid JSON: ${problem}`], file);
  }
  // YAML 1.2 is a superset of JSON, so one parser reads both; duplicate keys are errors.
  const document = parseDocument(text, { prettyErrors: false, uniqueKeys: true });
  if (document.errors.length > 0) {
    throw new ConfigError(
      document.errors.map((error) => `(file): not valid YAML or JSON: ${yamlProblem(error, text)}`),
      file,
    );
  }
  const value: unknown = document.toJS();
  if (value === null || value === undefined) return {};
  if (typeof value !== "object" || Array.isArray(value))
    throw new ConfigError(["(file): it must hold a mapping of options (key: value), not a list or a scalar"], file);
  return value as Json;
}

/** Line and column (from 1) of an offset in a text. */
function position(text: string, offset: number): string {
  const before = text.slice(0, offset).split("\n");
  return `line ${before.length}, column ${before.at(-1)!.length + 1}`;
}

/** What is wrong with a JSON text, with its line and column, or `undefined` when it parses. */
export function jsonSyntaxProblem(text: string): string | undefined {
  try {
    JSON.parse(text);
    return undefined;
  } catch (error) {
    const message = (error as Error).message;
    const offset = /at position (\d+)/.exec(message)?.[1];
    const reason = message.replace(/\s*in JSON at position \d+.*$/s, "").replace(/^JSON\.parse: /, "");
    if (offset === undefined) return /end of JSON input/.test(message) ? `it ends too soon, at ${position(text, text.length)}` : reason;
    return `${reason} at ${position(text, Number(offset))}`;
  }
}

/** A YAML error in one line: its reason and where, without the excerpt that a colon would introduce. */
function yamlProblem(error: YAMLError, text: string): string {
  const reason = error.message
    .split("\n")[0]!
    .replace(/\s*at line \d+, column \d+:?\s*$/, "")
    .replace(/:\s*$/, "");
  return `${reason} at ${position(text, error.pos[0])}`;
}

/** `/modules/0/library` → `modules[0].library`. */
function optionName(pointer: string): string {
  return pointer
    .split("/")
    .slice(1)
    .map((part) => part.replaceAll("~1", "/").replaceAll("~0", "~"))
    .reduce((name, part) => (/^\d+$/.test(part) ? `${name}[${part}]` : name ? `${name}.${part}` : part), "");
}

function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, index) => index);
  for (let i = 1; i <= a.length; i++) {
    let previous = row[0]!;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const current = row[j]!;
      row[j] = Math.min(row[j]! + 1, row[j - 1]! + 1, previous + (a[i - 1] === b[j - 1] ? 0 : 1));
      previous = current;
    }
  }
  return row[b.length]!;
}

function suggestion(unknown: string, parentSchemaPath: string): string {
  let node: unknown = serviceConfigSchema;
  for (const part of parentSchemaPath.split("/").slice(1)) node = (node as Json | undefined)?.[part];
  const known = Object.keys(((node as Json | undefined)?.properties ?? {}) as Json);
  const close = known.filter((name) => editDistance(name.toLowerCase(), unknown.toLowerCase()) <= 2);
  return close.length > 0 ? ` (did you mean ${close.map((name) => `"${name}"`).join(" or ")}?)` : ` (known options: ${known.join(", ")})`;
}

function shown(value: unknown): string {
  if (value !== null && typeof value === "object") return "";
  const text = JSON.stringify(value) ?? String(value);
  return `, not ${text.length > 60 ? `${text.slice(0, 57)}...` : text}`;
}

function describe(error: ErrorObject, data: unknown): { option: string; message: string } {
  const option = optionName(error.instancePath);
  const params = error.params as Record<string, unknown>;
  switch (error.keyword) {
    case "additionalProperties": {
      const name = String(params.additionalProperty);
      return {
        option: option ? `${option}.${name}` : name,
        message: `is not an option${suggestion(name, error.schemaPath.replace(/\/additionalProperties$/, ""))}`,
      };
    }
    case "required":
      return { option: option ? `${option}.${String(params.missingProperty)}` : String(params.missingProperty), message: "is required" };
    case "type":
      return {
        option,
        message: `must be ${params.type === "integer" ? "an integer" : `a${/^[aeiou]/.test(String(params.type)) ? "n" : ""} ${String(params.type)}`}${shown(data)}`,
      };
    case "enum":
      return { option, message: `must be one of ${(params.allowedValues as unknown[]).join(", ")}${shown(data)}` };
    case "minimum":
    case "maximum":
      return { option, message: `must be at ${error.keyword === "minimum" ? "least" : "most"} ${String(params.limit)}${shown(data)}` };
    case "minItems":
      return { option, message: `must list at least ${String(params.limit)} item${params.limit === 1 ? "" : "s"}` };
    case "maxItems":
      return { option, message: `must list at most ${String(params.limit)} items` };
    case "uniqueItems":
      return { option, message: `lists the same value twice (items ${String(params.j)} and ${String(params.i)})` };
    case "minLength":
      return { option, message: "must not be empty" };
    case "pattern":
      return { option, message: `must match ${String(params.pattern)}${shown(data)}` };
    default:
      return { option, message: error.message ?? `fails ${error.keyword}` };
  }
}

function valueAt(root: unknown, pointer: string): unknown {
  let node = root;
  for (const part of pointer.split("/").slice(1)) node = (node as Json | undefined)?.[part];
  return node;
}

/** `option (from VARIABLE): message`, naming the variable when the option came from the environment. */
function line(option: string, message: string, sources: Map<string, string>): string {
  const variable = [...sources].find(([path]) => option === path || option.startsWith(`${path}[`) || option.startsWith(`${path}.`))?.[1];
  return `${option || "(top level)"}${variable ? ` (from ${variable})` : ""}: ${message}`;
}

function problemsOf(errors: readonly ErrorObject[], data: unknown, sources: Map<string, string>): string[] {
  const lines = errors.map((error) => {
    const { option, message } = describe(error, valueAt(data, error.instancePath));
    return line(option, message, sources);
  });
  return [...new Set(lines)];
}

/** Loads and validates the configuration; throws ConfigError listing every problem. */
export function loadConfig(options: LoadOptions = {}): LoadedConfig {
  const file = options.file ? readFile(options.file) : {};
  const { raw, sources, warnings } = applyEnvironment(file, options.env ?? process.env);
  if (options.overrides?.dataDir !== undefined) {
    raw.dataDir = options.overrides.dataDir;
    sources.set("dataDir", "--data-dir");
  }
  const source = `${options.file ?? "defaults"}${sources.size > 0 ? ` with ${[...new Set(sources.values())].join(", ")}` : ""}`;
  const candidate = structuredClone(raw);
  const valid = validate(candidate);
  const schemaProblems = valid ? [] : problemsOf(validate.errors ?? [], candidate, sources);
  // The checks beyond the schema run even when the schema refused something, so that every problem is reported in
  // one pass (a duplicate module id beside a wrong type); each check skips the parts whose shape is wrong.
  const checked = semanticChecks(candidate as unknown as ServiceConfig, { checkFiles: options.checkFiles ?? true });
  const annotated = (text: string) => line(text.slice(0, text.indexOf(": ")), text.slice(text.indexOf(": ") + 2), sources);
  const problems = [...schemaProblems, ...checked.problems.map(annotated).filter((problem) => !schemaProblems.includes(problem))];
  if (!valid || problems.length > 0) throw new ConfigError(problems, source);
  return { config: candidate as unknown as ServiceConfig, source, warnings: [...warnings, ...checked.warnings.map(annotated)] };
}

/** The configuration from defaults and environment variables only (`SCWS_PORT`, `SCWS_PKCS11_MODULE`, ...). */
export function configFromEnvironment(env: NodeJS.ProcessEnv = process.env): ServiceConfig {
  return loadConfig({ env }).config;
}
