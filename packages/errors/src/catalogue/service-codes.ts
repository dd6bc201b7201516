// Catalogue of the codes open SCWS adds (SCWS_*), each only where no SCWS code fits; the spec's
// ErrorCode.x-enumDescriptions says why each one exists.
import type { CatalogueEntry, ErrorCode, FamilyCatalogue } from "./types.js";

type ServiceCode = Extract<ErrorCode, `SCWS_${string}`>;

function fromService(httpStatus: number, title: string, description: string, remedy: string, retryable = false): CatalogueEntry {
  return { origin: "service", httpStatus, title, description, remedy, retryable };
}

/** Codes added by this service. */
export const serviceCodes = {
  SCWS_ROUTE_NOT_FOUND: fromService(404, "No such endpoint", "The path is not part of this API.", "Check the path against the API reference."),
  SCWS_METHOD_NOT_ALLOWED: fromService(
    405,
    "Method not allowed",
    "The path exists but not with this HTTP method; customData.allowed lists the methods it takes.",
    "Use one of the allowed methods.",
  ),
  SCWS_PAYLOAD_TOO_LARGE: fromService(
    413,
    "Request body too large",
    "The request body is larger than the service accepts; customData.limit gives the limit in bytes.",
    "Send less data per request, or split it into several requests.",
  ),
  SCWS_UNSUPPORTED_MEDIA_TYPE: fromService(
    415,
    "Unsupported media type",
    "The request body is not application/json.",
    "Send the body as JSON with Content-Type: application/json.",
  ),
  SCWS_HOST_REFUSED: fromService(
    421,
    "Host not allowed",
    "The Host header does not name this service, the mark of a DNS-rebinding attack; nothing was done.",
    "Call the service as 127.0.0.1, localhost or [::1] with its port, or a name the operator configured.",
  ),
  SCWS_FINAL_TRY_UNCONFIRMED: fromService(
    409,
    "Last PIN try not confirmed",
    "The PIN has one try left and the application opted in to confirming it; the service did not try without confirmFinalTry.",
    "Warn the user, then log in again with confirmFinalTry: true.",
  ),
  SCWS_ORIGIN_REFUSED: fromService(
    403,
    "Origin not allowed",
    "The request comes from a web page whose origin no registered application lists; nothing was done.",
    "Register the application with this origin in the service's configuration.",
  ),
  SCWS_APPLICATION_UNKNOWN: fromService(
    403,
    "Application not registered",
    "The application is not registered with the service, or not for the origin of this page.",
    "Check the application id, and that the page's origin is among the application's origins.",
  ),
  SCWS_CREDENTIAL_REQUIRED: fromService(
    401,
    "Credential required",
    "The operation needs an environment credential in the X-SCWS-Environment header (in shared mode, an API key in Authorization: Bearer).",
    "Create an environment first (createEnvironment), then send its credential with every call.",
  ),
  SCWS_CREDENTIAL_INVALID: fromService(
    401,
    "Credential not valid",
    "The credential is unknown, its environment was ended, or it expired after idling; its connections and logins are gone.",
    "Create a new environment and connect again.",
  ),
  SCWS_CHALLENGE_INVALID: fromService(
    401,
    "Challenge not valid",
    "The challenge is unknown, was already used, or expired.",
    "Ask for a new challenge and have it signed at once.",
  ),
  SCWS_RATE_LIMITED: fromService(
    429,
    "Too many requests",
    "The client sent more requests than its rate allows.",
    "Wait as long as Retry-After says, then send the request again.",
    true,
  ),
  SCWS_LIMIT_REACHED: fromService(
    429,
    "Limit reached",
    "A cap on environments, token connections or concurrent operations is reached; customData.limit names it.",
    "End environments or connections you no longer use, or wait as long as Retry-After says.",
    true,
  ),
} as const satisfies FamilyCatalogue<ServiceCode>;
