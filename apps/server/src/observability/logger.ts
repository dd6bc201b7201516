// The service's JSON log (pino on standard output), with secrets censored wherever they appear as a field
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

/** pino redaction paths for every secret key, at the top and up to four objects deep (`*.pin`, `*.*.pin`...). */
export function redactionPaths(depth = 4): string[] {
  const paths: string[] = [];
  for (const key of SECRET_KEYS) {
    const segment = /^[A-Za-z_$][\w$]*$/.test(key) ? key : `["${key}"]`;
    for (let level = 0; level <= depth; level++) {
      const prefix = "*".repeat(level).split("").join(".");
      if (level === 0) paths.push(segment);
      else paths.push(segment.startsWith("[") ? `${prefix}${segment}` : `${prefix}.${segment}`);
    }
  }
  return paths;
}

/** The service's logger: JSON lines with ISO times, secrets censored. */
export function createLogger(level: LogLevel, destination?: DestinationStream): Logger {
  const options = {
    level,
    base: { service: "open-scws", pid: process.pid },
    timestamp: pino.stdTimeFunctions.isoTime,
    redact: { paths: redactionPaths(), censor: REDACTED },
  };
  return destination ? pino(options, destination) : pino(options);
}
