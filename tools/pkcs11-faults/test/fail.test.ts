// `fail` rules: injected return values, count=/after=/token=, rule order, and live reloading of the control file.
import { rmSync } from "node:fs";
import { join } from "node:path";
import pkcs11js from "pkcs11js";
import { describe, expect, it } from "vitest";
import { FaultControl } from "../index.js";
import { Client, ckrOf, slotOf, useLab } from "./helpers.js";

const open = useLab(["alpha", "beta"]);

const times = (n: number, call: () => unknown) => Array.from({ length: n }, () => ckrOf(call));

describe("fail", () => {
  it("with count=2 fails the next two calls only, then forwards again", () => {
    const slot = slotOf(open.p11, "alpha");
    open.lab.control.fail("C_GetTokenInfo", "CKR_DEVICE_ERROR", { count: 2 });
    expect(times(4, () => open.p11.C_GetTokenInfo(slot))).toEqual(["CKR_DEVICE_ERROR", "CKR_DEVICE_ERROR", "CKR_OK", "CKR_OK"]);
  });

  it("with after=2 lets the first two calls through and fails every later one", () => {
    open.lab.control.fail("C_GetInfo", "CKR_FUNCTION_FAILED", { after: 2 });
    expect(times(5, () => open.p11.C_GetInfo())).toEqual(["CKR_OK", "CKR_OK", "CKR_FUNCTION_FAILED", "CKR_FUNCTION_FAILED", "CKR_FUNCTION_FAILED"]);
  });

  it("with after=1 count=2 skips one call, fails two, then forwards", () => {
    open.lab.control.fail("C_GetInfo", "CKR_DEVICE_MEMORY", { after: 1, count: 2 });
    expect(times(5, () => open.p11.C_GetInfo())).toEqual(["CKR_OK", "CKR_DEVICE_MEMORY", "CKR_DEVICE_MEMORY", "CKR_OK", "CKR_OK"]);
  });

  it("with token= fails only slot calls on that token", () => {
    const alpha = slotOf(open.p11, "alpha");
    const beta = slotOf(open.p11, "beta");
    open.lab.control.fail("C_GetTokenInfo", "CKR_DEVICE_ERROR", { token: "beta" });
    expect(ckrOf(() => open.p11.C_GetTokenInfo(alpha))).toBe("CKR_OK");
    expect(ckrOf(() => open.p11.C_GetTokenInfo(beta))).toBe("CKR_DEVICE_ERROR");
    expect(ckrOf(() => open.p11.C_GetMechanismList(beta))).toBe("CKR_OK"); // other functions untouched
  });

  it("with token= fails only session calls on sessions of that token", () => {
    const onAlpha = open.p11.C_OpenSession(slotOf(open.p11, "alpha"), pkcs11js.CKF_SERIAL_SESSION);
    const onBeta = open.p11.C_OpenSession(slotOf(open.p11, "beta"), pkcs11js.CKF_SERIAL_SESSION);
    try {
      open.lab.control.fail("C_GenerateRandom", "CKR_DEVICE_ERROR", { token: "alpha", count: 1 });
      expect(ckrOf(() => open.p11.C_GenerateRandom(onBeta, Buffer.alloc(8)))).toBe("CKR_OK");
      expect(ckrOf(() => open.p11.C_GenerateRandom(onAlpha, Buffer.alloc(8)))).toBe("CKR_DEVICE_ERROR");
      expect(ckrOf(() => open.p11.C_GenerateRandom(onAlpha, Buffer.alloc(8)))).toBe("CKR_OK"); // count=1 used up
    } finally {
      open.p11.C_CloseSession(onAlpha);
      open.p11.C_CloseSession(onBeta);
    }
  });

  it("returns any CK_RV given in hex, including vendor-defined codes", () => {
    open.lab.control.fail("C_GetInfo", 0x80000042);
    try {
      open.p11.C_GetInfo();
      expect.unreachable();
    } catch (err) {
      expect((err as pkcs11js.Pkcs11Error).code).toBe(0x80000042);
    }
  });

  it("applies the first matching fail rule in file order", () => {
    open.lab.control.set(["fail C_GetInfo CKR_DEVICE_MEMORY", "fail C_GetInfo CKR_DEVICE_ERROR"]);
    expect(ckrOf(() => open.p11.C_GetInfo())).toBe("CKR_DEVICE_MEMORY");
    open.lab.control.set(["fail C_GetInfo CKR_DEVICE_ERROR", "fail C_GetInfo CKR_DEVICE_MEMORY"]);
    expect(ckrOf(() => open.p11.C_GetInfo())).toBe("CKR_DEVICE_ERROR");
  });

  it("keeps the counter of an unchanged line when the file is rewritten, and arms a fresh rule on a new fail()", () => {
    open.lab.control.fail("C_GetInfo", "CKR_DEVICE_ERROR", { count: 1 });
    expect(ckrOf(() => open.p11.C_GetInfo())).toBe("CKR_DEVICE_ERROR");
    open.lab.control.delay("C_Finalize", 1); // rewrites the whole file
    expect(ckrOf(() => open.p11.C_GetInfo())).toBe("CKR_OK"); // count=1 is not re-armed
    open.lab.control.fail("C_GetInfo", "CKR_DEVICE_ERROR", { count: 1 });
    expect(times(2, () => open.p11.C_GetInfo())).toEqual(["CKR_DEVICE_ERROR", "CKR_OK"]);
  });
});

