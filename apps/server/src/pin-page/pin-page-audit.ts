// The audit records of the PIN page and auto-login, which happen away from the environment's own requests (the
// user answers on the service's page; a kept PIN answers inside a key operation). Each names the environment
// that asked, its application and the token's reader; the fields are ids, states and codes, never a PIN.
import { ScwsError } from "@open-scws/errors";
import type { AuditEventName, AuditLog } from "../security/audit-log.js";

/** What one PIN-page or auto-login event is about. */
export interface PinPageEvent {
  /** The environment that asked for the PIN or started auto-login. */
  readonly owner: string;
  readonly readerId: string;
  readonly origin?: string | undefined;
  readonly userType?: string;
  /** What kind of request or login (`pin page`, `credential`, `auto-login`). */
  readonly reason?: string;
  readonly usesLeft?: number;
  /** The code of the error that ended it, when it failed. */
  readonly code?: string | undefined;
}

/** Writes the PIN page's and auto-login's events to the audit log. */
export class PinPageAudit {
  constructor(
    private readonly log: AuditLog,
    /** The application of an environment, while it lives. */
    private readonly applicationOf: (owner: string) => string | undefined,
  ) {}

  record(event: AuditEventName, about: PinPageEvent): void {
    const application = this.applicationOf(about.owner);
    this.log.record(event, {
      caller: about.owner,
      ...(application ? { application } : {}),
      ...(about.origin ? { origin: about.origin } : {}),
      token: about.readerId,
      ...(about.userType ? { userType: about.userType } : {}),
      ...(about.reason ? { reason: about.reason } : {}),
      ...(about.usesLeft !== undefined ? { usesLeft: String(about.usesLeft) } : {}),
      ...(about.code ? { code: about.code } : {}),
    });
  }
}

/** The code an error carries to the audit log. */
export function auditCodeOf(error: unknown): string {
  return error instanceof ScwsError ? error.code : "CKR_GENERAL_ERROR";
}
