// Public entry of @open-scws/client.
export { type CatalogueEntry, type ErrorCode, errorCatalogue, ScwsError } from "@open-scws/errors";
export { createScwsClient, type ScwsClient } from "./typed-client.js";
