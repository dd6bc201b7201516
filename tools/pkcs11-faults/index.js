// JS side of the fault-injecting PKCS#11 module: builds libscwsfault.so and writes its control file.
import { randomBytes } from "node:crypto";
import { renameSync, statSync, utimesSync, writeFileSync } from "node:fs";
import { build } from "./build.mjs";

export { pkcs11IncludeDir } from "./build.mjs";

/** Default module the fault module forwards to (override with SCWS_FAULT_TARGET). */
export const DEFAULT_TARGET = "/usr/lib/softhsm/libsofthsm2.so";

/** Builds libscwsfault.so if it is missing or stale (synchronously) and returns its absolute path. */
export function buildFaultModule() {
  return build();
}

/** Environment variables that point the fault module at a control file (and optionally a target). */
export function faultEnv(controlPath, target) {
  const env = { SCWS_FAULT_CONTROL: controlPath };
  if (target !== undefined) env.SCWS_FAULT_TARGET = target;
  return env;
}

const FLAG_NAMES = new Set([
  "user_pin_count_low",
  "user_pin_final_try",
  "user_pin_locked",
  "user_pin_to_be_changed",
  "so_pin_count_low",
  "so_pin_final_try",
  "so_pin_locked",
  "so_pin_to_be_changed",
]);

function fnName(fn, allowStar = false) {
  if ((allowStar && fn === "*") || /^C_[A-Za-z]+$/.test(fn)) return fn;
  throw new TypeError(`not a PKCS#11 function name: ${fn}`);
}

function ckrText(ckr) {
  if (typeof ckr === "number") {
    if (!Number.isInteger(ckr) || ckr < 0) throw new TypeError(`not a CK_RV: ${ckr}`);
    return `0x${ckr.toString(16).toUpperCase()}`;
  }
  if (/^(CKR_[A-Z0-9_]+|0x[0-9a-fA-F]+|\d+)$/.test(ckr)) return ckr;
  throw new TypeError(`not a CK_RV: ${ckr}`);
}

function count(name, n, min) {
  if (!Number.isInteger(n) || n < min) throw new TypeError(`${name} must be an integer >= ${min}: ${n}`);
  return String(n);
}

