// What every handler knows about the request it serves, beyond its parameters and body.

/** The caller every request has until applications authenticate with environments. */
export const LOCAL_CALLER = "local";

/** The request's identity, for ownership, logs and problem bodies. */
export interface RequestContext {
  /** The request's id, `urn:uuid:...`, echoed as the problem's `instance` and in the log. */
  readonly requestId: string;
  /** Who calls: token connections and logins belong to their caller, and others cannot see or use them. */
  readonly caller: string;
  /** Aborted when the client goes away. */
  readonly signal: AbortSignal;
  /** A request header, by case-insensitive name. */
  header(name: string): string | undefined;
}
