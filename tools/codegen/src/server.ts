// Generates the server's route table and its request validators (Ajv standalone code) from the bundled spec, and the
// configuration file's validator from its schema, so that the server compiles no schema and parses no spec at start-up.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { Ajv2020 } from "ajv/dist/2020.js";
import standaloneCode from "ajv/dist/standalone/index.js";
import addFormats from "ajv-formats";
import { type OperationInfo, type ParameterInfo, readOperations } from "./lib/operations.js";
import { bundledSpecPath, serverGeneratedDir, specDir } from "./lib/paths.js";
import { banner, writeGenerated } from "./lib/write-generated.js";

type Json = Record<string, unknown>;
const GENERATOR = "tools/codegen/src/server.ts";
const COMPONENTS_ID = "components.json";

/** Points the bundle's component refs at the schema registered as `components.json`. */
function retarget(schema: unknown): Json {
  return JSON.parse(JSON.stringify(schema).replaceAll('"#/components/schemas/', `"${COMPONENTS_ID}#/$defs/`)) as Json;
}

function collectExtensionKeywords(value: unknown, found: Set<string>): Set<string> {
  if (Array.isArray(value)) {
    for (const item of value) collectExtensionKeywords(item, found);
  } else if (value && typeof value === "object") {
    for (const [key, child] of Object.entries(value)) {
      if (key.startsWith("x-")) found.add(key);
      collectExtensionKeywords(child, found);
    }
  }
  return found;
}

function objectOf(parameters: readonly ParameterInfo[]): Json {
  return {
    type: "object",
    properties: Object.fromEntries(parameters.map((p) => [p.in === "header" ? p.name.toLowerCase() : p.name, retarget(p.schema)])),
    required: parameters.filter((p) => p.required).map((p) => (p.in === "header" ? p.name.toLowerCase() : p.name)),
    additionalProperties: false,
  };
}

/** One schema per operation for its path, query and header parameters, validated as `{ path, query, header }`. */
function paramsSchema(operation: OperationInfo): Json {
  const byLocation = (location: ParameterInfo["in"]) => operation.parameters.filter((p) => p.in === location);
  return {
    $id: `${operation.operationId}.params.json`,
    type: "object",
    properties: {
      path: objectOf(byLocation("path")),
      query: objectOf(byLocation("query")),
      header: { ...objectOf(byLocation("header")), additionalProperties: true },
    },
    required: ["path", "query", "header"],
  };
}

function newAjv(coerceTypes: false | "array", keywords: Set<string>): InstanceType<typeof Ajv2020> {
  const ajv = new Ajv2020({
    code: { source: true, esm: true, optimize: true },
    allErrors: false,
    coerceTypes,
    strict: true,
    strictRequired: false,
    useDefaults: false,
  });
  addFormats.default(ajv);
  for (const keyword of [...keywords, "example"]) ajv.addKeyword({ keyword });
  return ajv;
}

function standaloneModule(ajv: InstanceType<typeof Ajv2020>, exports: Record<string, string>): string {
  // Ajv's ESM output still calls require() for its runtime helpers; give it one.
  return standaloneCode
    .default(ajv, exports)
    .replace('"use strict";', '"use strict";\nimport { createRequire } from "node:module";\nconst require = createRequire(import.meta.url);\n');
}

interface ValidatorModules {
  readonly params: string;
  readonly bodies: string;
  readonly paramsNames: string[];
  readonly bodyNames: string[];
}

function generateValidators(document: Json, operations: OperationInfo[]): ValidatorModules {
  const components = (document.components as Json | undefined)?.schemas ?? {};
  const keywords = collectExtensionKeywords(document, new Set());
  const componentsSchema = { $id: COMPONENTS_ID, $defs: retarget(components) };

  const paramsAjv = newAjv("array", keywords);
  const bodyAjv = newAjv(false, keywords);
  paramsAjv.addSchema(componentsSchema);
  bodyAjv.addSchema(componentsSchema);

  const paramsExports: Record<string, string> = {};
  const bodyExports: Record<string, string> = {};
  for (const operation of operations) {
    const params = paramsSchema(operation);
    paramsAjv.addSchema(params);
    paramsExports[`${operation.operationId}Params`] = params.$id as string;
    if (operation.body) {
      const id = `${operation.operationId}.body.json`;
      bodyAjv.addSchema({ $id: id, ...retarget(operation.body.schema) });
      bodyExports[`${operation.operationId}Body`] = id;
    }
  }
  const header = banner(GENERATOR).replace("//", "/*").replace(/\n$/, " */\n");
  return {
    params: `${header}/* Validators of path, query and header parameters (types coerced from strings). */\n${standaloneModule(paramsAjv, paramsExports)}\n`,
    bodies: `${header}/* Validators of JSON bodies (no coercion). */\n${standaloneModule(bodyAjv, bodyExports)}\n`,
    paramsNames: Object.keys(paramsExports),
    bodyNames: Object.keys(bodyExports),
  };
}

function validationTypes(): string {
  return `${banner(GENERATOR)}
/** One failure reported by a generated validator (Ajv's error object, without the offending value). */
export interface ValidationFailure {
  readonly instancePath: string;
  readonly schemaPath: string;
  readonly keyword: string;
  readonly params: Readonly<Record<string, unknown>>;
  readonly message?: string;
}

/** A compiled validator: returns whether the data is valid, and leaves the first failure in \`errors\`. */
export interface Validator {
  (data: unknown): boolean;
  errors?: ValidationFailure[] | null;
}
`;
}

