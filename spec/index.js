// Runtime entry of @open-scws/spec: the bundled OpenAPI document and the configuration file's JSON Schema.
// The types come from generated/openapi.d.ts.
import { createRequire } from "node:module";

const require = createRequire(import.meta.url);
/** The bundled OpenAPI 3.1 document, as parsed JSON. */
export const openApiDocument = require("./generated/openapi.json");
/** The JSON Schema (2020-12) of the service's configuration file, every option with its description and default. */
export const serviceConfigSchema = require("./config/service-config.schema.json");
