// Without rules the fault module is a transparent PKCS#11 module: every function forwards to SoftHSM.
import { execFileSync, spawnSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import pkcs11js from "pkcs11js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEFAULT_TARGET } from "../index.js";
import {
  CKF_REMOVABLE_DEVICE,
  CKF_TOKEN_PRESENT,
  here,
  type Lab,
  openModule,
  PIN,
  pkcs11IncludeDir,
  pkcs11Tool,
  presentLabels,
  setupLab,
  sleepsOf,
  slotOf,
  trimLabel,
} from "./helpers.js";

let lab: Lab;
let p11: pkcs11js.PKCS11;
let harness: string;

beforeAll(() => {
  lab = setupLab(["alpha", "beta"]);
  p11 = openModule(lab.module);
  harness = join(lab.dir, "fnlist");
  execFileSync("cc", ["-Wall", "-Wextra", "-Werror", `-I${pkcs11IncludeDir()}`, "-o", harness, join(here, "fixtures", "fnlist.c"), "-ldl"]);
});

afterAll(() => {
  p11?.C_Finalize();
  lab?.cleanup();
});

function runHarness(env: NodeJS.ProcessEnv, withTarget: boolean) {
  const args = withTarget ? [lab.module, DEFAULT_TARGET] : [lab.module];
  const out = spawnSync(harness, args, { env: { ...lab.env, ...env }, encoding: "utf8" });
  expect(out.status, out.stderr).toBe(0);
  const lines = out.stdout.trim().split("\n");
  const calls = new Map<string, string[]>();
  for (const line of lines.slice(withTarget ? 3 : 2)) {
    const [name, ...rvs] = line.split(" ");
    calls.set(name!, rvs);
  }
  return { header: lines.slice(0, withTarget ? 3 : 2), calls };
}

describe("function table", () => {
  it("exports only C_GetFunctionList, whose v2.40 table has all 68 entries, none of them the target's own", () => {
    const symbols = execFileSync("nm", ["-D", "--defined-only", lab.module], { encoding: "utf8" });
    expect(
      symbols
        .trim()
        .split("\n")
        .map((l) => l.split(" ").pop()),
    ).toEqual(["C_GetFunctionList"]);

    const { header, calls } = runHarness({ SCWS_FAULT_CONTROL: join(lab.dir, "no-such-control") }, true);
    expect(header).toEqual(["version 2.40", "entries 68", "shared 0"]);
    // Uninitialised, every wrapper gives exactly the target's answer for the same call.
    expect(calls.size).toBe(67); // all but C_Initialize
    for (const [name, [wrapped, direct]] of calls) expect(wrapped, name).toBe(direct);
  });

  it("routes each of the 68 wrappers to its own function: a distinct fail code per function comes back from each", () => {
    const names = readFileSync(join(pkcs11IncludeDir(), "pkcs11f.h"), "utf8")
      .split("\n")
      .flatMap((l) => /^CK_PKCS11_FUNCTION_INFO\((C_\w+)\)/.exec(l)?.[1] ?? []);
    expect(names).toHaveLength(68);
    const control = join(lab.dir, "codes");
    // after=1 on C_GetFunctionList lets the harness get the table first.
    writeFileSync(control, names.map((n, i) => `fail ${n} 0x${(0x80000100 + i).toString(16)}${n === "C_GetFunctionList" ? " after=1" : ""}\n`).join(""));
    const { calls } = runHarness({ SCWS_FAULT_CONTROL: control, SCWS_HARNESS_INIT: "1" }, false);
    expect(calls.size).toBe(68);
    for (const [i, n] of names.entries()) expect(calls.get(n)?.[0], n).toBe(`0x${(0x80000100 + i).toString(16)}`);
  });
});

describe("pass-through", () => {
  it("lists the SoftHSM tokens through pkcs11js and through pkcs11-tool", () => {
    expect(presentLabels(p11).filter(Boolean).sort()).toEqual(["alpha", "beta"]);
    const listed = pkcs11Tool(lab, ["--list-slots"]);
    expect(listed.status, listed.stderr).toBe(0);
    expect(listed.stdout).toMatch(/token label\s*: alpha/);
    expect(listed.stdout).toMatch(/token label\s*: beta/);
  });

  it("logs in, generates an EC key pair and signs with pkcs11-tool; pkcs11js signs with the same key and pkcs11-tool verifies it", () => {
    const gen = pkcs11Tool(lab, [
      "--token-label",
      "alpha",
      "--login",
      "--pin",
      PIN,
      "--keypairgen",
      "--key-type",
      "EC:prime256v1",
      "--id",
      "a1",
      "--label",
      "sig",
    ]);
    expect(gen.status, gen.stderr).toBe(0);
    expect(gen.stdout).toMatch(/Private Key Object; EC/);

    const hash = join(lab.dir, "hash");
    writeFileSync(hash, Buffer.alloc(32, 7));
    const sigFile = join(lab.dir, "sig-tool");
    const sign = pkcs11Tool(lab, ["--token-label", "alpha", "--login", "--pin", PIN, "--sign", "-m", "ECDSA", "--id", "a1", "-i", hash, "-o", sigFile]);
    expect(sign.status, sign.stderr).toBe(0);
    expect(readFileSync(sigFile)).toHaveLength(64);

    // Same key, found and used through pkcs11js in this process.
    const session = p11.C_OpenSession(slotOf(p11, "alpha"), pkcs11js.CKF_SERIAL_SESSION);
    p11.C_Login(session, pkcs11js.CKU_USER, PIN);
    p11.C_FindObjectsInit(session, [
      { type: pkcs11js.CKA_CLASS, value: pkcs11js.CKO_PRIVATE_KEY },
      { type: pkcs11js.CKA_ID, value: Buffer.from("a1", "hex") },
    ]);
    const [key] = p11.C_FindObjects(session, 2);
    p11.C_FindObjectsFinal(session);
    expect(key).toBeDefined();
    p11.C_SignInit(session, { mechanism: pkcs11js.CKM_ECDSA }, key!);
    const signature = p11.C_Sign(session, Buffer.alloc(32, 7), Buffer.alloc(128));
    p11.C_Logout(session);
    p11.C_CloseSession(session);
    const sigJs = join(lab.dir, "sig-js");
    writeFileSync(sigJs, signature);

    const verify = pkcs11Tool(lab, ["--token-label", "alpha", "--verify", "-m", "ECDSA", "--id", "a1", "-i", hash, "--signature-file", sigJs]);
    expect(verify.status, verify.stderr).toBe(0);
    expect(verify.stdout).toMatch(/Signature is valid/);
    // A wrong signature must fail, or the check above proves nothing.
    signature.writeUInt8(signature.readUInt8(10) ^ 0xff, 10);
    writeFileSync(sigJs, signature);
    const bad = pkcs11Tool(lab, ["--token-label", "alpha", "--verify", "-m", "ECDSA", "--id", "a1", "-i", hash, "--signature-file", sigJs]);
    expect(bad.stdout + bad.stderr).toMatch(/[Ii]nvalid signature|CKR_SIGNATURE_INVALID/);
  });

  it("keeps the token info of the target untouched when no rule applies", () => {
    const info = p11.C_GetTokenInfo(slotOf(p11, "beta"));
    expect(trimLabel(info.label)).toBe("beta");
    expect(info.flags & pkcs11js.CKF_TOKEN_INITIALIZED).toBeTruthy();
    expect(info.flags & (pkcs11js.CKF_USER_PIN_LOCKED | pkcs11js.CKF_USER_PIN_FINAL_TRY)).toBe(0);
    const slotInfo = p11.C_GetSlotInfo(slotOf(p11, "beta"));
    expect(slotInfo.flags & CKF_TOKEN_PRESENT).toBeTruthy();
    expect(slotInfo.flags & CKF_REMOVABLE_DEVICE).toBe(0); // slots.removable = false
  });

  it("lets concurrent calls from several threads run in parallel: four delayed C_Digest calls sleep in the module at once", async () => {
    const sessions = Array.from({ length: 4 }, () => p11.C_OpenSession(slotOf(p11, "beta"), pkcs11js.CKF_SERIAL_SESSION));
    lab.control.delay("C_Digest", 1_000);
    try {
      const started = performance.now();
      let settled = false;
      const all = Promise.all(
        sessions.map((s, i) => {
          p11.C_DigestInit(s, { mechanism: pkcs11js.CKM_SHA256 });
          return p11.C_DigestAsync(s, Buffer.from(`message ${i}`), Buffer.alloc(32));
        }),
      ).finally(() => {
        settled = true;
      });
      // Serialised, at most one thread would sleep in the delay at a time; /proc shows how many do (read every 10 ms,
      // until all four are seen or the calls are over: the clock sets the pace, never the verdict).
      let mostAtOnce = 0;
      while (!settled && mostAtOnce < 4) {
        mostAtOnce = Math.max(mostAtOnce, sleepsOf().length);
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
      const digests = await all;
      console.info(`four parallel C_Digest calls with a 1000 ms delay each took ${(performance.now() - started).toFixed(0)} ms`);
      expect(mostAtOnce).toBe(4);
      expect(digests.map((d) => d.length)).toEqual([32, 32, 32, 32]);
      expect(new Set(digests.map((d) => d.toString("hex"))).size).toBe(4);
    } finally {
      lab.control.reset();
      for (const s of sessions) p11.C_CloseSession(s);
    }
  });
});
