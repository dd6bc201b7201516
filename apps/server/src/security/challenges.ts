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

/** The challenges that wait, with a bound on how many. */
export class ChallengeStore {
  private readonly pending = new Map<string, PendingChallenge>();

  constructor(
    private readonly ttlMs: number,
    private readonly capacity = 10_000,
  ) {}

  /** A new challenge. When too many wait, the oldest ones are dropped. */
  issue(applicationId: string, origin: string | undefined, now = Date.now()): PendingChallenge {
    this.purge(now);
    while (this.pending.size >= this.capacity) this.pending.delete(this.pending.keys().next().value!);
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

  private purge(now: number): void {
    for (const [id, challenge] of this.pending) if (challenge.expiresAt < now) this.pending.delete(id);
  }
}
