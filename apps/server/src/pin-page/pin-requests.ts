// One-time PIN requests (SCWS's Pin.login(false) and requestCredential): an environment asks for a PIN, the user
// types it on the service's own page, and the environment learns the outcome by following the request. The PIN
// never passes through the application's page; a credential's PIN is kept in memory only until its one use or
// the request's end. Ids are 128 random bits; each request answers once and expires.
import { randomBytes } from "node:crypto";
import { ScwsError, toProblem } from "@open-scws/errors";
import type { components } from "@open-scws/spec";
import type { PinService } from "../pins/pin-service.js";
import type { AuditEventName } from "../security/audit-log.js";
import type { TokenConnection, TokenConnections } from "../tokens/token-connections.js";
import type { PinPageAudit } from "./pin-page-audit.js";

type Schemas = components["schemas"];
type PinRequestView = Schemas["PinRequest"];
type PinRequestState = Schemas["PinRequestState"];
type Creation = Schemas["PinRequestCreation"];
type Problem = Schemas["Problem"];

/** What the PIN page shows about the request. */
export interface PinPageFacts {
  readonly tokenLabel: string;
  readonly origin: string | undefined;
  readonly purpose: Schemas["PinRequestPurpose"];
  readonly userType: Schemas["UserType"];
}

interface PinRequest {
  readonly id: string;
  readonly owner: string;
  readonly tokenId: string;
  /** The token's reader, which names the token in the audit log. */
  readonly readerId: string;
  readonly pinNumber: number;
  readonly creation: Required<Creation>;
  readonly facts: PinPageFacts;
  state: PinRequestState;
  expiresAt: number;
  error?: Problem;
  pin?: Schemas["Pin"];
  /** A credential's PIN, until its one use. */
  secret?: string;
  readonly waiters: Set<() => void>;
  timer?: NodeJS.Timeout;
}

/** How long a request waits for the user, and how long a finished one stays readable. */
export interface PinRequestLimits {
  readonly ttlSeconds: number;
}

const KEEP_FINISHED_MS = 60_000;

/** What the audit log records when a request settles; a login on the page counts as a login. */
const SETTLED_EVENT = {
  done: "loginSucceeded",
  failed: "loginFailed",
  captured: "credentialCaptured",
  cancelled: "pinRequestCancelled",
  expired: "pinRequestExpired",
} as const satisfies Partial<Record<PinRequestState, AuditEventName>>;

/** The pending and recently finished PIN requests. */
export class PinRequests {
  private readonly requests = new Map<string, PinRequest>();

  constructor(
    private readonly tokens: TokenConnections,
    private readonly pins: PinService,
    private readonly limits: PinRequestLimits,
    /** Records each request and its outcome, when given. */
    private readonly audit?: PinPageAudit,
  ) {}

  /** `createPinRequest`: a pending request for the connection's PIN. */
  create(connection: TokenConnection, pinNumber: number, body: Creation | undefined, origin: string | undefined, tokenLabel: string): PinRequestView {
    if (pinNumber !== 0) {
      throw new ScwsError(`The token has no PIN ${pinNumber}; PIN 0 is its user PIN.`, "CKR_ARGUMENTS_BAD", undefined, {
        field: "/path/pinNumber",
        reason: "must be 0",
      });
    }
    const creation = { purpose: body?.purpose ?? "login", userType: body?.userType ?? "user", confirmFinalTry: body?.confirmFinalTry ?? false } as const;
    const id = randomBytes(16).toString("base64url");
    const request: PinRequest = {
      id,
      owner: connection.owner,
      tokenId: connection.id,
      readerId: connection.readerId,
      pinNumber,
      creation,
      facts: { tokenLabel, origin, purpose: creation.purpose, userType: creation.userType },
      state: "pending",
      expiresAt: Date.now() + this.limits.ttlSeconds * 1000,
      waiters: new Set(),
    };
    this.requests.set(id, request);
    this.record("pinRequestCreated", request);
    this.schedule(request, this.limits.ttlSeconds * 1000, () => this.finish(request, "expired"));
    return view(request);
  }

  /** `getPinRequest`: the request of this environment, once it left `pending` or the wait ended. */
  async follow(id: string, owner: string, waitSeconds: number, signal: AbortSignal): Promise<PinRequestView> {
    const request = this.owned(id, owner);
    if (request.state === "pending" && waitSeconds > 0) {
      await new Promise<void>((resolve) => {
        const done = () => {
          clearTimeout(timer);
          request.waiters.delete(done);
          signal.removeEventListener("abort", done);
          resolve();
        };
        const timer = setTimeout(done, waitSeconds * 1000);
        request.waiters.add(done);
        signal.addEventListener("abort", done, { once: true });
      });
    }
    return view(request);
  }

  /** What the page shows; only a pending request has a page. */
  pageFacts(id: string): PinPageFacts {
    const request = this.requests.get(id);
    if (!request || request.state !== "pending") throw notPending();
    return request.facts;
  }

