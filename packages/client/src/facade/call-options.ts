// Options every facade method that talks to the service takes as its last argument.
import { badParams } from "../transport/client-errors.js";

/** What a caller can add to one call: a signal to abort it (`AbortSignal.timeout(ms)` counts as a timeout). */
export interface CallOptions {
  readonly signal?: AbortSignal;
}

/** Checks call options and returns what to pass to the typed client. */
export function callInit(options: CallOptions | undefined): { signal?: AbortSignal } {
  if (options === undefined) return {};
  if (typeof options !== "object" || options === null) throw badParams("options", "must be an object");
  if (options.signal === undefined) return {};
  if (!(options.signal instanceof AbortSignal)) throw badParams("options.signal", "must be an AbortSignal");
  return { signal: options.signal };
}
