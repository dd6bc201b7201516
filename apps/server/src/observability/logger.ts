// The service's JSON log (pino on standard output, written asynchronously), with secrets censored wherever they appear as a field
// or header: PINs, passwords, credentials and the environment credential never reach the log.
import { type DestinationStream, type Logger, pino } from "pino";
import type { LogLevel } from "../config/service-config.js";

/** Field and header names whose values are secret, in any object logged. */
export const SECRET_KEYS = [
  "pin",
  "soPin",
  "newPin",
  "oldPin",
  "puk",
  "password",
  "credential",
  "privateKey",
  "authorization",
  "cookie",
  "x-scws-environment",
] as const;

/** What a censored value is replaced with. */
export const REDACTED = "[redacted]";

const SECRET = new Set<string>(SECRET_KEYS);
/** How deep censoring looks into nested objects: deeper than anything the service logs. */
const MAX_DEPTH = 8;

/** A shallow copy that keeps what pino's serializers read: an Error's name, message and stack. */
function copyOf(value: object): Record<string, unknown> {
  if (Array.isArray(value)) return [...value] as unknown as Record<string, unknown>;
  if (value instanceof Error) return { ...value, type: value.name, message: value.message, stack: value.stack };
  return { ...value };
}

/**
 * The value with every secret key's value replaced by REDACTED, at any depth; the value itself, uncopied, when it
 * holds none (every request's log line). One walk over the object, rather than pino's redaction paths with
 * wildcards, which cost more than the rest of a small request's logging (measured with --cpu-prof).
 */
export function censor(value: unknown, depth = 0): unknown {
  if (typeof value !== "object" || value === null || depth > MAX_DEPTH) return value;
  let copy: Record<string, unknown> | undefined;
  for (const key of Object.keys(value)) {
    const item = (value as Record<string, unknown>)[key];
    const censored = SECRET.has(key) ? REDACTED : censor(item, depth + 1);
    if (censored === item) continue;
    copy ??= copyOf(value);
    copy[key] = censored;
  }
  return copy ?? value;
}

/** The service's logger: JSON lines with ISO times, secrets censored. */
export function createLogger(level: LogLevel, destination?: DestinationStream): Logger {
  const options = {
    level,
    base: { service: "open-scws", pid: process.pid },
    timestamp: pino.stdTimeFunctions.isoTime,
    formatters: {
      bindings: (bindings: Record<string, unknown>) => censor(bindings) as Record<string, unknown>,
      log: (object: Record<string, unknown>) => censor(object) as Record<string, unknown>,
    },
  };
  // Standard output is written asynchronously: lines logged while a write is under way leave together in the next
  // one, instead of one blocking write per line (a fifth of a small request's time, measured with --cpu-prof). pino
  // flushes what is left when the process exits.
  return pino(options, destination ?? pino.destination({ dest: 1, sync: false }));
}