  /** `submitPinEntry`: uses the PIN the page sent (or the user's refusal), once. */
  async submit(id: string, entry: Schemas["PinEntry"]): Promise<Schemas["PinEntryResult"]> {
    const request = this.requests.get(id);
    if (!request || request.state !== "pending") throw notPending();
    if (entry.cancel === true) {
      this.finish(request, "cancelled", errorProblem(new ScwsError("The user closed the PIN page without entering the PIN.", "CKR_FUNCTION_CANCELED")));
      return { state: request.state };
    }
    if (entry.pin === undefined) {
      throw new ScwsError("Send the PIN, or cancel.", "CKR_ARGUMENTS_BAD", undefined, { field: "/body/pin", reason: "is required" });
    }
    // Leaves `pending` before the token is asked, so that a second submission cannot race the first.
    request.state = request.creation.purpose === "credential" ? "captured" : "done";
    if (request.creation.purpose === "credential") {
      request.secret = entry.pin;
      this.finish(request, "captured");
      return { state: "captured" };
    }
    try {
      const connection = this.tokens.get(request.tokenId, request.owner);
      const { userType, confirmFinalTry } = request.creation;
      request.pin = await this.pins.login(connection, request.pinNumber, { pin: entry.pin, userType, confirmFinalTry });
      this.finish(request, "done");
    } catch (error) {
      this.finish(request, "failed", errorProblem(error));
      throw error;
    }
    return { state: request.state };
  }

  /** `logInWithCredential`: logs in with a captured credential's PIN, which is forgotten whatever the outcome. */
  async logInWith(id: string, owner: string): Promise<Schemas["Pin"]> {
    const request = this.owned(id, owner);
    const secret = request.secret;
    if (request.state !== "captured" || secret === undefined) {
      throw new ScwsError(`This credential cannot log in: its request is ${request.state}.`, "CKR_ARGUMENTS_BAD", undefined, {
        field: "/path/requestId",
        state: request.state,
      });
    }
    request.secret = undefined;
    request.state = "used";
    const connection = this.tokens.get(request.tokenId, owner);
    return this.pins.login(connection, request.pinNumber, {
      pin: secret,
      userType: request.creation.userType,
      confirmFinalTry: request.creation.confirmFinalTry,
    });
  }

  /** What the audit log says of a request of this environment (a credential's login): its token, user and kind. */
  auditFields(id: string, owner: string): { token: string; userType: string; reason: string } | undefined {
    const request = this.requests.get(id);
    if (!request || request.owner !== owner) return undefined;
    return { token: request.readerId, userType: request.creation.userType, reason: reasonOf(request) };
  }

  /** Forgets an environment's requests and their credentials (its end). */
  forgetOwner(owner: string): void {
    for (const request of this.requests.values()) if (request.owner === owner) this.drop(request);
  }

  private owned(id: string, owner: string): PinRequest {
    const request = this.requests.get(id);
    if (!request || request.owner !== owner) {
      throw new ScwsError("This environment has no PIN request with this id.", "CKR_ARGUMENTS_BAD", 404, { field: "/path/requestId" });
    }
    return request;
  }

  /** Settles the request: wakes its followers, and keeps it readable for a while (a credential until then). */
  private finish(request: PinRequest, state: PinRequestState, error?: Problem): void {
    request.state = state;
    if (error) request.error = error;
    if (state === "expired" || state === "cancelled" || state === "failed") request.secret = undefined;
    if (state === "expired" && !error)
      request.error = errorProblem(
        new ScwsError("Nobody entered the PIN before the request expired.", "CKR_FUNCTION_CANCELED", undefined, { reason: "expired" }),
      );
    if (state in SETTLED_EVENT) this.record(SETTLED_EVENT[state as keyof typeof SETTLED_EVENT], request);
    for (const wake of [...request.waiters]) wake();
    const keep = state === "captured" ? this.limits.ttlSeconds * 1000 : KEEP_FINISHED_MS;
    request.expiresAt = Date.now() + keep;
    this.schedule(request, keep, () => this.drop(request));
  }

  /** One audit line about the request: who asked, for which token, what for, and how it ended; never the PIN. */
  private record(event: AuditEventName, request: PinRequest): void {
    this.audit?.record(event, {
      owner: request.owner,
      readerId: request.readerId,
      origin: request.facts.origin,
      userType: request.creation.userType,
      reason: reasonOf(request),
      code: request.error?.code,
    });
  }

  private drop(request: PinRequest): void {
    clearTimeout(request.timer);
    request.secret = undefined;
    for (const wake of [...request.waiters]) wake();
    this.requests.delete(request.id);
  }

  private schedule(request: PinRequest, ms: number, then: () => void): void {
    clearTimeout(request.timer);
    request.timer = setTimeout(then, ms);
    request.timer.unref();
  }
}

/** The audit log's name for what a request is for. */
function reasonOf(request: PinRequest): string {
  return request.creation.purpose === "credential" ? "credential on the PIN page" : "PIN page";
}

function view(request: PinRequest): PinRequestView {
  return {
    id: request.id,
    pagePath: `/pin-entry/${request.id}`,
    purpose: request.creation.purpose,
    state: request.state,
    expiresAt: new Date(request.expiresAt).toISOString(),
    ...(request.error ? { error: request.error } : {}),
    ...(request.pin ? { pin: request.pin } : {}),
  };
}

function notPending(): ScwsError {
  return new ScwsError("This PIN request is unknown, answered or expired: ask the application again.", "CKR_ARGUMENTS_BAD", 404, { field: "/path/requestId" });
}

function errorProblem(error: unknown): Problem {
  const scws = error instanceof ScwsError ? error : new ScwsError("The PIN could not be checked.", "CKR_FUNCTION_FAILED");
  return toProblem(scws, "urn:scws:pin-request") as Problem;
}
