// SCWS_* environment variables over the configuration file: which option each one sets comes from the
// schema's `x-env` annotations, so the schema documents them and this file only converts strings.
import { delimiter } from "node:path";
import { serviceConfigSchema } from "@open-scws/spec";
import { moduleNameOf } from "./pkcs11-uri.js";
import { SOFTHSM_LIBRARY } from "./service-config.js";

type Json = Record<string, unknown>;

/** An option that an environment variable can set. */
export interface EnvironmentOption {
  /** The option's path, such as `["listen", "port"]`. */
  readonly path: readonly string[];
  readonly variable: string;
  readonly schema: Json;
}

/** Every option with an `x-env` annotation, found by walking the schema's nested objects. */
export function environmentOptions(schema: Json = serviceConfigSchema): EnvironmentOption[] {
  const found: EnvironmentOption[] = [];
  const walk = (node: Json, path: string[]) => {
    for (const [name, child] of Object.entries((node.properties ?? {}) as Record<string, Json>)) {
      if (typeof child["x-env"] === "string") found.push({ path: [...path, name], variable: child["x-env"], schema: child });
      if (child.type === "object") walk(child, [...path, name]);
    }
  };
  walk(schema, []);
  return found;
}

/** The module id used when only SCWS_PKCS11_MODULE is given: SoftHSM's is `softhsm`, others their RFC 7512 module name. */
export function defaultModuleId(library: string): string {
  if (library === SOFTHSM_LIBRARY || moduleNameOf(library) === "softhsm2") return "softhsm";
  const id = moduleNameOf(library)
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, "-")
    .replace(/^-+/, "")
    .slice(0, 32);
  return id || "module";
}

function valueFor(option: EnvironmentOption, text: string, env: NodeJS.ProcessEnv): unknown {
  if (option.variable === "SCWS_PKCS11_MODULE") return [{ id: env.SCWS_PKCS11_MODULE_ID || defaultModuleId(text), library: text }];
  switch (option.schema.type) {
    // A value that is not a number stays a string, so that validation names the option and the variable.
    case "integer":
      return /^-?\d+$/.test(text.trim()) ? Number(text) : text;
    case "array":
      // Host names are listed with commas; URIs may contain commas, so they are separated by white space;
      // file paths, by the system's path delimiter, as in PATH.
      if (option.variable === "SCWS_TRUST_ANCHORS") return text.split(delimiter).filter(Boolean);
      return text
        .split(option.variable === "SCWS_EXPOSE_TOKENS" ? /\s+/ : /[\s,]+/)
        .map((item) => item.trim())
        .filter(Boolean);
    default:
      return text;
  }
}

/** The configuration with the environment's overrides applied, and which option came from which variable. */
export function applyEnvironment(file: Json, env: NodeJS.ProcessEnv): { raw: Json; sources: Map<string, string>; warnings: string[] } {
  const raw = structuredClone(file);
  const sources = new Map<string, string>();
  const warnings: string[] = [];
  for (const option of environmentOptions()) {
    const text = env[option.variable];
    if (text === undefined || text === "") continue;
    let parent = raw;
    for (const name of option.path.slice(0, -1)) {
      const next = parent[name];
      parent[name] = next !== null && typeof next === "object" && !Array.isArray(next) ? next : {};
      parent = parent[name] as Json;
    }
    parent[option.path.at(-1)!] = valueFor(option, text, env);
    sources.set(option.path.join("."), option.variable);
  }
  if (env.SCWS_PKCS11_MODULE_ID && !env.SCWS_PKCS11_MODULE) warnings.push("SCWS_PKCS11_MODULE_ID is ignored without SCWS_PKCS11_MODULE.");
  return { raw, sources, warnings };
}
