// The environment behind SCWS.findService(webAppCert[, challenge]) and SCWS.createEnvironment(signature): the pending
// challenge between the two calls, and the credential the second one obtains. The credential lives in this module's
// closure only: no property, getter, error or log of the facade holds it; the typed client reads it per call.
import type { components } from "@open-scws/spec";
import { badParams, communicationError } from "../transport/client-errors.js";
import { defaultValidation } from "../transport/validation.js";
import type { ScwsClient } from "../typed-client.js";
import { type BytesOrHex, bytesOrHexOf } from "./bytes.js";
import { unwrap } from "./scws-answer.js";

type Schemas = components["schemas"];

/** The environment `createEnvironment` made, as the service describes it, without its credential. (open SCWS addition) */
export type EnvironmentInfo = Omit<Schemas["Environment"], "credential">;

/**
 * What `findService(webAppCert, challenge)` resolves to in mutual mode, named as SCWS names it: the service's
 * `challenge` for the application's back end to sign, and the service's signature of the client's challenge. `keyID` is
 * an integer, as SCWS documents it: where SCWS's indexes Idopte's public key file, open SCWS's is the first 32 bits of
 * the service key's fingerprint (`serviceKeyId`), so that a back end keeps its service keys in a table by that number.
 */
export interface ServiceChallenge {
  /** The challenge the application's back end signs, as `environmentMessage(challenge)`. */
  readonly challenge: Schemas["EnvironmentChallenge"]["challenge"];
  /** The service's signature (hex) of `serviceMessage(clientChallenge)`: SCWS's cryptogram. */
  readonly cryptogram: Schemas["ServiceProof"]["cryptogram"];
  /** Names the service key that signed, to check the cryptogram with the public key the operator gave you. */
  readonly keyID: number;
  /** The service key's fingerprint: the first 16 hex digits of the SHA-256 of its SubjectPublicKeyInfo. (open SCWS addition) */
  readonly serviceKeyId: Schemas["ServiceProof"]["keyId"];
  /** The service key's algorithm. */
  readonly algorithm: Schemas["ServiceProof"]["algorithm"];
}

type Init = { signal?: AbortSignal };

/** With the default validation on, refuses a body the spec does not allow before the service is even looked for. */
function checkBody(method: string, path: string, body: unknown): void {
  const validation = defaultValidation();
  const refusal = validation?.checkRequest(validation.operationContract(method, path), {}, body);
  if (refusal) throw badParams(refusal.field, refusal.reason);
}

/** `createEnvironment`'s signature in hex, from bytes or hex; `undefined` (a development registration) for none. */
export function signatureHex(signature: BytesOrHex | null | undefined): string | undefined {
  if (signature === undefined || signature === null) return undefined;
  return Array.from(bytesOrHexOf("signature", signature), (byte) => byte.toString(16).padStart(2, "0")).join("");
}

/** The challenge request for `findService`'s arguments; checked before the service is even looked for. */
export function challengeRequest(applicationId: unknown, clientChallenge: unknown): Schemas["ChallengeRequest"] | undefined {
  if (applicationId === undefined) {
    if (clientChallenge !== undefined) throw badParams("webAppCert", "is required with a challenge: pass the application's id");
    return undefined;
  }
  if (typeof applicationId !== "string") throw badParams("webAppCert", "must be a string: the application's id in the service's configuration");
  if (clientChallenge !== undefined && typeof clientChallenge !== "string") throw badParams("challenge", "must be a hex string");
  const body = { applicationId, ...(clientChallenge === undefined ? {} : { clientChallenge }) };
  checkBody("POST", "/v1/environments/challenges", body);
  return body;
}

/** One SCWS object's environment: at most one challenge waiting, and at most one credential. */
export class EnvironmentSession {
  /** The credential of the current environment, read by the typed client for each call. */
  readonly credential: () => string | undefined;
  readonly #hold: (credential: string | undefined) => void;
  #pendingChallengeId: string | undefined;
  #info: EnvironmentInfo | undefined;

  constructor() {
    let credential: string | undefined;
    this.credential = () => credential;
    this.#hold = (value) => {
      credential = value;
    };
  }

  /** The current environment, if one was made and not ended. */
  get info(): EnvironmentInfo | undefined {
    return this.#info;
  }

  /** Asks the service for a challenge, and keeps its id for `create`. */
  async challenge(client: ScwsClient, request: Schemas["ChallengeRequest"], init: Init): Promise<string | ServiceChallenge> {
    const answer = unwrap(await client.POST("/v1/environments/challenges", { body: request, ...init }));
    this.#pendingChallengeId = answer.challengeId;
    if (request.clientChallenge === undefined) return answer.challenge;
    const proof = answer.serviceProof;
    if (!proof) throw communicationError("the service did not sign the client's challenge (no serviceProof)");
    return {
      challenge: answer.challenge,
      cryptogram: proof.cryptogram,
      keyID: keyNumberOf(proof.keyId),
      serviceKeyId: proof.keyId,
      algorithm: proof.algorithm,
    };
  }

  /** Answers the pending challenge; the service takes a challenge once, whether the signature verifies or not. */
  async create(client: ScwsClient, signature: string | undefined, init: Init): Promise<EnvironmentInfo> {
    const challengeId = this.#pendingChallengeId;
    if (challengeId === undefined) throw badParams("signature", "answers no challenge: call findService(webAppCert) first");
    const body = { challengeId, ...(signature === undefined ? {} : { signature }) };
    checkBody("POST", "/v1/environments", body);
    this.#pendingChallengeId = undefined;
    const { credential, ...info } = unwrap(await client.POST("/v1/environments", { body, ...init }));
    if (credential === undefined) throw communicationError("the new environment came without its credential");
    this.#hold(credential);
    this.#info = info;
    return info;
  }

  /**
   * Ends the current environment on the service (its connections and logins end). It is forgotten even if the
   * service cannot be told: an environment nobody uses ends by idling.
   */
  async end(client: ScwsClient, init: Init): Promise<void> {
    if (this.credential() === undefined) return;
    try {
      unwrap(await client.DELETE("/v1/environments/current", init));
    } finally {
      this.forget();
    }
  }

  /** Forgets the challenge and the environment, as when another service is found. */
  forget(): void {
    this.#pendingChallengeId = undefined;
    this.#hold(undefined);
    this.#info = undefined;
  }
}

/** SCWS's integer `keyID` for a service key: the first 32 bits of its fingerprint (`keyId`, hex). */
export function keyNumberOf(keyId: string): number {
  return Number.parseInt(keyId.slice(0, 8), 16);
}
