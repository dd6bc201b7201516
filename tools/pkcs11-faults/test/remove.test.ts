// `remove token=`: the token leaves its slot like a pulled card, sessions die, and it can come back.
import { execFileSync } from "node:child_process";
import { join } from "node:path";
import pkcs11js from "pkcs11js";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import {
  CKF_REMOVABLE_DEVICE,
  CKF_TOKEN_PRESENT,
  CKS_RO_PUBLIC_SESSION,
  CKS_RO_USER_FUNCTIONS,
  ckrOf,
  here,
  type Lab,
  openModule,
  PIN,
  pkcs11IncludeDir,
  pkcs11Tool,
  presentLabels,
  setupLab,
  slotOf,
  targetView,
  userSession,
} from "./helpers.js";

let lab: Lab;
let p11: pkcs11js.PKCS11;
let alpha: Buffer;
let beta: Buffer;

beforeAll(() => {
  lab = setupLab(["alpha", "beta"]);
  p11 = openModule(lab.module);
  alpha = slotOf(p11, "alpha");
  beta = slotOf(p11, "beta");
});

afterEach(() => lab.control.reset());

afterAll(() => {
  p11?.C_Finalize();
  lab?.cleanup();
});

const random = (session: Buffer) => ckrOf(() => p11.C_GenerateRandom(session, Buffer.alloc(8)));
const hasSlot = (list: Buffer[], slot: Buffer) => list.some((s) => s.equals(slot));

