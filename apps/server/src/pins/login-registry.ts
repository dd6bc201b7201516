// Who is logged in to which token. PKCS#11 login belongs to the process and token, not to a session
// (PKCS#11 v3.1 section 2.6.7), so the service itself remembers which caller logged in, and refuses the others.
import type { LoginUser } from "../pkcs11/host.js";

/** The login a token holds. */
export interface TokenLogin {
  readonly user: LoginUser;
  /** The caller (environment) that logged in. */
  readonly owner: string;
}

/** Logins by token key. */
export class LoginRegistry {
  private readonly logins = new Map<string, TokenLogin>();
  private readonly clearListeners: Array<(tokenKey: string) => void> = [];

  /** The token's login, if any. */
  get(tokenKey: string): TokenLogin | undefined {
    return this.logins.get(tokenKey);
  }

  /** Records a login. */
  set(tokenKey: string, login: TokenLogin): void {
    this.logins.set(tokenKey, login);
  }

  /** Forgets a token's login. */
  clear(tokenKey: string): void {
    this.logins.delete(tokenKey);
    for (const listener of this.clearListeners) listener(tokenKey);
  }

  /** Calls `listener` whenever a token's login ends (logout, disconnection, removal): what hangs on it is dropped. */
  onClear(listener: (tokenKey: string) => void): void {
    this.clearListeners.push(listener);
  }

  /** What `owner` is logged in as on the token. */
  loggedInAs(tokenKey: string, owner: string): { user: boolean; so: boolean } {
    const login = this.logins.get(tokenKey);
    const mine = login?.owner === owner;
    return { user: mine && login?.user === "user", so: mine && login?.user === "so" };
  }
}
