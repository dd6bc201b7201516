// Who calls: resolves a request's credential to its caller (an environment in local mode, an API key's client in
// shared mode), binds an environment to the origin that created it, and scopes shared-mode clients to their tokens.
import { ScwsError } from "@open-scws/errors";
import { matchesPkcs11Uri, parsePkcs11Uri } from "../config/pkcs11-uri.js";
import type { ServiceConfig } from "../config/service-config.js";
import { describeSlot, type SlotFilter } from "../config/token-filter.js";
import { type ApiClient, ApiKeys } from "./api-keys.js";
import { Applications } from "./applications.js";
import type { AuditLog } from "./audit-log.js";
import { ChallengeStore } from "./challenges.js";
import { type EndReason, type Environment, EnvironmentRegistry } from "./environments.js";
import { InFlightLimiter } from "./in-flight-limiter.js";
import type { ServiceKey } from "./service-key.js";

/** The caller of a request that carried a valid credential. */
export interface Caller {
  /** The owner of what the caller connects and logs in to: the environment's id, or `k-` and the API key's id. */
  readonly id: string;
  readonly environment?: Environment;
  readonly client?: ApiClient;
}

/** The environment header, lower-cased as Node gives headers. */
export const ENVIRONMENT_HEADER = "x-scws-environment";

/** Access control of the service. */
export class AccessControl {
  readonly applications: Applications;
  readonly challenges: ChallengeStore;
  readonly environments: EnvironmentRegistry;
  readonly inFlight: InFlightLimiter;
  private readonly apiKeys: ApiKeys;
  private readonly scopes = new Map<string, SlotFilter>();

  constructor(
    private readonly config: ServiceConfig,
    readonly serviceKey: ServiceKey,
    readonly audit: AuditLog,
    onEnvironmentEnd: (environment: Environment, reason: EndReason) => Promise<void>,
  ) {
    this.applications = new Applications(config.applications);
    this.challenges = new ChallengeStore(config.environments.challengeTtlSeconds * 1000);
    this.environments = new EnvironmentRegistry(config.environments, async (environment, reason) => {
      audit.record("environmentEnded", { caller: environment.id, application: environment.applicationId, reason });
      await onEnvironmentEnd(environment, reason);
    });
    this.inFlight = new InFlightLimiter(config.environments.maxConcurrentRequests);
    this.apiKeys = new ApiKeys(config.apiKeys);
  }

  /** The caller of a request, from its credential; SCWS_CREDENTIAL_REQUIRED, SCWS_CREDENTIAL_INVALID or SCWS_ORIGIN_REFUSED otherwise. */
  authenticate(header: (name: string) => string | undefined): Caller {
    try {
      return this.config.mode === "shared" ? this.byApiKey(header) : this.byEnvironment(header);
    } catch (error) {
      if (error instanceof ScwsError) this.audit.record("credentialRefused", { code: error.code, ...(header("origin") ? { origin: header("origin") } : {}) });
      throw error;
    }
  }

  /** The tokens a caller may use, beyond those the service exposes; undefined: all of them. */
  scopeOf(callerId: string, client?: ApiClient): SlotFilter | undefined {
    if (!client || client.tokens.length === 0) return undefined;
    let scope = this.scopes.get(callerId);
    if (!scope) {
      const uris = client.tokens.map(parsePkcs11Uri);
      const libraries = new Map(this.config.modules.map((module) => [module.id, module.library]));
      scope = (module, slot) => uris.some((uri) => matchesPkcs11Uri(uri, describeSlot(libraries.get(module.id) ?? "", module, slot)));
      this.scopes.set(callerId, scope);
    }
    return scope;
  }

  /**
   * Whether a caller must confirm the last PIN try: only environments of an application that opted in
   * (`confirmFinalTry` in its registration); API-key clients and everyone else log in on it as SCWS does.
   */
  confirmsFinalTry(callerId: string): boolean {
    const environment = this.environments.byId(callerId);
    return environment ? this.applications.get(environment.applicationId)?.confirmFinalTry === true : false;
  }

  private byEnvironment(header: (name: string) => string | undefined): Caller {
    const credential = header(ENVIRONMENT_HEADER);
    if (credential === undefined || credential === "") {
      throw new ScwsError("SCWS_CREDENTIAL_REQUIRED", {
        message: "This operation needs the X-SCWS-Environment header; create an environment first.",
        customData: {
          field: "/header/x-scws-environment",
        },
      });
    }
    const environment = this.environments.resolve(credential);
    const origin = header("origin");
    if (origin !== undefined && origin !== environment.origin) {
      throw new ScwsError("SCWS_ORIGIN_REFUSED", { message: "This environment belongs to another origin.", customData: { field: "/header/origin" } });
    }
    return { id: environment.id, environment };
  }

  private byApiKey(header: (name: string) => string | undefined): Caller {
    const match = /^Bearer ([\x21-\x7e]+)$/.exec(header("authorization") ?? "");
    if (!match) {
      throw new ScwsError("SCWS_CREDENTIAL_REQUIRED", {
        message: "A shared service needs an API key: send Authorization: Bearer <key>.",
        customData: {
          field: "/header/authorization",
        },
      });
    }
    const client = this.apiKeys.authenticate(match[1]!);
    return { id: `k-${client.id}`, client };
  }
}
