// Types of @open-scws/spec: everything openapi-typescript generates from the bundled document.
export type * from "./generated/openapi.js";

/** The bundled OpenAPI 3.1 document, as parsed JSON. */
export declare const openApiDocument: Record<string, unknown>;
/** The JSON Schema (2020-12) of the service's configuration file, every option with its description and default. */
export declare const serviceConfigSchema: Record<string, unknown>;
