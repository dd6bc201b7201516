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
  return pino(options, destination ?? bufferedStandardOutput());
}

/** How much log text waits before it is written, and for how long at most. */
const LOG_BUFFER_BYTES = 8 * 1024;
const LOG_FLUSH_MS = 100;

/**
 * Standard output, written asynchronously in chunks of about 8 KiB, or after at most 100 ms for a quieter log: one
 * write per request's line cost about a sixth of the service's CPU under load (--cpu-prof, issue 15). pino's own
 * destination flushes what is left when the process exits; a process killed with SIGKILL loses at most 100 ms of lines.
 */
function bufferedStandardOutput(): DestinationStream {
  const stream = pino.destination({ dest: 1, sync: false, minLength: LOG_BUFFER_BYTES });
  let waiting = false;
  setInterval(() => {
    if (!waiting) return;
    waiting = false;
    stream.flush();
  }, LOG_FLUSH_MS).unref();
  return {
    write(line: string) {
      waiting = true;
      stream.write(line);
    },
  };
}
