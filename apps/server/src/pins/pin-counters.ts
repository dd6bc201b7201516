// The service's own count of consecutive wrong PINs per token and user, kept on disk so that it survives a
// restart: SoftHSM (and some modules) never lock a PIN, so the service locks it as a card would.
import { mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import type { LoginUser } from "../pkcs11/host.js";

type Counts = Record<string, Partial<Record<LoginUser, number>>>;

/** Consecutive wrong PINs, by token key and user, persisted as JSON. */
export class PinCounterStore {
  private constructor(
    private readonly file: string,
    private readonly counts: Counts,
  ) {}

  /** Loads the store from `file`, or starts empty when it does not exist. */
  static load(file: string): PinCounterStore {
    let counts: Counts = {};
    try {
      const parsed = JSON.parse(readFileSync(file, "utf8")) as { tokens?: Counts };
      counts = parsed.tokens ?? {};
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw new Error(`cannot read the PIN counters in ${file}: ${(error as Error).message}`);
    }
    return new PinCounterStore(file, counts);
  }

  /** How many wrong PINs in a row the token's user (or SO) has had. */
  failures(tokenKey: string, user: LoginUser): number {
    return this.counts[tokenKey]?.[user] ?? 0;
  }

  /** Counts one more wrong PIN and returns the new count. */
  recordFailure(tokenKey: string, user: LoginUser): number {
    return this.set(tokenKey, user, this.failures(tokenKey, user) + 1);
  }

  /** Starts the count afresh after a right PIN or an unblock. */
  reset(tokenKey: string, user: LoginUser): void {
    if (this.failures(tokenKey, user) !== 0) this.set(tokenKey, user, 0);
  }

  /** Records that the token itself reported the PIN locked. */
  markLocked(tokenKey: string, user: LoginUser, maxTries: number): void {
    if (this.failures(tokenKey, user) < maxTries) this.set(tokenKey, user, maxTries);
  }

  private set(tokenKey: string, user: LoginUser, failures: number): number {
    this.counts[tokenKey] = { ...this.counts[tokenKey], [user]: failures };
    mkdirSync(dirname(this.file), { recursive: true });
    const temporary = `${this.file}.${process.pid}.tmp`;
    writeFileSync(temporary, `${JSON.stringify({ version: 1, tokens: this.counts }, null, 2)}\n`, { mode: 0o600 });
    renameSync(temporary, this.file);
    return failures;
  }
}
