// The audit log: security events as JSON lines (environments, logins, key generation, imports, deletions,
// refused credentials, the PIN page's requests and auto-login). It records who did what to which token, never PINs, passwords or signed data.
import { createWriteStream, mkdirSync, type WriteStream } from "node:fs";
import { dirname } from "node:path";

/** The events the audit log records. */
export type AuditEventName =
  | "environmentCreated"
  | "environmentRefused"
  | "environmentEnded"
  | "loginSucceeded"
  | "loginFailed"
  | "logout"
  | "pinChanged"
  | "pinChangeFailed"
  | "pinUnblocked"
  | "pinUnblockFailed"
  | "keyGenerated"
  | "objectImported"
  | "objectCreated"
  | "objectDeleted"
  | "credentialRefused"
  | "pinRequestCreated"
  | "pinRequestCancelled"
  | "pinRequestExpired"
  | "credentialCaptured"
  | "autoLoginStarted"
  | "autoLoginUsed"
  | "autoLoginStopped";

/** What an event is about; only these fields are written, so nothing secret can slip in. */
export interface AuditFields {
  readonly caller?: string;
  readonly application?: string;
  readonly origin?: string;
  readonly token?: string;
  readonly userType?: string;
  readonly object?: string;
  readonly objectType?: string;
  readonly code?: string;
  readonly reason?: string;
  /** Auto-login: how many more key operations the kept PIN may answer. */
  readonly usesLeft?: string;
}

const FIELDS: ReadonlyArray<keyof AuditFields> = ["caller", "application", "origin", "token", "userType", "object", "objectType", "code", "reason", "usesLeft"];

/** Appends security events to a file, or to standard output. */
export class AuditLog {
  private readonly out: WriteStream | NodeJS.WritableStream;

  /** `path` `-` writes to standard output. */
  constructor(path: string) {
    if (path === "-") this.out = process.stdout;
    else {
      mkdirSync(dirname(path), { recursive: true });
      this.out = createWriteStream(path, { flags: "a", mode: 0o600 });
    }
  }

  /** Records one event. */
  record(event: AuditEventName, fields: AuditFields = {}): void {
    const entry: Record<string, string> = { time: new Date().toISOString(), event };
    for (const name of FIELDS) {
      const value = fields[name];
      if (value !== undefined) entry[name] = value;
    }
    this.out.write(`${JSON.stringify(entry)}\n`);
  }

  /** Flushes and closes the file. */
  close(): Promise<void> {
    if (this.out === process.stdout) return Promise.resolve();
    return new Promise((resolve) => (this.out as WriteStream).end(resolve));
  }
}
