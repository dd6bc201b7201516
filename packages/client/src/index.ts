// Public entry of @open-scws/client: the typed client, and the SCWS-compatible facade.
export { type CatalogueEntry, type CustomData, type ErrorCode, errorCatalogue, isErrorCode, type Problem, ScwsError } from "@open-scws/errors";
export { ENVIRONMENT_HEADER, environmentCredential } from "./transport/environment.js";
export { type DataOf, unwrap } from "./transport/unwrap.js";
export { createScwsClient, DEFAULT_TIMEOUT_MS, type ScwsClient, type ScwsClientOptions } from "./typed-client.js";
