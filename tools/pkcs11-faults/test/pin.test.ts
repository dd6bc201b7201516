// `flags` and `lock-after`: PIN state shown in CK_TOKEN_INFO.flags, and a PIN retry counter SoftHSM does not have.
import pkcs11js from "pkcs11js";
import { describe, expect, it } from "vitest";
import { ckrOf, PIN, pkcs11Tool, SO_PIN, slotOf, useLab } from "./helpers.js";

const open = useLab(["alpha", "beta"]);

const {
  CKF_USER_PIN_COUNT_LOW: USER_LOW,
  CKF_USER_PIN_FINAL_TRY: USER_FINAL,
  CKF_USER_PIN_LOCKED: USER_LOCKED,
  CKF_USER_PIN_TO_BE_CHANGED: USER_CHANGE,
  CKF_SO_PIN_COUNT_LOW: SO_LOW,
  CKF_SO_PIN_FINAL_TRY: SO_FINAL,
  CKF_SO_PIN_LOCKED: SO_LOCKED,
} = pkcs11js;
const PIN_FLAGS = USER_LOW | USER_FINAL | USER_LOCKED | USER_CHANGE | SO_LOW | SO_FINAL | SO_LOCKED | pkcs11js.CKF_SO_PIN_TO_BE_CHANGED;

const pinFlags = (label: string) => open.p11.C_GetTokenInfo(slotOf(open.p11, label)).flags & PIN_FLAGS;

/** One C_Login attempt in a fresh session; logs out again on success. */
function login(label: string, pin: string, user = pkcs11js.CKU_USER): string {
  const session = open.p11.C_OpenSession(slotOf(open.p11, label), pkcs11js.CKF_SERIAL_SESSION | pkcs11js.CKF_RW_SESSION);
  try {
    const result = ckrOf(() => open.p11.C_Login(session, user, pin));
    if (result === "CKR_OK") open.p11.C_Logout(session);
    return result;
  } finally {
    open.p11.C_CloseSession(session);
  }
}

describe("flags", () => {
  it("ORs the named flags into C_GetTokenInfo of that token only, until the line is removed", () => {
    expect(pinFlags("alpha")).toBe(0);
    open.lab.control.flags("alpha", ["user_pin_to_be_changed", "so_pin_count_low"]);
    expect(pinFlags("alpha")).toBe(USER_CHANGE | SO_LOW);
    expect(pinFlags("beta")).toBe(0);
    open.lab.control.flags("alpha", []);
    expect(pinFlags("alpha")).toBe(0);
  });

  it("shows every supported flag, also to pkcs11-tool", () => {
    open.lab.control.flags("beta", [
      "user_pin_count_low",
      "user_pin_final_try",
      "user_pin_locked",
      "so_pin_final_try",
      "so_pin_locked",
      "so_pin_to_be_changed",
    ]);
    expect(pinFlags("beta")).toBe(USER_LOW | USER_FINAL | USER_LOCKED | SO_FINAL | SO_LOCKED | pkcs11js.CKF_SO_PIN_TO_BE_CHANGED);
    const listed = pkcs11Tool(open.lab, ["--list-token-slots"]);
    const beta = listed.stdout.split(/\nSlot /).find((s) => /token label\s*: beta/.test(s)) ?? "";
    expect(beta).toMatch(/user PIN locked/);
    expect(beta).toMatch(/final user PIN try/);
    expect(beta).toMatch(/SO PIN locked/);
  });
});