describe("remove", () => {
  it("empties the slot: gone from C_GetSlotList(true), still in C_GetSlotList(false) without CKF_TOKEN_PRESENT", () => {
    lab.control.removeToken("beta");
    expect(presentLabels(p11)).toContain("alpha");
    expect(presentLabels(p11)).not.toContain("beta");
    expect(hasSlot(p11.C_GetSlotList(true), beta)).toBe(false);
    expect(hasSlot(p11.C_GetSlotList(false), beta)).toBe(true);
    const info = p11.C_GetSlotInfo(beta);
    expect(info.flags & CKF_TOKEN_PRESENT).toBe(0);
    expect(info.flags & CKF_REMOVABLE_DEVICE).toBeTruthy();
    expect(p11.C_GetSlotInfo(alpha).flags & CKF_TOKEN_PRESENT).toBeTruthy();
  });

  it("answers CKR_TOKEN_NOT_PRESENT to slot calls that need the token", () => {
    lab.control.removeToken("beta");
    expect(ckrOf(() => p11.C_GetTokenInfo(beta))).toBe("CKR_TOKEN_NOT_PRESENT");
    expect(ckrOf(() => p11.C_OpenSession(beta, pkcs11js.CKF_SERIAL_SESSION))).toBe("CKR_TOKEN_NOT_PRESENT");
    expect(ckrOf(() => p11.C_GetMechanismList(beta))).toBe("CKR_TOKEN_NOT_PRESENT");
    expect(ckrOf(() => p11.C_GetTokenInfo(alpha))).toBe("CKR_OK");
  });

  it("leaves the empty slot out of both calls of C_GetSlotList(true), the size query and the list (pkcs11js makes both)", () => {
    const before = p11.C_GetSlotList(true).length;
    lab.control.removeToken("beta");
    expect(p11.C_GetSlotList(true)).toHaveLength(before - 1);
    expect(p11.C_GetSlotList(false)).toHaveLength(before); // SoftHSM: every slot holds a token
  });

  it("keeps the PKCS#11 two-call convention of C_GetSlotList while filtering, CKR_BUFFER_TOO_SMALL included", () => {
    const harness = join(lab.dir, "slotlist");
    execFileSync("cc", ["-Wall", "-Wextra", "-Werror", `-I${pkcs11IncludeDir()}`, "-o", harness, join(here, "fixtures", "slotlist.c"), "-ldl"]);
    const run = () => execFileSync(harness, [lab.module], { env: lab.env, encoding: "utf8" }).trim().split("\n");
    const n = p11.C_GetSlotList(true).length;
    expect(run()).toEqual([`size 0x0 ${n}`, `small 0x150 ${n}`, `full 0x0 ${n}`]);
    lab.control.removeToken("beta");
    expect(run()).toEqual([`size 0x0 ${n - 1}`, `small 0x150 ${n - 1}`, `full 0x0 ${n - 1}`]);
  });

  it("shows pkcs11-tool an empty slot, and the token again once the line is gone", () => {
    lab.control.removeToken("beta");
    const listed = pkcs11Tool(lab, ["--list-slots"]);
    expect(listed.status, listed.stderr).toBe(0);
    expect(listed.stdout).not.toMatch(/token label\s*: beta/);
    expect(listed.stdout).toMatch(/\(empty\)/);
    const objects = pkcs11Tool(lab, ["--token-label", "beta", "--list-objects"]);
    expect(objects.status).not.toBe(0);

    lab.control.restoreToken("beta");
    const back = pkcs11Tool(lab, ["--list-slots"]);
    expect(back.stdout).toMatch(/token label\s*: beta/);
    expect(back.stdout).not.toMatch(/\(empty\)/);
    expect(presentLabels(p11)).toContain("beta");
  });

  it("fails sessions opened before the removal with CKR_DEVICE_REMOVED, then CKR_SESSION_HANDLE_INVALID once the token is back", () => {
    const old = userSession(p11, "beta");
    const other = userSession(p11, "alpha");
    expect(random(old)).toBe("CKR_OK");

    lab.control.removeToken("beta");
    expect(random(old)).toBe("CKR_DEVICE_REMOVED");
    expect(ckrOf(() => p11.C_GetSessionInfo(old))).toBe("CKR_DEVICE_REMOVED");
    expect(random(other)).toBe("CKR_OK"); // the other token is not affected

    lab.control.restoreToken("beta");
    expect(random(old)).toBe("CKR_SESSION_HANDLE_INVALID");
    expect(ckrOf(() => p11.C_Logout(old))).toBe("CKR_SESSION_HANDLE_INVALID");

    // A new session works, and like after reinserting a card the user must log in again.
    const fresh = p11.C_OpenSession(beta, pkcs11js.CKF_SERIAL_SESSION);
    expect(p11.C_GetSessionInfo(fresh).state).toBe(CKS_RO_PUBLIC_SESSION);
    p11.C_Login(fresh, pkcs11js.CKU_USER, PIN);
    expect(p11.C_GetSessionInfo(fresh).state).toBe(CKS_RO_USER_FUNCTIONS);
    expect(random(fresh)).toBe("CKR_OK");
    expect(random(old)).toBe("CKR_SESSION_HANDLE_INVALID"); // still dead

    // Closing the dead session succeeds and closes the target's session too.
    const target = targetView();
    expect(ckrOf(() => target.C_GetSessionInfo(old))).toBe("CKR_OK");
    expect(ckrOf(() => p11.C_CloseSession(old))).toBe("CKR_OK");
    expect(ckrOf(() => target.C_GetSessionInfo(old))).toBe("CKR_SESSION_HANDLE_INVALID");
    expect(random(fresh)).toBe("CKR_OK");
    p11.C_CloseSession(fresh);
    p11.C_Logout(other);
    p11.C_CloseSession(other);
  });

  it("lets C_CloseSession release a session while its token is still removed", () => {
    const old = p11.C_OpenSession(beta, pkcs11js.CKF_SERIAL_SESSION);
    lab.control.removeToken("beta");
    expect(random(old)).toBe("CKR_DEVICE_REMOVED");
    expect(ckrOf(() => p11.C_CloseSession(old))).toBe("CKR_OK");
    expect(ckrOf(() => targetView().C_GetSessionInfo(old))).toBe("CKR_SESSION_HANDLE_INVALID");
    lab.control.restoreToken("beta");
    expect(ckrOf(() => p11.C_CloseSession(old))).toBe("CKR_SESSION_HANDLE_INVALID"); // gone for good
  });

  it("kills sessions that were not used during the removal, as soon as the module saw it", () => {
    const old = p11.C_OpenSession(beta, pkcs11js.CKF_SERIAL_SESSION);
    lab.control.removeToken("beta");
    expect(presentLabels(p11)).not.toContain("beta"); // any call makes the module notice
    lab.control.restoreToken("beta");
    expect(random(old)).toBe("CKR_SESSION_HANDLE_INVALID");
    p11.C_CloseSession(old);
  });

  it("keeps CKF_REMOVABLE_DEVICE on a slot that lost its token once, and reports the token present again", () => {
    lab.control.removeToken("beta");
    p11.C_GetSlotInfo(beta);
    lab.control.restoreToken("beta");
    const info = p11.C_GetSlotInfo(beta);
    expect(info.flags & CKF_TOKEN_PRESENT).toBeTruthy();
    expect(info.flags & CKF_REMOVABLE_DEVICE).toBeTruthy();
    expect(p11.C_GetSlotInfo(alpha).flags & CKF_REMOVABLE_DEVICE).toBe(0);
  });
});
