// Entry of @open-scws/client/catalogue: every SCWS error code's title, description, remedy, status and retry advice,
// kept out of the main entry so that pages which only match on codes do not carry the texts.
export { type CatalogueEntry, type ErrorOrigin, errorCatalogue } from "@open-scws/errors";