describe("control file", () => {
  it("is re-read by an already-initialised module at its next call; a deleted file means pass-through", () => {
    expect(ckrOf(() => open.p11.C_GetInfo())).toBe("CKR_OK");
    open.lab.control.fail("C_GetInfo", "CKR_GENERAL_ERROR");
    expect(ckrOf(() => open.p11.C_GetInfo())).toBe("CKR_GENERAL_ERROR");
    open.lab.control.reset();
    expect(ckrOf(() => open.p11.C_GetInfo())).toBe("CKR_OK");
    open.lab.control.fail("C_GetInfo", "CKR_GENERAL_ERROR");
    expect(ckrOf(() => open.p11.C_GetInfo())).toBe("CKR_GENERAL_ERROR");
    rmSync(open.lab.controlPath);
    expect(ckrOf(() => open.p11.C_GetInfo())).toBe("CKR_OK");
  });

  it("drives a module loaded and initialised in another process, while it runs", async () => {
    const client = new Client(open.lab.module, ["alpha", "beta"], open.lab.env);
    try {
      expect(await client.next()).toEqual({ ready: true });
      expect(await client.send("info alpha")).toMatchObject({ ok: true });
      open.lab.control.fail("C_GetTokenInfo", "CKR_TOKEN_NOT_RECOGNIZED", { token: "alpha" });
      expect(await client.send("info alpha")).toEqual({ ok: false, error: "CKR_TOKEN_NOT_RECOGNIZED" });
      expect(await client.send("info beta")).toMatchObject({ ok: true });
      open.lab.control.reset();
      expect(await client.send("info alpha")).toMatchObject({ ok: true });
      client.proc.stdin!.write("exit\n");
      expect(await client.exited(10_000)).toEqual({ code: 0, signal: null });
    } finally {
      client.kill();
    }
  });

  it("ignores invalid lines, reports each once on stderr, and still applies the valid ones", async () => {
    const controlPath = join(open.lab.dir, "control-invalid");
    const control = new FaultControl(controlPath);
    const bad = ["frobnicate C_Sign", "fail C_NoSuchFunction CKR_OK", "fail C_GetTokenInfo CKR_NO_SUCH_CODE", "delay C_Sign soon"];
    const client = new Client(open.lab.module, ["alpha", "beta"], { ...open.lab.env, SCWS_FAULT_CONTROL: controlPath });
    try {
      expect(await client.next()).toEqual({ ready: true });
      control.set([...bad, "# a comment", "", "fail C_GetTokenInfo CKR_DEVICE_ERROR token=beta"]);
      expect(await client.send("info beta")).toEqual({ ok: false, error: "CKR_DEVICE_ERROR" });
      expect(await client.send("info alpha")).toMatchObject({ ok: true });
      control.set([...bad, "fail C_GetTokenInfo CKR_DEVICE_MEMORY token=alpha"]); // re-read with the same bad lines
      expect(await client.send("info alpha")).toEqual({ ok: false, error: "CKR_DEVICE_MEMORY" });
      expect(await client.send("info beta")).toMatchObject({ ok: true });
      for (const line of bad) {
        expect(
          client.stderr.split("\n").filter((l) => l.endsWith(`: ${line}`)),
          line,
        ).toHaveLength(1);
      }
      expect(client.stderr).toMatch(/unknown instruction\): frobnicate C_Sign/);
    } finally {
      client.kill();
    }
  });
});
