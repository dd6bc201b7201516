// Types of @open-scws/spec: everything openapi-typescript generates from the bundled document.
export type * from "./generated/openapi.js";

/** The bundled OpenAPI 3.1 document, as parsed JSON. */
export declare const openApiDocument: Record<string, unknown>;
