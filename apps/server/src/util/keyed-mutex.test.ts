import { describe, expect, it } from "vitest";
import { KeyedMutex } from "./keyed-mutex.js";

/** A promise the test settles by hand, so the order of events is chosen rather than timed. */
function gate(): { opened: Promise<void>; open: () => void } {
  let open!: () => void;
  const opened = new Promise<void>((resolve) => (open = resolve));
  return { opened, open };
}

describe("KeyedMutex", () => {
  it("runs work on one key one at a time, in order", async () => {
    const mutex = new KeyedMutex();
    const log: string[] = [];
    const gates = { a: gate(), b: gate(), c: gate() };
    const job = (name: keyof typeof gates) =>
      mutex.run("token", async () => {
        log.push(`${name}:start`);
        await gates[name].opened;
        log.push(`${name}:end`);
      });
    const all = Promise.all([job("a"), job("b"), job("c")]);
    // Opened last-first: without serialisation c would end before a.
    gates.c.open();
    gates.b.open();
    gates.a.open();
    await all;
    expect(log).toEqual(["a:start", "a:end", "b:start", "b:end", "c:start", "c:end"]);
  });

  it("lets different keys run side by side", async () => {
    const mutex = new KeyedMutex();
    const log: string[] = [];
    const yStarted = gate();
    await Promise.all([
      mutex.run("x", async () => {
        log.push("x:start");
        // Ends only once y has started: if keys were serialised, this would never settle.
        await yStarted.opened;
        log.push("x:end");
      }),
      mutex.run("y", async () => {
        log.push("y:start");
        yStarted.open();
      }),
    ]);
    expect(log).toEqual(["x:start", "y:start", "x:end"]);
  });

  it("keeps going after a failure", async () => {
    const mutex = new KeyedMutex();
    await expect(mutex.run("k", () => Promise.reject(new Error("boom")))).rejects.toThrow("boom");
    await expect(mutex.run("k", async () => 42)).resolves.toBe(42);
  });
});
