// Handlers of the "environments" tag: the challenge an application's back end signs, and environments.
import { ScwsError } from "@open-scws/errors";
import type { components } from "@open-scws/spec";
import type { Handlers } from "../http/operation-types.js";
import type { Environment as LiveEnvironment } from "../security/environments.js";
import { environmentMessage, verifySignature } from "../security/signatures.js";
import type { Services } from "../services.js";

type Environment = components["schemas"]["Environment"];

function applicationUnknown(): ScwsError {
  return new ScwsError("SCWS_APPLICATION_UNKNOWN", {
    message: "No registered application has this id for this origin.",
    customData: { field: "/body/applicationId" },
  });
}

/** Handlers of the environments tag. */
export function environmentHandlers(services: Services): Pick<Handlers, "createChallenge" | "createEnvironment" | "getEnvironment" | "endEnvironment"> {
  const { access, tokens } = services;
  const describe = (environment: LiveEnvironment): Environment => ({
    id: environment.id,
    applicationId: environment.applicationId,
    ...(environment.origin ? { origin: environment.origin } : {}),
    createdAt: new Date(environment.createdAt).toISOString(),
    expiresAt: new Date(environment.lastUsedAt + access.environments.idleMs).toISOString(),
    idleTimeoutSeconds: access.environments.idleMs / 1000,
    connections: tokens.countOf(environment.id),
  });
  const current = (environment: LiveEnvironment | undefined): LiveEnvironment => {
    if (!environment)
      throw new ScwsError("SCWS_CREDENTIAL_REQUIRED", {
        message: "Only an environment's credential names a current environment.",
        customData: {
          field: "/header/x-scws-environment",
        },
      });
    return environment;
  };

  return {
    async createChallenge({ body, context }) {
      const origin = context.header("origin");
      const application = access.applications.get(body.applicationId);
      // A development registration trusts its origins: without one (a program, not a page) there is nothing to trust.
      const originMatches = origin === undefined ? application?.publicKey !== undefined : application?.origins.has(origin) === true;
      if (!application || !originMatches) {
        access.audit.record("environmentRefused", { application: body.applicationId, code: "SCWS_APPLICATION_UNKNOWN", ...(origin ? { origin } : {}) });
        throw applicationUnknown();
      }
      const challenge = access.challenges.issue(application.id, origin);
      return {
        status: 201,
        body: {
          challengeId: challenge.id,
          challenge: challenge.challenge,
          message: environmentMessage(challenge.challenge),
          expiresAt: new Date(challenge.expiresAt).toISOString(),
          ...(body.clientChallenge ? { serviceProof: access.serviceKey.prove(body.clientChallenge) } : {}),
        },
      };
    },

    async createEnvironment({ body, context }) {
      const challenge = access.challenges.take(body.challengeId);
      const origin = context.header("origin");
      const application = access.applications.get(challenge.applicationId);
      if (!application || origin !== challenge.origin) throw applicationUnknown();
      if (application.publicKey) {
        if (body.signature === undefined) {
          throw new ScwsError("CKR_ARGUMENTS_BAD", {
            message: "Send the application's signature of the challenge.",
            customData: {
              field: "/body/signature",
              reason: "is required",
            },
          });
        }
        if (!verifySignature(application.publicKey, environmentMessage(challenge.challenge), Buffer.from(body.signature, "hex"))) {
          access.audit.record("environmentRefused", { application: application.id, code: "CKR_SIGNATURE_INVALID", ...(origin ? { origin } : {}) });
          throw new ScwsError("CKR_SIGNATURE_INVALID", {
            message: "The signature of the challenge does not verify with the application's registered key.",
            customData: {
              field: "/body/signature",
            },
          });
        }
      }
      const { environment, credential } = access.environments.create(application.id, origin);
      access.audit.record("environmentCreated", { caller: environment.id, application: application.id, ...(origin ? { origin } : {}) });
      return { status: 201, body: { ...describe(environment), credential } };
    },

    async getEnvironment({ context }) {
      return { status: 200, body: describe(current(context.environment)) };
    },

    async endEnvironment({ context }) {
      await access.environments.end(current(context.environment), "ended");
      return { status: 204 };
    },
  };
}
