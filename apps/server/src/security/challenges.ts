// Single-use challenges for creating environments, bound to an application and the origin that asked.
import { randomBytes } from "node:crypto";
import { ScwsError } from "@open-scws/errors";

/** A challenge waiting for its signature. */
export interface PendingChallenge {
  readonly id: string;
  readonly applicationId: string;
  /** The page's origin, when a browser asked. */
  readonly origin: string | undefined;
  /** 32 random bytes, in lower-case hex. */
  readonly challenge: string;
  readonly expiresAt: number;
}

/** How many challenges may wait at once for one origin (or, for a caller without one, one application). */
export const PENDING_CHALLENGES_PER_ORIGIN = 32;

/**
 * The challenges that wait, bounded per origin and in all: past a bound, issuing is refused with SCWS_RATE_LIMITED
 * and a Retry-After until the oldest waiting challenge of that origin expires. Nothing waiting is ever dropped, so a
 * page that asks for challenges without end cannot push out another page's.
 */
export class ChallengeStore {
  private readonly pending = new Map<string, PendingChallenge>();

  constructor(
    private readonly ttlMs: number,
    private readonly perOrigin = PENDING_CHALLENGES_PER_ORIGIN,
    private readonly capacity = 10_000,
  ) {}

  /** A new challenge; SCWS_RATE_LIMITED when its origin, or the service, has too many waiting. */
  issue(applicationId: string, origin: string | undefined, now = Date.now()): PendingChallenge {
    this.purge(now);
    const waiting = [...this.pending.values()].filter((entry) => entry.origin === origin && (origin !== undefined || entry.applicationId === applicationId));
    if (waiting.length >= this.perOrigin) throw this.rateLimited(this.perOrigin, waiting[0]!, now);
    if (this.pending.size >= this.capacity) throw this.rateLimited(this.capacity, this.pending.values().next().value!, now);
    const challenge = {
      id: `c-${randomBytes(16).toString("hex")}`,
      applicationId,
      origin,
      challenge: randomBytes(32).toString("hex"),
      expiresAt: now + this.ttlMs,
    };
    this.pending.set(challenge.id, challenge);
    return challenge;
  }

  /** Takes a challenge out (it is single use); SCWS_CHALLENGE_INVALID when unknown, used or expired. */
  take(id: string, now = Date.now()): PendingChallenge {
    const challenge = this.pending.get(id);
    this.pending.delete(id);
    if (!challenge || challenge.expiresAt < now) {
      throw new ScwsError("SCWS_CHALLENGE_INVALID", {
        message: "The challenge is unknown, already used, or expired; ask for a new one.",
        customData: {
          field: "/body/challengeId",
        },
      });
    }
    return challenge;
  }

  private rateLimited(limit: number, oldest: PendingChallenge, now: number): ScwsError {
    const retryAfterSeconds = Math.max(1, Math.ceil((oldest.expiresAt - now) / 1000));
    return new ScwsError(`${limit} challenges already wait for a signature; use them, or ask again once the oldest expires.`, "SCWS_RATE_LIMITED", undefined, {
      limit,
      retryAfterSeconds,
    });
  }

  private purge(now: number): void {
    for (const [id, challenge] of this.pending) if (challenge.expiresAt < now) this.pending.delete(id);
  }
}
