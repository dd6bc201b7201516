// A pool of PKCS#11 sessions for one token: a session runs one operation at a time (CKR_OPERATION_ACTIVE),
// so concurrent requests each borrow their own, up to a limit, and queue beyond it.

/** Opens and closes the sessions of one slot. */
export interface SessionFactory<Session> {
  open(): Session;
  close(session: Session): void;
}

/** Sessions of one slot, lent out one operation at a time. */
export class SessionPool<Session> {
  private readonly idle: Session[] = [];
  private readonly waiters: Array<{ resolve(session: Session): void; reject(error: unknown): void }> = [];
  private open = 0;

  constructor(
    private readonly factory: SessionFactory<Session>,
    private readonly maxSessions: number,
  ) {
    if (maxSessions < 1) throw new RangeError("a session pool needs room for at least one session");
  }

  /** How many sessions are open, lent or idle. */
  get size(): number {
    return this.open;
  }

  /** How many callers wait for a session. */
  get queued(): number {
    return this.waiters.length;
  }

  /** Opens one session now and keeps it idle, so that the token's logins survive between operations. */
  warm(): void {
    if (this.open === 0) this.idle.push(this.openSession());
  }

  /** Lends a session: an idle one, a new one while under the limit, or the next one released. */
  acquire(): Promise<Session> {
    const session = this.idle.pop();
    if (session !== undefined) return Promise.resolve(session);
    if (this.open < this.maxSessions) {
      try {
        return Promise.resolve(this.openSession());
      } catch (error) {
        return Promise.reject(error);
      }
    }
    return new Promise((resolve, reject) => this.waiters.push({ resolve, reject }));
  }

  /**
   * Returns a session. A broken one (`discard`) is replaced: a fresh session is opened before the broken one
   * is closed, because closing a token's last session ends its login (PKCS#11 v3.1 section 5.6).
   */
  release(session: Session, discard = false): void {
    if (!discard) {
      const waiter = this.waiters.shift();
      if (waiter) waiter.resolve(session);
      else this.idle.push(session);
      return;
    }
    let replacement: Session | undefined;
    let failure: unknown;
    try {
      replacement = this.openSession();
    } catch (error) {
      failure = error;
    }
    this.closeSession(session);
    const waiter = this.waiters.shift();
    if (replacement !== undefined) {
      if (waiter) waiter.resolve(replacement);
      else this.idle.push(replacement);
    } else if (waiter) {
      waiter.reject(failure);
    }
  }

  /** Runs `work` with a borrowed session and gives it back, discarding it when `isBroken(error)` says so. */
  async use<T>(work: (session: Session) => Promise<T> | T, isBroken: (error: unknown) => boolean): Promise<T> {
    const session = await this.acquire();
    let broken = false;
    try {
      return await work(session);
    } catch (error) {
      broken = isBroken(error);
      throw error;
    } finally {
      this.release(session, broken);
    }
  }

  /** Closes the idle sessions; lent ones are closed by the caller's C_CloseAllSessions. */
  drain(): void {
    for (const session of this.idle.splice(0)) this.closeSession(session);
    this.open = 0;
  }

  private openSession(): Session {
    const session = this.factory.open();
    this.open += 1;
    return session;
  }

  private closeSession(session: Session): void {
    this.open = Math.max(0, this.open - 1);
    try {
      this.factory.close(session);
    } catch {
      // A session that is already gone (token removed) needs no closing.
    }
  }
}