// Labels go in one word; blanks need quotes (the module's tokenizer groups "..." into one word).
function tokenOpt(label) {
  if (typeof label !== "string" || label.length === 0 || Buffer.byteLength(label) > 32 || label.includes('"')) {
    throw new TypeError(`token label must be 1 to 32 bytes without '"': ${label}`);
  }
  return /[\s#]/.test(label) ? `token="${label}"` : `token=${label}`;
}

/**
 * Owns a control file and rewrites it, atomically, on every change. Every rule added through a
 * method gets a unique `id=`: a rule's counters (count=, after=, lock-after) survive rewrites of the
 * file as long as its line is unchanged, and a fresh call arms a fresh rule.
 */
export class FaultControl {
  #rules = [];
  #seq = 0;
  #tag = randomBytes(3).toString("hex");
  #lastMtimeMs = 0;

  /** Starts with an empty rule set (writes the file). */
  constructor(path) {
    this.path = path;
    try {
      this.#lastMtimeMs = statSync(path).mtimeMs;
    } catch {
      // no file yet
    }
    this.#write();
  }

  /** The lines currently in the file. */
  get lines() {
    return this.#rules.map((r) => r.line);
  }

  /** Replaces every rule with these raw lines, written as given (no id=). */
  set(lines) {
    this.#rules = lines.map((line) => ({ id: this.#nextId(), kind: "raw", line }));
    this.#write();
  }

  /** `fail`: the function returns ckr instead of calling the target. Returns the rule id. */
  fail(fn, ckr, opts = {}) {
    let line = `fail ${fnName(fn)} ${ckrText(ckr)}`;
    if (opts.token !== undefined) line += ` ${tokenOpt(opts.token)}`;
    if (opts.count !== undefined) line += ` count=${count("count", opts.count, 1)}`;
    if (opts.after !== undefined) line += ` after=${count("after", opts.after, 0)}`;
    return this.#add("fail", line);
  }

  /** `delay`: sleep ms before forwarding (fn may be "*"). Returns the rule id. */
  delay(fn, ms, opts = {}) {
    let line = `delay ${fnName(fn, true)} ${count("ms", ms, 0)}`;
    if (opts.token !== undefined) line += ` ${tokenOpt(opts.token)}`;
    return this.#add("delay", line);
  }

  /** `crash`: kill the calling process (segv, abort or exit(70)) in that function. */
  crash(fn, kind, opts = {}) {
    if (!["segv", "abort", "exit"].includes(kind)) throw new TypeError(`crash kind: ${kind}`);
    let line = `crash ${fnName(fn)} ${kind}`;
    if (opts.token !== undefined) line += ` ${tokenOpt(opts.token)}`;
    if (opts.after !== undefined) line += ` after=${count("after", opts.after, 0)}`;
    return this.#add("crash", line);
  }

  /** `hang`: the function never returns. */
  hang(fn, opts = {}) {
    let line = `hang ${fnName(fn)}`;
    if (opts.token !== undefined) line += ` ${tokenOpt(opts.token)}`;
    return this.#add("hang", line);
  }

  /** The token disappears from its slot (sessions on it die). */
  removeToken(label) {
    if (this.#rules.some((r) => r.kind === "remove" && r.label === label)) return;
    this.#add("remove", `remove ${tokenOpt(label)}`, label);
  }

  /** The token is back (sessions opened before the removal stay invalid). */
  restoreToken(label) {
    this.#rules = this.#rules.filter((r) => !(r.kind === "remove" && r.label === label));
    this.#write();
  }

  /** ORs these CKF_ flags into the token's CK_TOKEN_INFO.flags; [] clears them. */
  flags(label, flags) {
    for (const f of flags) if (!FLAG_NAMES.has(f)) throw new TypeError(`unknown token flag: ${f}`);
    this.#rules = this.#rules.filter((r) => !(r.kind === "flags" && r.label === label));
    if (flags.length > 0) this.#add("flags", `flags ${tokenOpt(label)} ${flags.join(" ")}`, label);
    else this.#write();
  }

  /** PIN retry counter: after n wrong PINs in a row the user (or SO) PIN is locked. Re-arms. */
  lockAfter(label, n, opts = {}) {
    const kind = opts.so ? "lock-so" : "lock-user";
    this.#rules = this.#rules.filter((r) => !(r.kind === kind && r.label === label));
    this.#add(kind, `lock-after ${tokenOpt(label)} ${count("n", n, 1)}${opts.so ? " so" : ""}`, label);
  }

  /**
   * A reader with its own PIN pad: the token shows CKF_PROTECTED_AUTHENTICATION_PATH, and a C_Login without a PIN
   * logs in with `pin`, as if the user typed it on the pad; `{ cancel: true }` instead has the user cancel
   * (CKR_FUNCTION_CANCELED). `null` removes the pad. Replaces an earlier pin-pad rule of the token.
   */
  pinPad(label, entry) {
    this.#rules = this.#rules.filter((r) => !(r.kind === "pin-pad" && r.label === label));
    if (entry === null) return this.#write();
    if (entry?.cancel === true) return this.#add("pin-pad", `pin-pad ${tokenOpt(label)} cancel`, label);
    const pin = entry?.pin;
    if (typeof pin !== "string" || !/^[^\s"#=]{1,64}$/.test(pin))
      throw new TypeError("pinPad needs { pin } (1 to 64 characters, no blanks) or { cancel: true }");
    this.#add("pin-pad", `pin-pad ${tokenOpt(label)} pin=${pin}`, label);
  }

  /** Removes one rule by the id a method returned. */
  drop(id) {
    this.#rules = this.#rules.filter((r) => r.id !== id);
    this.#write();
  }

  /** Clears every rule: the module becomes a pass-through again. */
  reset() {
    this.#rules = [];
    this.#write();
  }

  #nextId() {
    this.#seq += 1;
    return this.#seq;
  }

  #add(kind, line, label) {
    const id = this.#nextId();
    this.#rules.push({ id, kind, label, line: `${line} id=${this.#tag}-${id}` });
    this.#write();
    return id;
  }

  // Atomic replace: the module never reads a half-written file. Each version also gets an mtime
  // later than the previous one, so two quick writes of same-sized files always look different.
  #write() {
    const text = this.#rules.map((r) => `${r.line}\n`).join("");
    const tmp = `${this.path}.${process.pid}.${this.#tag}.tmp`;
    writeFileSync(tmp, text);
    const mtimeMs = Math.max(Date.now(), this.#lastMtimeMs + 1);
    utimesSync(tmp, mtimeMs / 1000, mtimeMs / 1000);
    this.#lastMtimeMs = mtimeMs;
    renameSync(tmp, this.path);
  }
}
