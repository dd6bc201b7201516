// Runtime entry of @open-scws/spec: the bundled OpenAPI document. The types come from generated/openapi.d.ts.
import { createRequire } from "node:module";

const require = createRequire(import.meta.url);
/** The bundled OpenAPI 3.1 document, as parsed JSON. */
export const openApiDocument = require("./generated/openapi.json");
