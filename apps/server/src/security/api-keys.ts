// Shared mode's clients: API keys kept as SHA-256 hashes, each with its rate (a token bucket) and its tokens.
import { createHash, timingSafeEqual } from "node:crypto";
import { ScwsError } from "@open-scws/errors";
import type { ApiKeyConfig } from "../config/service-config.js";

/** A client of a shared service. */
export interface ApiClient {
  readonly id: string;
  /** RFC 7512 URIs of the tokens it may use; empty: every exposed token. */
  readonly tokens: readonly string[];
}

interface Bucket {
  tokens: number;
  updatedAt: number;
}

/** The API keys of the configuration. */
export class ApiKeys {
  private readonly keys: ReadonlyArray<{ readonly hash: Buffer; readonly config: ApiKeyConfig }>;
  private readonly buckets = new Map<string, Bucket>();

  constructor(keys: readonly ApiKeyConfig[]) {
    this.keys = keys.map((config) => ({ hash: Buffer.from(config.keyHash.slice("sha256:".length), "hex"), config }));
  }

  /** The client a key belongs to, after spending one request of its rate; SCWS_CREDENTIAL_INVALID or SCWS_RATE_LIMITED otherwise. */
  authenticate(key: string, now = Date.now()): ApiClient {
    const hash = createHash("sha256").update(key, "utf8").digest();
    const match = this.keys.find((candidate) => timingSafeEqual(candidate.hash, hash));
    if (!match)
      throw new ScwsError("SCWS_CREDENTIAL_INVALID", { message: "The API key is not one this service knows.", customData: { field: "/header/authorization" } });
    this.spend(match.config, now);
    return { id: match.config.id, tokens: match.config.tokens };
  }

  private spend(config: ApiKeyConfig, now: number): void {
    const bucket = this.buckets.get(config.id) ?? { tokens: config.burst, updatedAt: now };
    bucket.tokens = Math.min(config.burst, bucket.tokens + ((now - bucket.updatedAt) / 1000) * config.requestsPerSecond);
    bucket.updatedAt = now;
    this.buckets.set(config.id, bucket);
    if (bucket.tokens < 1) {
      const retryAfterSeconds = Math.max(1, Math.ceil((1 - bucket.tokens) / config.requestsPerSecond));
      throw new ScwsError("SCWS_RATE_LIMITED", {
        message: `The API key ${config.id} sent more than ${config.requestsPerSecond} requests per second.`,
        customData: {
          limit: config.requestsPerSecond,
          retryAfterSeconds,
        },
      });
    }
    bucket.tokens -= 1;
  }
}
