// Catalogue of the middleware (MWR_*) codes: PKCS#12 import, PUKs, and the client library's own failures.
import type { CatalogueEntry, ErrorCode, ErrorOrigin, FamilyCatalogue } from "./types.js";

type MiddlewareCode = Extract<ErrorCode, `MWR_${string}`>;

function entry(origin: ErrorOrigin, httpStatus: number | null, title: string, description: string, remedy: string, retryable = false): CatalogueEntry {
  return { origin, httpStatus, title, description, remedy, retryable };
}

/** Middleware codes. The MWR_SCWS_* ones are raised by the client library, never sent by the service. */
export const middlewareCodes = {
  MWR_IMPORT_FILE_INVALID: entry(
    "service",
    400,
    "Import file invalid",
    "The file to import is not in a supported format, or it is damaged.",
    "Check the file (a PKCS#12 file, or a PEM or DER certificate).",
  ),
  MWR_IMPORT_PASSWORD_INVALID: entry(
    "service",
    400,
    "Import password wrong",
    "The password does not open the PKCS#12 file.",
    "Ask the user for the file's password again.",
  ),
  MWR_IMPORT_KEY_TYPE_UNSUPPORTED: entry(
    "service",
    422,
    "Key type not supported",
    "The token does not support the type of the key in the file.",
    "Import into a token that supports this key type.",
  ),
  MWR_IMPORT_KEY_LENGTH_UNSUPPORTED: entry(
    "service",
    422,
    "Key length not supported",
    "The token does not support the length of the key in the file.",
    "Import into a token that supports this key length.",
  ),
  MWR_PUK_ALREADY_USED: entry("token", 409, "PUK already used", "This PIN unblocking code has already been used.", "Use another unblocking code."),
  MWR_SCWS_UNREACHABLE: entry(
    "client",
    null,
    "Service unreachable",
    "No candidate address of the service answered.",
    "Check that the service runs, and on which port.",
    true,
  ),
  MWR_SCWS_COMM_ERROR: entry(
    "client",
    null,
    "Communication error",
    "The connection to the service broke, or its answer was not one the API allows.",
    "Retry; if it persists, check that the address is really open SCWS.",
    true,
  ),
  MWR_SCWS_COMM_TIMEOUT: entry(
    "client",
    null,
    "Timed out",
    "The service did not answer in time.",
    "Retry, or raise the client's timeout for slow tokens.",
    true,
  ),
  MWR_SCWS_BAD_PARAMS: entry(
    "client",
    null,
    "Invalid parameters",
    "The client library refused the arguments before sending anything.",
    "Correct the arguments of the call.",
  ),
  MWR_SCWS_UNKNOWN_ERROR: entry(
    "client",
    null,
    "Unknown error code",
    "The service answered with an error code this client does not know, perhaps a newer service version.",
    "Update the client library; httpStatus and customData carry what the service sent.",
  ),
} as const satisfies FamilyCatalogue<MiddlewareCode>;
