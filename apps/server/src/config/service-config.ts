// The service's configuration, once loaded: the configuration file's shape with every default filled in.
// The file's JSON Schema (spec/config/service-config.schema.json) documents each option and holds the defaults;
// load-config.ts reads a file, applies SCWS_* environment variables and validates against that schema.

/** One PKCS#11 module to load. */
export interface ModuleConfig {
  /** A short id, used in reader ids, logs and metrics. */
  readonly id: string;
  /** The module's shared library. */
  readonly library: string;
  /** The most sessions open at once on one of its tokens. */
  readonly maxSessionsPerToken: number;
}

/** A web application registered with the service (consumed by the environment model). */
export interface ApplicationConfig {
  readonly id: string;
  /** The exact origins its pages are served from. */
  readonly origins: readonly string[];
  /** Its Ed25519 or EC P-256 public key, PEM SubjectPublicKeyInfo. */
  readonly publicKey: string;
}

/** The log levels pino knows, least verbose first. */
export type LogLevel = "fatal" | "error" | "warn" | "info" | "debug" | "trace" | "silent";

/** Everything the service is configured with. */
export interface ServiceConfig {
  /** `local`: loopback only, for a browser on this machine. `shared`: in front of an HSM for several clients. */
  readonly mode: "local" | "shared";
  readonly listen: { readonly host: string; readonly port: number };
  /** Host names, beyond the loopback ones, that requests may name in their Host header. */
  readonly allowedHostNames: readonly string[];
  /** The largest request body accepted, in bytes. */
  readonly bodyLimitBytes: number;
  /** Limits on HTTP connections against slow or idle clients (slowloris). */
  readonly http: { readonly headersTimeoutMs: number; readonly requestTimeoutMs: number; readonly keepAliveTimeoutMs: number };
  /** The log level. */
  readonly logLevel: LogLevel;
  /** Where local state (the PIN retry counters, the demo token) lives. */
  readonly dataDir: string;
  /** Wrong PINs in a row that lock a PIN, counted by the service for tokens that never lock (SoftHSM). */
  readonly pinPolicy: { readonly maxTries: number; readonly soMaxTries: number };
  /** How often readers are polled for events while someone listens, in milliseconds. */
  readonly readerPollMs: number;
  readonly modules: readonly ModuleConfig[];
  /** RFC 7512 URIs of the tokens to show; empty shows every token. */
  readonly exposeTokens: readonly string[];
  readonly applications: readonly ApplicationConfig[];
  readonly shutdown: {
    /** How long requests in flight may take to finish once a stop is asked for. */
    readonly drainTimeoutMs: number;
  };
  /**
   * Where modules run. `process` (the default): each in a child process of its own, supervised, so that a module
   * that crashes or hangs is restarted and the service runs on. `none`: in the service's process, for debugging a module.
   */
  readonly moduleIsolation: "process" | "none";
  /** PEM files of the certificates that getCertificateTrust trusts. */
  readonly trustAnchors: readonly string[];
}

/** The port the service listens on by default. */
export const DEFAULT_PORT = 8930;
/** SoftHSM2's module as Debian installs it: the module used when no other is configured. */
export const SOFTHSM_LIBRARY = "/usr/lib/softhsm/libsofthsm2.so";