function validatorDeclarations(names: string[]): string {
  return `${banner(GENERATOR)}import type { Validator } from "./validation-types.js";

${names.map((name) => `export declare const ${name}: Validator;`).join("\n")}
`;
}

/**
 * Component schemas whose `x-scws-error` maps a failing keyword to a closer code than CKR_ARGUMENTS_BAD
 * (a PIN too short is CKR_PIN_LEN_RANGE), keyed by the failure's schemaPath.
 */
function schemaErrorCodes(document: Json): Record<string, string> {
  const schemas = ((document.components as Json | undefined)?.schemas ?? {}) as Record<string, Json>;
  const codes: Record<string, string> = {};
  for (const [name, schema] of Object.entries(schemas)) {
    const byKeyword = schema["x-scws-error"] as Record<string, string> | undefined;
    for (const [keyword, code] of Object.entries(byKeyword ?? {})) codes[`${COMPONENTS_ID}#/$defs/${name}/${keyword}`] = code;
  }
  return codes;
}

function routeTable(document: Json, operations: OperationInfo[]): string {
  const rows = operations.map((operation) => {
    const honoPath = operation.path.replace(/\{([^}]+)\}/g, ":$1");
    const queryArrays = operation.parameters.filter((p) => p.in === "query" && (p.schema as Json).type === "array").map((p) => p.name);
    const body = operation.body ? `\n    body: { validate: bodyValidators.${operation.operationId}Body, required: ${operation.body.required} },` : "";
    return `  {
    operationId: "${operation.operationId}",
    method: "${operation.method.toUpperCase()}",
    path: "${operation.path}",
    honoPath: "${honoPath}",
    queryArrays: ${JSON.stringify(queryArrays)},
    validateParams: paramsValidators.${operation.operationId}Params,${body}
    successStatuses: ${JSON.stringify(operation.successStatuses)},
    needsCredential: ${operation.needsCredential},
  },`;
  });
  return `${banner(GENERATOR)}import type { ErrorCode } from "@open-scws/errors";
import * as bodyValidators from "./body-validators.js";
import * as paramsValidators from "./params-validators.js";
import type { Validator } from "./validation-types.js";

/** The version of the API document (\`info.version\`). */
export const apiVersion = ${JSON.stringify((document.info as Json).version)};

/** Every operationId of the spec. */
export const operationIds = ${JSON.stringify(operations.map((o) => o.operationId))} as const;

/** An operationId of the spec. */
export type OperationId = (typeof operationIds)[number];

/** What the server needs to know to route, validate and answer one operation. */
export interface RouteDefinition {
  readonly operationId: OperationId;
  readonly method: "GET" | "POST" | "PUT" | "PATCH" | "DELETE";
  /** The OpenAPI path template. */
  readonly path: string;
  /** The same path in Hono's syntax. */
  readonly honoPath: string;
  /** Query parameters that may repeat. */
  readonly queryArrays: readonly string[];
  /** Validates \`{ path, query, header }\`. */
  readonly validateParams: Validator;
  /** Validates the JSON body, when the operation takes one. */
  readonly body?: { readonly validate: Validator; readonly required: boolean };
  /** The 2xx statuses the spec allows. */
  readonly successStatuses: readonly number[];
  /** Whether the operation needs a credential (the spec's \`security\` is not empty). */
  readonly needsCredential: boolean;
}

/** The route table, in spec order. */
export const routes: readonly RouteDefinition[] = [
${rows.join("\n")}
];

/** Codes to answer with when a value fails these schema keywords (by schemaPath), from the spec's \`x-scws-error\`. */
export const schemaErrorCodes: Readonly<Record<string, ErrorCode>> = ${JSON.stringify(schemaErrorCodes(document), null, 2)};
`;
}

/**
 * The configuration file's validator, with the options load-config used to compile it at every start (about a third
 * of a second on this machine): every error reported, defaults filled in, strict.
 */
function configValidator(): string {
  const schema = JSON.parse(readFileSync(join(specDir, "config/service-config.schema.json"), "utf8")) as Json;
  const ajv = new Ajv2020({ code: { source: true, esm: true, optimize: true }, allErrors: true, useDefaults: true, strict: true, strictTuples: false });
  ajv.addKeyword({ keyword: "x-env" });
  ajv.addSchema(schema);
  return `${banner(GENERATOR)}/* Validator of the configuration file (spec/config/service-config.schema.json); fills in defaults. */\n${standaloneModule(ajv, { validateServiceConfig: schema.$id as string })}\n`;
}

const document = JSON.parse(readFileSync(bundledSpecPath, "utf8")) as Json;
const operations = readOperations(document);
const validators = generateValidators(document, operations);
writeGenerated(join(serverGeneratedDir, "params-validators.js"), validators.params);
writeGenerated(join(serverGeneratedDir, "params-validators.d.ts"), validatorDeclarations(validators.paramsNames));
writeGenerated(join(serverGeneratedDir, "body-validators.js"), validators.bodies);
writeGenerated(join(serverGeneratedDir, "body-validators.d.ts"), validatorDeclarations(validators.bodyNames));
writeGenerated(join(serverGeneratedDir, "validation-types.d.ts"), validationTypes());
writeGenerated(join(serverGeneratedDir, "routes.ts"), routeTable(document, operations));
writeGenerated(join(serverGeneratedDir, "config-validator.js"), configValidator());
writeGenerated(join(serverGeneratedDir, "config-validator.d.ts"), validatorDeclarations(["validateServiceConfig"]));
