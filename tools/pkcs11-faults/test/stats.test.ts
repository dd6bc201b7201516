// SCWS_FAULT_STATS: the module writes how many sessions this process holds open at the target, so that a
// test can see a session leak in another process (the service's host process).
import { mkdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import type pkcs11js from "pkcs11js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Lab, openModule, setupLab, slotOf } from "./helpers.js";

let lab: Lab;
let p11: pkcs11js.PKCS11;
let stats: string;

beforeAll(() => {
  lab = setupLab(["alpha", "beta"]);
  stats = join(lab.dir, "stats");
  mkdirSync(stats);
  // Read once, when the module loads.
  process.env.SCWS_FAULT_STATS = stats;
  p11 = openModule(lab.module);
});

afterAll(() => {
  p11?.C_Finalize();
  lab?.cleanup();
});

const openCount = () => Number(readFileSync(join(stats, `${process.pid}.sessions`), "utf8"));

describe("the session count in SCWS_FAULT_STATS", () => {
  it("follows C_OpenSession, C_CloseSession and C_CloseAllSessions, per process", () => {
    const alpha = slotOf(p11, "alpha");
    const beta = slotOf(p11, "beta");
    const first = p11.C_OpenSession(alpha, 4);
    p11.C_OpenSession(alpha, 4);
    p11.C_OpenSession(beta, 4);
    expect(openCount()).toBe(3);
    p11.C_CloseSession(first);
    expect(openCount()).toBe(2);
    p11.C_CloseAllSessions(alpha);
    expect(openCount()).toBe(1);
    p11.C_CloseAllSessions(beta);
    expect(openCount()).toBe(0);
  });
});
