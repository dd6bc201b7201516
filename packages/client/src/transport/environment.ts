// Attaches the environment credential (issued by createEnvironment) to every call.
import type { Middleware } from "openapi-fetch";

/**
 * The request header that carries the environment credential. The one place its name is written: the environment
 * work decides it, and it becomes the name of the spec's security scheme once that is declared.
 */
export const ENVIRONMENT_HEADER = "X-SCWS-Environment";

/**
 * Middleware that sends the credential `current()` returns, if any, in {@link ENVIRONMENT_HEADER}. The value is
 * read per call and kept nowhere else, so it cannot end up on an error.
 * @example client.use(environmentCredential(() => session.credential));
 */
export function environmentCredential(current: () => string | undefined): Middleware {
  return {
    onRequest({ request }) {
      const credential = current();
      if (credential !== undefined) request.headers.set(ENVIRONMENT_HEADER, credential);
      return undefined;
    },
  };
}
