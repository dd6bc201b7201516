// The errors the client raises itself (MWR_SCWS_*). They carry the HTTP status and what went wrong, never a
// request body, a header or a credential: nothing here receives them.
import { type CustomData, ScwsError } from "@open-scws/errors";

/** `MWR_SCWS_UNREACHABLE`: nothing answered at the address (or at any candidate address). */
export function unreachable(message: string, customData: CustomData = {}): ScwsError {
  return new ScwsError(message, "MWR_SCWS_UNREACHABLE", 0, customData);
}

/** `MWR_SCWS_COMM_ERROR`: the connection broke, or the answer is not one the spec allows. */
export function communicationError(reason: string, httpStatus = 0): ScwsError {
  return new ScwsError(`The communication with the service failed: ${reason}.`, "MWR_SCWS_COMM_ERROR", httpStatus, { reason });
}

/** `MWR_SCWS_COMM_TIMEOUT`: no complete answer in time. */
export function timedOut(timeoutMs?: number): ScwsError {
  const within = timeoutMs === undefined ? "in time" : `within ${timeoutMs} ms`;
  return new ScwsError(`The service did not answer ${within}.`, "MWR_SCWS_COMM_TIMEOUT", 0, timeoutMs === undefined ? {} : { limit: timeoutMs });
}

/** `MWR_SCWS_BAD_PARAMS`: an argument refused before anything was sent; `field` says which, as the service would. */
export function badParams(field: string, reason: string): ScwsError {
  return new ScwsError(`Invalid argument ${field}: it ${reason}.`, "MWR_SCWS_BAD_PARAMS", 0, { field, reason });
}
