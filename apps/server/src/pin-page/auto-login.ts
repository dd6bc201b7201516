// SCWS's auto-login (Pin.startAutoLogin / stopAutoLogin): the PIN of an environment's next login, kept in memory
// only, answers the context-specific login (CKU_CONTEXT_SPECIFIC, PKCS#11 v3.1 section 5.6) of keys that ask
// for the PIN at every use, a limited number of times and for a limited time. Forgotten at stop, at the end of
// the login (logout, end of the environment, token removal), at its last use and at its deadline.
import type { components } from "@open-scws/spec";
import type { LoginRegistry } from "../pins/login-registry.js";

type AutoLoginState = components["schemas"]["AutoLogin"];

/** How long and how often a kept PIN may serve. */
export interface AutoLoginLimits {
  readonly maxSeconds: number;
  readonly maxUses: number;
}

interface Entry {
  readonly tokenKey: string;
  pin: string | undefined;
  usesLeft: number;
  readonly expiresAt: number;
}

/** Who keeps which PIN: one entry per environment and token. */
export class AutoLoginKeeper {
  private readonly entries = new Map<string, Entry>();

  constructor(
    private readonly logins: LoginRegistry,
    private readonly limits: AutoLoginLimits,
    private readonly now: () => number = Date.now,
  ) {
    logins.onClear((tokenKey) => this.forgetToken(tokenKey));
  }

  /** Starts (or restarts) auto-login; the PIN of the next user login is kept. */
  start(owner: string, tokenKey: string, counter: number | undefined): AutoLoginState {
    const entry: Entry = {
      tokenKey,
      pin: undefined,
      usesLeft: Math.min(counter ?? this.limits.maxUses, this.limits.maxUses),
      expiresAt: this.now() + this.limits.maxSeconds * 1000,
    };
    this.entries.set(keyOf(owner, tokenKey), entry);
    return describe(entry);
  }

  /** Stops auto-login and forgets the PIN. */
  stop(owner: string, tokenKey: string): void {
    this.entries.delete(keyOf(owner, tokenKey));
  }

  /** Told of each successful user login: keeps its PIN when auto-login waits for one. */
  offer(owner: string, tokenKey: string, pin: string | null): void {
    const entry = this.live(owner, tokenKey);
    if (entry && pin !== null) entry.pin = pin;
  }

  /** The kept PIN for one key operation, counting the use; undefined when none may serve. */
  take(owner: string, tokenKey: string): string | undefined {
    const entry = this.live(owner, tokenKey);
    const login = this.logins.get(tokenKey);
    if (!entry?.pin || login?.owner !== owner || login.user !== "user") return undefined;
    const pin = entry.pin;
    entry.usesLeft -= 1;
    if (entry.usesLeft <= 0) this.entries.delete(keyOf(owner, tokenKey));
    return pin;
  }

  /** Forgets every PIN kept for an environment (its end). */
  forgetOwner(owner: string): void {
    for (const key of this.entries.keys()) if (key.startsWith(`${owner}\n`)) this.entries.delete(key);
  }

  /** Whether a PIN is kept for this environment and token (for tests and state). */
  state(owner: string, tokenKey: string): AutoLoginState | undefined {
    const entry = this.live(owner, tokenKey);
    return entry ? describe(entry) : undefined;
  }

  private forgetToken(tokenKey: string): void {
    for (const [key, entry] of this.entries) if (entry.tokenKey === tokenKey) this.entries.delete(key);
  }

  private live(owner: string, tokenKey: string): Entry | undefined {
    const key = keyOf(owner, tokenKey);
    const entry = this.entries.get(key);
    if (entry && entry.expiresAt <= this.now()) {
      this.entries.delete(key);
      return undefined;
    }
    return entry;
  }
}

function keyOf(owner: string, tokenKey: string): string {
  return `${owner}\n${tokenKey}`;
}

function describe(entry: Entry): AutoLoginState {
  return { active: true, pinKept: entry.pin !== undefined, usesLeft: entry.usesLeft, expiresAt: new Date(entry.expiresAt).toISOString() };
}
