// Security events of token operations go to the audit log: logins (and their failures), PIN changes, key
// generation, imports and deletions, auto-login's start and stop. (The PIN page's answers and auto-login's uses
// happen outside the environment's requests: pin-page/pin-page-audit.ts records them.) The wrapper records who did what to which token and object; it sees the
// request's body only to name the user type, so no PIN, password or key material can reach the log.
import { ScwsError } from "@open-scws/errors";
import type { OperationId } from "../generated/routes.js";
import type { HandlerInput, Handlers } from "../http/operation-types.js";
import type { AuditEventName, AuditFields } from "../security/audit-log.js";
import type { Services } from "../services.js";

/** What one operation records: on success, and (for PIN operations) on failure. */
interface AuditedOperation {
  readonly succeeded: AuditEventName;
  readonly failed?: AuditEventName;
}

const AUDITED: Partial<Record<OperationId, AuditedOperation>> = {
  logInWithPin: { succeeded: "loginSucceeded", failed: "loginFailed" },
  logInWithCredential: { succeeded: "loginSucceeded", failed: "loginFailed" },
  logOutOfPin: { succeeded: "logout" },
  changePin: { succeeded: "pinChanged", failed: "pinChangeFailed" },
  unblockPin: { succeeded: "pinUnblocked", failed: "pinUnblockFailed" },
  generateKey: { succeeded: "keyGenerated" },
  importCertificate: { succeeded: "objectImported" },
  importPkcs12: { succeeded: "objectImported" },
  createDataContainer: { succeeded: "objectCreated" },
  deleteObject: { succeeded: "objectDeleted" },
  startAutoLogin: { succeeded: "autoLoginStarted" },
  stopAutoLogin: { succeeded: "autoLoginStopped" },
};

type AnyHandler = (input: HandlerInput<OperationId>) => Promise<{ status: number; body?: unknown }>;

/** The handlers, with the audited operations recording their outcome. */
export function withAudit(handlers: Handlers, services: Services): Handlers {
  const wrapped: Record<string, AnyHandler> = { ...(handlers as unknown as Record<string, AnyHandler>) };
  for (const [operationId, audited] of Object.entries(AUDITED) as [OperationId, AuditedOperation][]) {
    const handler = wrapped[operationId] as AnyHandler;
    wrapped[operationId] = async (input) => {
      const fields = describe(input, services);
      try {
        const result = await handler(input);
        const made = createdObjects(result.body);
        if (made.length === 0) services.access.audit.record(audited.succeeded, { ...fields, ...usesLeftOf(result.body) });
        for (const object of made) services.access.audit.record(audited.succeeded, { ...fields, ...object });
        return result;
      } catch (error) {
        if (audited.failed) services.access.audit.record(audited.failed, { ...fields, code: error instanceof ScwsError ? error.code : "CKR_GENERAL_ERROR" });
        throw error;
      }
    };
  }
  return wrapped as unknown as Handlers;
}

/** Who acts on which token and object: ids only. */
function describe(input: HandlerInput<OperationId>, services: Services): AuditFields {
  const { context } = input;
  const params = input.params as { tokenId?: string; objectId?: string; requestId?: string };
  const body = input.body as { userType?: unknown } | undefined;
  const origin = context.header("origin");
  return {
    caller: context.caller,
    ...(context.environment ? { application: context.environment.applicationId } : {}),
    ...(origin ? { origin } : {}),
    ...(params.tokenId ? { token: readerOf(services, params.tokenId, context.caller) } : {}),
    ...(params.objectId ? { object: params.objectId } : {}),
    ...(typeof body?.userType === "string" ? { userType: body.userType } : {}),
    // A credential's login names its PIN request; the request knows the token.
    ...(params.requestId ? services.pinRequests.auditFields(params.requestId, context.caller) : {}),
  };
}

/** The reader a connection is on, which names the token across connections; the connection id if it is not the caller's. */
function readerOf(services: Services, tokenId: string, caller: string): string {
  try {
    return services.tokens.get(tokenId, caller).readerId;
  } catch {
    return tokenId;
  }
}

/** The ids and types of the objects an operation made: one object, or a generation's or import's members. */
function createdObjects(body: unknown): AuditFields[] {
  if (typeof body !== "object" || body === null) return [];
  const made = body as Record<string, unknown>;
  if (typeof made.id === "string") return [objectFields(made)];
  return ["privateKey", "publicKey", "secretKey", "certificate"].flatMap((member) => {
    const object = made[member];
    return typeof object === "object" && object !== null ? [objectFields(object as Record<string, unknown>)] : [];
  });
}

/** Auto-login's answer: how many uses the kept PIN has. */
function usesLeftOf(body: unknown): AuditFields {
  const usesLeft = (body as { usesLeft?: unknown } | undefined)?.usesLeft;
  return typeof usesLeft === "number" ? { usesLeft: String(usesLeft) } : {};
}

function objectFields(object: Record<string, unknown>): AuditFields {
  return {
    ...(typeof object.id === "string" ? { object: object.id } : {}),
    ...(typeof object.type === "string" ? { objectType: object.type } : {}),
  };
}
