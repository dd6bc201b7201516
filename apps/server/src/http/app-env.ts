// The Hono environment of the app: what middleware leaves on the context for later steps.
import type { Logger } from "pino";

/** Values middleware sets on each request's context. */
export interface AppEnv {
  Variables: {
    /** The request's id, `urn:uuid:...`. */
    requestId: string;
    /** The logger bound to this request. */
    log: Logger;
    /** The operation the request was routed to, once routed. */
    operationId?: string;
    /** The SCWS code of the error answered, when the request failed. */
    errorCode?: string;
  };
}
