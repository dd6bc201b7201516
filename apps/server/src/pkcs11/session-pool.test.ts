import { describe, expect, it } from "vitest";
import { SessionPool } from "./session-pool.js";

/** Sessions are numbers here: the pool's lending logic does not depend on what a session is. */
function numberedFactory(failOpenAfter = Number.POSITIVE_INFINITY) {
  const state = { opened: 0, closed: [] as number[] };
  return {
    state,
    factory: {
      open: () => {
        if (state.opened >= failOpenAfter) throw new Error("no more sessions");
        state.opened += 1;
        return state.opened;
      },
      close: (session: number) => void state.closed.push(session),
    },
  };
}

const never = () => false;

describe("SessionPool", () => {
  it("opens sessions lazily, up to its limit, and reuses released ones", async () => {
    const { state, factory } = numberedFactory();
    const pool = new SessionPool(factory, 2);
    const a = await pool.acquire();
    const b = await pool.acquire();
    expect([a, b, state.opened]).toEqual([1, 2, 2]);
    pool.release(a);
    expect(await pool.acquire()).toBe(a);
    expect(state.opened).toBe(2);
  });

  it("queues callers beyond the limit and serves them in order", async () => {
    const { factory } = numberedFactory();
    const pool = new SessionPool(factory, 1);
    const held = await pool.acquire();
    const served: string[] = [];
    const first = pool.acquire().then((s) => served.push(`first:${s}`));
    const second = pool.acquire().then((s) => served.push(`second:${s}`));
    expect(pool.queued).toBe(2);
    pool.release(held);
    await first;
    pool.release(1);
    await second;
    expect(served).toEqual(["first:1", "second:1"]);
  });

  it("never lends one session to two operations at once", async () => {
    const { factory } = numberedFactory();
    const pool = new SessionPool(factory, 3);
    const inUse = new Set<number>();
    let overlaps = 0;
    await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        pool.use(async (session) => {
          if (inUse.has(session)) overlaps += 1;
          inUse.add(session);
          // Yields a varying number of turns so that operations overlap in shifting patterns, without a clock.
          for (let turn = 0; turn <= i % 3; turn += 1) await new Promise((resolve) => setImmediate(resolve));
          inUse.delete(session);
        }, never),
      ),
    );
    expect(overlaps).toBe(0);
    expect(pool.size).toBeLessThanOrEqual(3);
  });

  it("closes a session its operation found broken and opens a fresh one for the next waiter", async () => {
    const { state, factory } = numberedFactory();
    const pool = new SessionPool(factory, 1);
    const failing = pool.use(
      () => Promise.reject(Object.assign(new Error("gone"), { code: 0xb3 })),
      () => true,
    );
    const waiting = pool.acquire();
    expect(pool.queued).toBe(1);
    await expect(failing).rejects.toThrow("gone");
    expect(state.closed).toEqual([1]);
    expect(await waiting).toBe(2);
  });

  it("rejects a waiter when no fresh session can be opened", async () => {
    const { factory } = numberedFactory(1);
    const pool = new SessionPool(factory, 1);
    const held = await pool.acquire();
    const waiting = pool.acquire();
    pool.release(held, true);
    await expect(waiting).rejects.toThrow("no more sessions");
  });

  it("keeps one warm session and drains idle ones", async () => {
    const { state, factory } = numberedFactory();
    const pool = new SessionPool(factory, 2);
    pool.warm();
    pool.warm();
    expect(state.opened).toBe(1);
    pool.drain();
    expect(state.closed).toEqual([1]);
    expect(pool.size).toBe(0);
  });
});
