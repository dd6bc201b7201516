import { describe, expect, it } from "vitest";
import { ChallengeStore } from "./challenges.js";

describe("the pending challenges", () => {
  it("refuses a challenge past the origin's bound with SCWS_RATE_LIMITED, until the oldest expires", () => {
    const store = new ChallengeStore(60_000, 3);
    const origin = "https://intranet.example";
    for (let i = 0; i < 3; i++) store.issue("intranet", origin, 1_000 + i);
    let refusal: unknown;
    try {
      store.issue("intranet", origin, 10_000);
    } catch (error) {
      refusal = error;
    }
    expect(refusal).toMatchObject({ code: "SCWS_RATE_LIMITED", httpStatus: 429, customData: { limit: 3, retryAfterSeconds: 51 } });
    // Another origin, and a program without one, are not held up.
    expect(store.issue("intranet", "https://other.example", 10_000).origin).toBe("https://other.example");
    expect(store.issue("intranet", undefined, 10_000).origin).toBeUndefined();
    // Once the oldest expired, the origin gets a challenge again.
    expect(store.issue("intranet", origin, 61_001).applicationId).toBe("intranet");
  });

  it("never drops a waiting challenge to make room: the one issued first can still be taken", () => {
    const store = new ChallengeStore(60_000, 2, 3);
    const first = store.issue("a", "https://a.example", 0);
    store.issue("b", "https://b.example", 0);
    store.issue("c", "https://c.example", 0);
    expect(() => store.issue("d", "https://d.example", 0)).toThrow(expect.objectContaining({ code: "SCWS_RATE_LIMITED" }));
    expect(store.take(first.id, 1).id).toBe(first.id);
  });

  it("counts callers without an origin per application", () => {
    const store = new ChallengeStore(60_000, 1);
    store.issue("a", undefined, 0);
    expect(() => store.issue("a", undefined, 0)).toThrow(expect.objectContaining({ code: "SCWS_RATE_LIMITED" }));
    expect(store.issue("b", undefined, 0).applicationId).toBe("b");
  });
});
