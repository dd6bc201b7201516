// The environment credential on every call (issued by createEnvironment), and the texts signed to obtain it.
import type { Middleware } from "openapi-fetch";

/**
 * The request header that carries the environment credential: the spec's `environmentCredential` security scheme
 * (a test holds the two together). The one place the client writes its name.
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

/**
 * The text an application's back end signs to answer a challenge, as the spec's `EnvironmentChallenge.message` is:
 * `open-scws-environment:` and the challenge in lower-case hex (Ed25519; ECDSA with SHA-256, -384 or -512 by curve;
 * or RSA PKCS#1 v1.5 with SHA-256, as the application's registered key is).
 * @example const signature = sign(null, Buffer.from(environmentMessage(challenge)), applicationPrivateKey).toString("hex");
 */
export function environmentMessage(challenge: string): string {
  return `open-scws-environment:${challenge.toLowerCase()}`;
}

/**
 * The text the service signs with its Ed25519 key for a client's challenge in mutual mode, as the spec's
 * `ServiceProof` says: `open-scws-service:` and the client's challenge in lower-case hex.
 * @example verify(null, Buffer.from(serviceMessage(clientChallenge)), servicePublicKeyPem, Buffer.from(cryptogram, "hex"));
 */
export function serviceMessage(clientChallenge: string): string {
  return `open-scws-service:${clientChallenge.toLowerCase()}`;
}
