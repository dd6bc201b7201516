// The service's configuration and its defaults. Environment variables override the defaults.

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
  /**
   * Where modules run. `process` (the default): each in a child process of its own, supervised, so that a module that
   * crashes or hangs is restarted and the service runs on. `none`: in the service's process, for debugging a module.
   */
  readonly moduleIsolation: "process" | "none";
  /** The log level: fatal, error, warn, info, debug or trace. */
  readonly logLevel: string;
}

/** The port the service listens on by default. */
export const DEFAULT_PORT = 8930;
/** SoftHSM2's module as Debian installs it: the module used when no other is configured. */
export const SOFTHSM_LIBRARY = "/usr/lib/softhsm/libsofthsm2.so";

function isolationFrom(value: string | undefined): ServiceConfig["moduleIsolation"] {
  if (value === undefined || value === "process" || value === "none") return value ?? "process";
  throw new Error(`SCWS_MODULE_ISOLATION must be "process" or "none", not "${value}"`);
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
    moduleIsolation: isolationFrom(env.SCWS_MODULE_ISOLATION),
    logLevel: env.SCWS_LOG_LEVEL ?? "info",
  };
}
