// Environments: what one registered application's page (or client) owns. The credential is 256 random bits,
// kept only as its SHA-256; an environment that idles past its timeout, or is ended, releases what it holds.
import { createHash, randomBytes } from "node:crypto";
import { ScwsError } from "@open-scws/errors";
import type { EnvironmentLimits } from "../config/service-config.js";

/** A live environment. */
export interface Environment {
  readonly id: string;
  readonly applicationId: string;
  /** The web origin it was created from; calls from other origins are refused. */
  readonly origin: string | undefined;
  readonly createdAt: number;
  lastUsedAt: number;
}

/** Why an environment ended. */
export type EndReason = "ended" | "expired" | "shutdown";

const hashOf = (credential: string) => createHash("sha256").update(credential, "utf8").digest("hex");
const RETRY_AFTER_SECONDS = 30;

/** The live environments. */
export class EnvironmentRegistry {
  private readonly byHash = new Map<string, Environment>();
  private sweeper: NodeJS.Timeout | undefined;

  constructor(
    private readonly limits: EnvironmentLimits,
    private readonly onEnd: (environment: Environment, reason: EndReason) => Promise<void>,
  ) {}

  /** How many environments are live. */
  get size(): number {
    return this.byHash.size;
  }

  /** The idle timeout in milliseconds. */
  get idleMs(): number {
    return this.limits.idleTimeoutSeconds * 1000;
  }

  /** A new environment and its credential, shown this once; SCWS_LIMIT_REACHED past the caps. */
  create(applicationId: string, origin: string | undefined, now = Date.now()): { environment: Environment; credential: string } {
    const forApplication = [...this.byHash.values()].filter((environment) => environment.applicationId === applicationId).length;
    if (this.byHash.size >= this.limits.maxEnvironments) throw limitReached("environments", this.limits.maxEnvironments);
    if (forApplication >= this.limits.maxEnvironmentsPerApplication)
      throw limitReached("environments of this application", this.limits.maxEnvironmentsPerApplication);
    const credential = randomBytes(32).toString("base64url");
    const environment: Environment = { id: `e-${randomBytes(16).toString("hex")}`, applicationId, origin, createdAt: now, lastUsedAt: now };
    this.byHash.set(hashOf(credential), environment);
    return { environment, credential };
  }

  /** The environment a credential names, marked as used; SCWS_CREDENTIAL_INVALID when unknown, ended or expired. */
  resolve(credential: string, now = Date.now()): Environment {
    const hash = hashOf(credential);
    const environment = this.byHash.get(hash);
    if (!environment || now - environment.lastUsedAt > this.idleMs) {
      if (environment) void this.end(environment, "expired");
      throw new ScwsError("SCWS_CREDENTIAL_INVALID", {
        message: "The environment credential is unknown, ended or expired; create a new environment.",
        customData: {
          field: "/header/x-scws-environment",
        },
      });
    }
    environment.lastUsedAt = now;
    return environment;
  }

  /** The live environment with this id, without marking it used. */
  byId(id: string): Environment | undefined {
    for (const environment of this.byHash.values()) if (environment.id === id) return environment;
    return undefined;
  }

  /** Ends an environment and releases what it holds. */
  async end(environment: Environment, reason: EndReason): Promise<void> {
    for (const [hash, candidate] of this.byHash) {
      if (candidate === environment) this.byHash.delete(hash);
    }
    await this.onEnd(environment, reason);
  }

  /** Ends the environments idle past their timeout. */
  async sweep(now = Date.now()): Promise<void> {
    const idle = [...this.byHash.values()].filter((environment) => now - environment.lastUsedAt > this.idleMs);
    await Promise.allSettled(idle.map((environment) => this.end(environment, "expired")));
  }

  /** Sweeps every few seconds until stopped. */
  start(): void {
    this.sweeper = setInterval(() => void this.sweep(), Math.min(15_000, this.idleMs / 2));
    this.sweeper.unref();
  }

  /** Stops sweeping and ends every environment. */
  async stop(): Promise<void> {
    clearInterval(this.sweeper);
    await Promise.allSettled([...this.byHash.values()].map((environment) => this.end(environment, "shutdown")));
  }
}

/** The error for a cap, with a Retry-After. */
export function limitReached(what: string, limit: number, retryAfterSeconds = RETRY_AFTER_SECONDS): ScwsError {
  return new ScwsError("SCWS_LIMIT_REACHED", { message: `The limit of ${limit} ${what} is reached.`, customData: { limit, retryAfterSeconds } });
}
