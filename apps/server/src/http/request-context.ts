// What every handler knows about the request it serves, beyond its parameters and body.
import type { SlotFilter } from "../config/token-filter.js";
import type { Environment } from "../security/environments.js";

/** The caller of an operation that needs no credential (service information, creating an environment). */
export const ANONYMOUS_CALLER = "anonymous";

/** The request's identity, for ownership, logs and problem bodies. */
export interface RequestContext {
  /** The request's id, `urn:uuid:...`, echoed as the problem's `instance` and in the log. */
  readonly requestId: string;
  /** Who calls: token connections and logins belong to their caller, and others cannot see or use them. */
  readonly caller: string;
  /** The caller's environment, in local mode. */
  readonly environment?: Environment;
  /** The tokens the caller may use (a shared-mode client bound to some tokens); undefined: every exposed token. */
  readonly scope?: SlotFilter;
  /** Aborted when the client goes away. */
  readonly signal: AbortSignal;
  /** A request header, by case-insensitive name. */
  header(name: string): string | undefined;
}
