import { describe, expect, it } from "vitest";
import { KeyedMutex } from "./keyed-mutex.js";

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe("KeyedMutex", () => {
  it("runs work on one key one at a time, in order", async () => {
    const mutex = new KeyedMutex();
    const log: string[] = [];
    const job = (name: string, ms: number) =>
      mutex.run("token", async () => {
        log.push(`${name}:start`);
        await pause(ms);
        log.push(`${name}:end`);
      });
    await Promise.all([job("a", 15), job("b", 1), job("c", 5)]);
    expect(log).toEqual(["a:start", "a:end", "b:start", "b:end", "c:start", "c:end"]);
  });

  it("lets different keys run side by side", async () => {
    const mutex = new KeyedMutex();
    const log: string[] = [];
    await Promise.all([
      mutex.run("x", async () => {
        log.push("x:start");
        await pause(10);
        log.push("x:end");
      }),
      mutex.run("y", async () => {
        log.push("y:start");
      }),
    ]);
    expect(log.indexOf("y:start")).toBeLessThan(log.indexOf("x:end"));
  });

  it("keeps going after a failure", async () => {
    const mutex = new KeyedMutex();
    await expect(mutex.run("k", () => Promise.reject(new Error("boom")))).rejects.toThrow("boom");
    await expect(mutex.run("k", async () => 42)).resolves.toBe(42);
  });
});
