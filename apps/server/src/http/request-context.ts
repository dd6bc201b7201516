// What every handler knows about the request it serves, beyond its parameters and body.

/** The request's identity, for logs and problem bodies. */
export interface RequestContext {
  /** The request's id, `urn:uuid:...`, echoed as the problem's `instance` and in the log. */
  readonly requestId: string;
  /** Aborted when the client goes away. */
  readonly signal: AbortSignal;
}