describe("lock-after", () => {
  it("counts wrong user PINs, shows COUNT_LOW then FINAL_TRY, and after n in a row refuses even the right PIN", () => {
    open.lab.control.lockAfter("alpha", 3);
    expect(pinFlags("alpha")).toBe(0);
    expect(login("alpha", "0000")).toBe("CKR_PIN_INCORRECT");
    expect(pinFlags("alpha")).toBe(USER_LOW);
    expect(login("alpha", "0000")).toBe("CKR_PIN_INCORRECT");
    expect(pinFlags("alpha")).toBe(USER_LOW | USER_FINAL); // one try left
    expect(login("alpha", "0000")).toBe("CKR_PIN_INCORRECT");
    expect(pinFlags("alpha")).toBe(USER_LOCKED); // SoftHSM's own COUNT_LOW is masked: the rule owns these flags
    expect(login("alpha", PIN)).toBe("CKR_PIN_LOCKED");
    expect(pinFlags("alpha")).toBe(USER_LOCKED);
    expect(login("beta", PIN)).toBe("CKR_OK"); // another token is not affected
    expect(login("alpha", SO_PIN, pkcs11js.CKU_SO)).toBe("CKR_OK"); // nor the SO PIN
  });

  it("resets the count on a right PIN", () => {
    open.lab.control.lockAfter("alpha", 2);
    expect(login("alpha", "0000")).toBe("CKR_PIN_INCORRECT");
    expect(pinFlags("alpha")).toBe(USER_LOW | USER_FINAL);
    expect(login("alpha", PIN)).toBe("CKR_OK");
    expect(pinFlags("alpha")).toBe(0);
    expect(login("alpha", "0000")).toBe("CKR_PIN_INCORRECT");
    expect(login("alpha", PIN)).toBe("CKR_OK"); // never two wrong in a row: not locked
  });

  it("is unlocked by C_InitPIN from the SO, which also resets the count", () => {
    open.lab.control.lockAfter("alpha", 1);
    expect(pinFlags("alpha")).toBe(USER_FINAL);
    expect(login("alpha", "0000")).toBe("CKR_PIN_INCORRECT");
    expect(login("alpha", PIN)).toBe("CKR_PIN_LOCKED");

    const so = open.p11.C_OpenSession(slotOf(open.p11, "alpha"), pkcs11js.CKF_SERIAL_SESSION | pkcs11js.CKF_RW_SESSION);
    open.p11.C_Login(so, pkcs11js.CKU_SO, SO_PIN);
    open.p11.C_InitPIN(so, PIN);
    open.p11.C_Logout(so);
    open.p11.C_CloseSession(so);

    expect(pinFlags("alpha")).toBe(USER_FINAL);
    expect(login("alpha", PIN)).toBe("CKR_OK");
  });

  it("with so counts SO logins only, and shows the SO flags", () => {
    open.lab.control.lockAfter("beta", 2, { so: true });
    expect(login("beta", "99999999", pkcs11js.CKU_SO)).toBe("CKR_PIN_INCORRECT");
    expect(pinFlags("beta")).toBe(SO_LOW | SO_FINAL);
    expect(login("beta", "0000")).toBe("CKR_PIN_INCORRECT"); // a wrong user PIN does not count
    expect(login("beta", "99999999", pkcs11js.CKU_SO)).toBe("CKR_PIN_INCORRECT");
    expect(pinFlags("beta") & SO_LOCKED).toBeTruthy();
    expect(login("beta", SO_PIN, pkcs11js.CKU_SO)).toBe("CKR_PIN_LOCKED");
    expect(login("beta", PIN)).toBe("CKR_OK");
  });

  it("forgets its counts when the line is removed", () => {
    open.lab.control.lockAfter("beta", 1);
    expect(login("beta", "0000")).toBe("CKR_PIN_INCORRECT");
    expect(login("beta", PIN)).toBe("CKR_PIN_LOCKED");
    open.lab.control.reset();
    expect(login("beta", PIN)).toBe("CKR_OK");
    open.lab.control.lockAfter("beta", 1); // a new rule starts from zero
    expect(login("beta", PIN)).toBe("CKR_OK");
  });
});

describe("pin-pad", () => {
  /** One C_Login without a PIN (zero-length: pkcs11js cannot pass NULL), as for a reader with a PIN pad; logs out on success. */
  function padLogin(label: string): string {
    const session = open.p11.C_OpenSession(slotOf(open.p11, label), pkcs11js.CKF_SERIAL_SESSION | pkcs11js.CKF_RW_SESSION);
    try {
      const result = ckrOf(() => open.p11.C_Login(session, pkcs11js.CKU_USER, ""));
      if (result === "CKR_OK") open.p11.C_Logout(session);
      return result;
    } finally {
      open.p11.C_CloseSession(session);
    }
  }
  const padFlag = (label: string) => open.p11.C_GetTokenInfo(slotOf(open.p11, label)).flags & pkcs11js.CKF_PROTECTED_AUTHENTICATION_PATH;

  it("shows a protected authentication path on that token only, and logs in without a PIN with what the pad reads", () => {
    expect(padFlag("alpha")).toBe(0);
    open.lab.control.pinPad("alpha", { pin: PIN });
    expect(padFlag("alpha")).toBe(pkcs11js.CKF_PROTECTED_AUTHENTICATION_PATH);
    expect(padFlag("beta")).toBe(0);
    expect(padLogin("alpha")).toBe("CKR_OK");
    // A PIN passed by the application is still checked as it is.
    expect(login("alpha", "000000")).toBe("CKR_PIN_INCORRECT");
    expect(login("alpha", PIN)).toBe("CKR_OK");
    open.lab.control.pinPad("alpha", null);
    expect(padFlag("alpha")).toBe(0);
  });

  it("answers CKR_FUNCTION_CANCELED when the user cancels on the pad, and counts a wrong PIN typed on it", () => {
    open.lab.control.pinPad("beta", { cancel: true });
    expect(padLogin("beta")).toBe("CKR_FUNCTION_CANCELED");
    open.lab.control.lockAfter("beta", 3);
    open.lab.control.pinPad("beta", { pin: "999999" });
    const userFlags = () => pinFlags("beta") & (USER_LOW | USER_FINAL | USER_LOCKED);
    expect(padLogin("beta")).toBe("CKR_PIN_INCORRECT");
    expect(userFlags()).toBe(USER_LOW);
    open.lab.control.pinPad("beta", { pin: PIN });
    expect(padLogin("beta")).toBe("CKR_OK");
    expect(userFlags()).toBe(0);
  });

  it("refuses a rule without a PIN or with both a PIN and cancel", () => {
    expect(() => open.lab.control.pinPad("alpha", { pin: "" })).toThrow(TypeError);
    expect(() => open.lab.control.pinPad("alpha", { pin: "has blank" })).toThrow(TypeError);
  });
});
