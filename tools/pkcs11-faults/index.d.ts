// Types for index.js: build the fault-injecting PKCS#11 module and drive it through its control file.

/** Default module the fault module forwards to (override with SCWS_FAULT_TARGET). */
export declare const DEFAULT_TARGET: string;

/** Builds libscwsfault.so if it is missing or stale (synchronously) and returns its absolute path. */
export declare function buildFaultModule(): string;

/** Directory of the PKCS#11 headers shipped with pkcs11js (pkcs11.h, pkcs11t.h, pkcs11f.h). */
export declare function pkcs11IncludeDir(): string;

/** `{ SCWS_FAULT_CONTROL, SCWS_FAULT_TARGET? }` for a process that loads the module. */
export declare function faultEnv(controlPath: string, target?: string): { SCWS_FAULT_CONTROL: string; SCWS_FAULT_TARGET?: string };

/** Restricts a rule to calls on one token, named by its label. */
export interface TokenOption {
  token?: string;
}

export interface FailOptions extends TokenOption {
  /** Only the next n matching calls fail. */
  count?: number;
  /** Let the first n matching calls through. */
  after?: number;
}

export interface CrashOptions extends TokenOption {
  /** Let the first n matching calls through. */
  after?: number;
}

export type CrashKind = "segv" | "abort" | "exit";

export type TokenFlag =
  | "user_pin_count_low"
  | "user_pin_final_try"
  | "user_pin_locked"
  | "user_pin_to_be_changed"
  | "so_pin_count_low"
  | "so_pin_final_try"
  | "so_pin_locked"
  | "so_pin_to_be_changed";

/** Owns a control file; every change rewrites the whole file atomically. */
export declare class FaultControl {
  readonly path: string;
  /** Writes an empty control file (pass-through). */
  constructor(path: string);
  /** The lines currently in the file. */
  readonly lines: string[];
  /** Replaces all rules with these raw control-language lines. */
  set(lines: string[]): void;
  /** The function returns `ckr` (a CKR_ name or a number) instead of calling the target. Returns a rule id. */
  fail(fn: string, ckr: string | number, opts?: FailOptions): number;
  /** Sleeps `ms` before forwarding; `fn` may be "*". Returns a rule id. */
  delay(fn: string, ms: number, opts?: TokenOption): number;
  /** Crashes the calling process in that function. Returns a rule id. */
  crash(fn: string, kind: CrashKind, opts?: CrashOptions): number;
  /** The function never returns. Returns a rule id. */
  hang(fn: string, opts?: TokenOption): number;
  /** The token disappears from its slot. */
  removeToken(label: string): void;
  /** The token is back; sessions opened before the removal stay invalid. */
  restoreToken(label: string): void;
  /** ORs these flags into CK_TOKEN_INFO.flags of the token; [] removes them. */
  flags(label: string, flags: TokenFlag[]): void;
  /** Locks the user (or SO) PIN after n consecutive wrong PINs; replaces an earlier rule. */
  lockAfter(label: string, n: number, opts?: { so?: boolean }): void;
  /**
   * A reader with its own PIN pad: the token shows CKF_PROTECTED_AUTHENTICATION_PATH and a C_Login without a PIN
   * logs in with `pin` (typed on the pad), or fails CKR_FUNCTION_CANCELED with `{ cancel: true }`; null removes it.
   */
  pinPad(label: string, entry: { pin: string } | { cancel: true } | null): void;
  /** Removes the rule with this id. */
  drop(id: number): void;
  /** Clears every rule. */
  reset(): void;
}
