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
  /** Where this module runs; absent: `moduleIsolation`. */
  readonly isolation?: "process" | "none";
}

/** A web application registered with the service (consumed by the environment model). */
export interface ApplicationConfig {
  readonly id: string;
  /** The exact origins its pages are served from. */
  readonly origins: readonly string[];
  /** Its public key (Ed25519, EC P-256/384/521 or RSA), PEM SubjectPublicKeyInfo; absent for a development registration. */
  readonly publicKey?: string;
  /** A development registration: its origins get environments without a signature. */
  readonly trustOrigin: boolean;
  /** Opted in to confirming the last PIN try (SCWS_FINAL_TRY_UNCONFIRMED without confirmFinalTry); off when absent. */
  readonly confirmFinalTry?: boolean;
}

/** Limits of environments. */
export interface EnvironmentLimits {
  readonly idleTimeoutSeconds: number;
  readonly challengeTtlSeconds: number;
  readonly maxEnvironments: number;
  readonly maxEnvironmentsPerApplication: number;
  readonly maxConnectionsPerEnvironment: number;
  readonly maxConcurrentRequests: number;
}

/** A shared-mode client's API key, as its hash. */
export interface ApiKeyConfig {
  readonly id: string;
  /** `sha256:` and the hex SHA-256 of the key. */
  readonly keyHash: string;
  /** RFC 7512 URIs of the tokens it may use; empty: every exposed token. */
  readonly tokens: readonly string[];
  readonly requestsPerSecond: number;
  readonly burst: number;
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
  /** The service's PIN page: how long a PIN request waits for the user (and a captured credential for its login). */
  readonly pinRequests: { readonly ttlSeconds: number };
  /** Auto-login's bounds: how long and how often a kept PIN may serve, whatever counter an application asks for. */
  readonly autoLogin: { readonly maxSeconds: number; readonly maxUses: number };
  /** How often readers are polled for events while someone listens, in milliseconds. */
  readonly readerPollMs: number;
  readonly modules: readonly ModuleConfig[];
  /** RFC 7512 URIs of the tokens to show; empty shows every token. */
  readonly exposeTokens: readonly string[];
  readonly applications: readonly ApplicationConfig[];
  readonly environments: EnvironmentLimits;
  /** The service's Ed25519 key for mutual mode; made in dataDir when absent. */
  readonly serviceKeyFile?: string;
  readonly apiKeys: readonly ApiKeyConfig[];
  /** HTTPS, required beyond loopback. */
  readonly tls?: { readonly certFile: string; readonly keyFile: string };
  /** The audit log's path (relative to dataDir), or `-` for standard output. */
  readonly auditLog: string;
  readonly shutdown: {
    /** How long requests in flight may take to finish once a stop is asked for. */
    readonly drainTimeoutMs: number;
  };
  /**
   * Where modules run. `process` (the default): each in a child process of its own, supervised, so that a module
   * that crashes or hangs is restarted and the service runs on. `none`: in the service's process, for trusted modules
   * or debugging a module. A module's own `isolation` wins.
   */
  readonly moduleIsolation: "process" | "none";
  /** PEM files of the certificates that getCertificateTrust trusts. */
  readonly trustAnchors: readonly string[];
}

/** The port the service listens on by default. */
export const DEFAULT_PORT = 8930;
/** SoftHSM2's module as Debian installs it: the module used when no other is configured. */
export const SOFTHSM_LIBRARY = "/usr/lib/softhsm/libsofthsm2.so";
