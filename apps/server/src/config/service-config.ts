// The service's configuration and its defaults. Environment variables override the defaults.
import { delimiter } from "node:path";

/** One PKCS#11 module to load. */
export interface ModuleConfig {
  /** A short id, used in reader ids and logs. */
  readonly id: string;
  /** The module's shared library. */
  readonly library: string;
  /** The most sessions open at once on one of its tokens. */
  readonly maxSessionsPerToken: number;
}

/** Everything the service is configured with. */
export interface ServiceConfig {
  /** `local`: loopback only, for a browser on this machine. `shared`: in front of an HSM for several clients. */
  readonly mode: "local" | "shared";
  readonly listen: { readonly host: string; readonly port: number };
  /** Host names, beyond the loopback ones, that requests may name in their Host header. */
  readonly allowedHostNames: readonly string[];
  /** The largest request body accepted, in bytes. */
  readonly bodyLimitBytes: number;
  readonly modules: readonly ModuleConfig[];
  /** The log level: fatal, error, warn, info, debug or trace. */
  readonly logLevel: string;
  /** Where the service keeps its state (the PIN retry counters, the demo token). */
  readonly dataDir: string;
  /** Wrong PINs in a row that lock a PIN, counted by the service for tokens that never lock (SoftHSM). */
  readonly pinPolicy: { readonly maxTries: number; readonly soMaxTries: number };
  /** PEM files of the certificates that getCertificateTrust trusts (`SCWS_TRUST_ANCHORS`, path-separated). */
  readonly trustAnchors: readonly string[];
}

/** The port the service listens on by default. */
export const DEFAULT_PORT = 8930;
/** SoftHSM2's module as Debian installs it: the module used when no other is configured. */
export const SOFTHSM_LIBRARY = "/usr/lib/softhsm/libsofthsm2.so";

function positiveInteger(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 1) throw new Error(`${name} must be a positive integer, not "${raw}"`);
  return value;
}

/** The configuration from defaults and environment variables (`SCWS_PORT`, `SCWS_PKCS11_MODULE`, ...). */
export function configFromEnvironment(env: NodeJS.ProcessEnv = process.env): ServiceConfig {
  const port = env.SCWS_PORT === undefined ? DEFAULT_PORT : Number(env.SCWS_PORT);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`SCWS_PORT must be a port number, not "${env.SCWS_PORT}"`);
  return {
    mode: "local",
    listen: { host: env.SCWS_LISTEN_HOST ?? "127.0.0.1", port },
    allowedHostNames: (env.SCWS_ALLOWED_HOSTS ?? "")
      .split(",")
      .map((name) => name.trim())
      .filter(Boolean),
    bodyLimitBytes: 1024 * 1024,
    modules: [{ id: env.SCWS_PKCS11_MODULE_ID ?? "softhsm", library: env.SCWS_PKCS11_MODULE ?? SOFTHSM_LIBRARY, maxSessionsPerToken: 4 }],
    logLevel: env.SCWS_LOG_LEVEL ?? "info",
    dataDir: env.SCWS_DATA_DIR ?? "data",
    pinPolicy: { maxTries: positiveInteger(env, "SCWS_PIN_MAX_TRIES", 3), soMaxTries: positiveInteger(env, "SCWS_SO_PIN_MAX_TRIES", 3) },
    trustAnchors: (env.SCWS_TRUST_ANCHORS ?? "").split(delimiter).filter(Boolean),
  };
}
