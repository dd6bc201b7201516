// PIN operations (SCWS's Pin.login, logout, change, and the Java API's initPin), with the service's own
// retry limit, one login per token across callers, and PINs checked before they reach the token.
import { isPkcs11Failure, ScwsError, scwsErrorFromPkcs11 } from "@open-scws/errors";
import type { components } from "@open-scws/spec";
import type { EventHub } from "../events/event-hub.js";
import type { AutoLoginKeeper } from "../pin-page/auto-login.js";
import { TokenFlag } from "../pkcs11/flags.js";
import type { LoginUser, TokenInfo } from "../pkcs11/host.js";
import type { TokenConnection, TokenConnections } from "../tokens/token-connections.js";
import { KeyedMutex } from "../util/keyed-mutex.js";
import type { LoginRegistry } from "./login-registry.js";
import type { PinCounterStore } from "./pin-counters.js";
import { checkPinFormat } from "./pin-format.js";
import { pinStateOf, remainingTries, type TryCount } from "./pin-state.js";

type Pin = components["schemas"]["Pin"];
type LoginRequest = components["schemas"]["LoginRequest"];
type ChangePinRequest = components["schemas"]["ChangePinRequest"];
type UnblockPinRequest = components["schemas"]["UnblockPinRequest"];

/** How many wrong PINs in a row lock a PIN, when the token does not lock it itself. */
export interface PinPolicy {
  readonly maxTries: number;
  readonly soMaxTries: number;
}

const CKR_PIN_INCORRECT = 0xa0;
const CKR_PIN_LOCKED = 0xa4;
const LOCKED_FLAG: Record<LoginUser, number> = { user: TokenFlag.userPinLocked, so: TokenFlag.soPinLocked };
const FINAL_TRY_FLAG: Record<LoginUser, number> = { user: TokenFlag.userPinFinalTry, so: TokenFlag.soPinFinalTry };
const PIN_NAME: Record<LoginUser, string> = { user: "The PIN", so: "The SO PIN" };

/** The PINs of connected tokens. */
export class PinService {
  private readonly locks = new KeyedMutex();

  constructor(
    private readonly tokens: TokenConnections,
    private readonly logins: LoginRegistry,
    private readonly counters: PinCounterStore,
    private readonly policy: PinPolicy,
    private readonly events: EventHub,
    /** Keeps the PIN of a login for auto-login (SCWS's startAutoLogin), when given. */
    readonly autoLogin?: AutoLoginKeeper,
  ) {}

  /** The state of every PIN of the connection's token, as `Token.pins` lists them. */
  pinsOf(connection: TokenConnection, info: TokenInfo): Pin[] {
    return [pinStateOf(info, this.count(connection, "user"), this.count(connection, "so"), this.logins.loggedInAs(connection.tokenKey, connection.owner))];
  }

  /** One PIN's state, read afresh. */
  async state(connection: TokenConnection, pinNumber: number): Promise<Pin> {
    checkPinNumber(pinNumber);
    return this.pinsOf(connection, await this.tokens.tokenInfo(connection))[0]!;
  }

  /** `Pin.login(value, so)`. */
  async login(connection: TokenConnection, pinNumber: number, request: LoginRequest): Promise<Pin> {
    checkPinNumber(pinNumber);
    const user = request.userType ?? "user";
    return this.locks.run(connection.tokenKey, async () => {
      const info = await this.tokens.tokenInfo(connection);
      const current = this.logins.get(connection.tokenKey);
      if (current?.owner === connection.owner && current.user === user) {
        throw new ScwsError("This caller is already logged in to the token.", "CKR_USER_ALREADY_LOGGED_IN");
      }
      if (current) throw anotherLoggedIn(current.owner === connection.owner);
      if (request.pin === null) {
        if ((info.flags & TokenFlag.protectedAuthenticationPath) === 0) {
          throw new ScwsError("The token has no PIN pad: send the PIN.", "CKR_ARGUMENTS_BAD", undefined, { field: "/body/pin", reason: "is required" });
        }
      } else {
        checkPinFormat(request.pin, "/body/pin", { minLength: info.minPinLength, maxLength: info.maxPinLength });
      }
      this.checkTries(connection, info, user, request.confirmFinalTry === true);
      await this.spendTry(connection, user, () => connection.host.login(connection.slot, user, request.pin));
      this.logins.set(connection.tokenKey, { user, owner: connection.owner });
      if (user === "user") this.autoLogin?.offer(connection.owner, connection.tokenKey, request.pin);
      this.announce(connection, "login");
      return this.pinsOf(connection, info)[0]!;
    });
  }

  /** `Pin.logout()`. */
  async logout(connection: TokenConnection, pinNumber: number): Promise<Pin> {
    checkPinNumber(pinNumber);
    return this.locks.run(connection.tokenKey, async () => {
      if (this.logins.get(connection.tokenKey)?.owner !== connection.owner) {
        throw new ScwsError("This caller is not logged in to the token.", "CKR_USER_NOT_LOGGED_IN");
      }
      this.logins.clear(connection.tokenKey);
      await connection.host.logout(connection.slot);
      this.announce(connection, "logout");
      return this.pinsOf(connection, await this.tokens.tokenInfo(connection))[0]!;
    });
  }

  /** `Pin.change(oldValue, newValue)`: the user PIN, or the SO PIN while logged in as SO. */
  async change(connection: TokenConnection, pinNumber: number, request: ChangePinRequest): Promise<Pin> {
    checkPinNumber(pinNumber);
    const user = request.userType ?? "user";
    return this.locks.run(connection.tokenKey, async () => {
      const info = await this.tokens.tokenInfo(connection);
      const current = this.logins.get(connection.tokenKey);
      // C_SetPIN changes the PIN of whoever is logged in (PKCS#11 v3.1 section 5.6), so the login must match.
      if (current && (current.owner !== connection.owner || current.user !== user)) throw anotherLoggedIn(current.owner === connection.owner);
      if (user === "so" && !current) throw new ScwsError("Log in as Security Officer before changing the SO PIN.", "CKR_USER_NOT_LOGGED_IN");
      const limits = { minLength: info.minPinLength, maxLength: info.maxPinLength };
      checkPinFormat(request.oldPin, "/body/oldPin", limits);
      checkPinFormat(request.newPin, "/body/newPin", limits);
      this.checkTries(connection, info, user, request.confirmFinalTry === true);
      await this.spendTry(connection, user, () => connection.host.setPin(connection.slot, request.oldPin, request.newPin));
      return this.pinsOf(connection, await this.tokens.tokenInfo(connection))[0]!;
    });
  }

  /** Sets a new user PIN and unblocks it; the Security Officer must be logged in on this connection. */
  async unblock(connection: TokenConnection, pinNumber: number, request: UnblockPinRequest): Promise<Pin> {
    checkPinNumber(pinNumber);
    return this.locks.run(connection.tokenKey, async () => {
      const login = this.logins.get(connection.tokenKey);
      if (login?.owner !== connection.owner || login.user !== "so") {
        throw new ScwsError("Log in as Security Officer (userType so) before unblocking the user PIN.", "CKR_USER_NOT_LOGGED_IN");
      }
      const info = await this.tokens.tokenInfo(connection);
      checkPinFormat(request.newPin, "/body/newPin", { minLength: info.minPinLength, maxLength: info.maxPinLength });
      await connection.host.initPin(connection.slot, request.newPin);
      this.counters.reset(connection.tokenKey, "user");
      return this.pinsOf(connection, await this.tokens.tokenInfo(connection))[0]!;
    });
  }

  /**
   * Runs a key operation that needs a context-specific login (CKA_ALWAYS_AUTHENTICATE): the PIN is checked
   * like any user PIN, a wrong one counts against the limit, and a locked PIN is not tried.
   */
  async withContextPin<T>(connection: TokenConnection, pin: string, operation: (pin: string) => Promise<T>): Promise<T> {
    return this.locks.run(connection.tokenKey, async () => {
      const info = await this.tokens.tokenInfo(connection);
      checkPinFormat(pin, "/body/pin", { minLength: info.minPinLength, maxLength: info.maxPinLength });
      this.checkTries(connection, info, "user", true);
      let result: T | undefined;
      await this.spendTry(connection, "user", async () => {
        result = await operation(pin);
      });
      return result as T;
    });
  }

  /** The PIN auto-login keeps for this connection's owner and token, counting one use; undefined when none. */
  keptPin(connection: TokenConnection): string | undefined {
    return this.autoLogin?.take(connection.owner, connection.tokenKey);
  }

  /** Tells the connection's owner that its login changed. */
  private announce(connection: TokenConnection, reason: "login" | "logout"): void {
    const state = this.logins.loggedInAs(connection.tokenKey, connection.owner);
    const login = { tokenId: connection.id, readerId: connection.readerId, validated: state.user, soValidated: state.so, reason };
    this.events.publish({ type: "loginStateChanged", login }, { caller: connection.owner });
  }

  private count(connection: TokenConnection, user: LoginUser): TryCount {
    return { failures: this.counters.failures(connection.tokenKey, user), maxTries: user === "so" ? this.policy.soMaxTries : this.policy.maxTries };
  }

  /** Refuses to try a locked PIN, or the last try without the caller's confirmation. */
  private checkTries(connection: TokenConnection, info: TokenInfo, user: LoginUser, confirmed: boolean): void {
    const left = remainingTries(this.count(connection, user));
    if ((info.flags & LOCKED_FLAG[user]) !== 0 || left === 0) {
      throw new ScwsError(`${PIN_NAME[user]} is locked after too many wrong tries.`, "CKR_PIN_LOCKED", undefined, { remainingTries: 0 });
    }
    if (((info.flags & FINAL_TRY_FLAG[user]) !== 0 || left === 1) && !confirmed) {
      throw new ScwsError(`${PIN_NAME[user]} has one try left: confirm with confirmFinalTry to use it.`, "SCWS_FINAL_TRY_UNCONFIRMED", undefined, {
        remainingTries: 1,
      });
    }
  }

  /** Runs a call that checks a PIN, counting a wrong PIN against the service's limit and resetting it on success. */
  private async spendTry(connection: TokenConnection, user: LoginUser, call: () => Promise<void>): Promise<void> {
    const { maxTries } = this.count(connection, user);
    try {
      await call();
    } catch (error) {
      if (!isPkcs11Failure(error)) throw error;
      if (error.code === CKR_PIN_LOCKED) this.counters.markLocked(connection.tokenKey, user, maxTries);
      if (error.code !== CKR_PIN_INCORRECT) throw scwsErrorFromPkcs11(error);
      const left = Math.max(0, maxTries - this.counters.recordFailure(connection.tokenKey, user));
      const pkcs11 = scwsErrorFromPkcs11(error).customData.pkcs11;
      const consequence = left === 0 ? "it is now locked" : `${left} ${left === 1 ? "try remains" : "tries remain"} before it locks`;
      throw new ScwsError(`${PIN_NAME[user]} was refused; ${consequence}.`, "CKR_PIN_INCORRECT", undefined, { remainingTries: left, pkcs11 });
    }
    this.counters.reset(connection.tokenKey, user);
  }
}

function checkPinNumber(pinNumber: number): void {
  if (pinNumber !== 0) {
    throw new ScwsError(`The token has no PIN ${pinNumber}; PIN 0 is its user PIN.`, "CKR_ARGUMENTS_BAD", undefined, {
      field: "/path/pinNumber",
      reason: "must be 0",
    });
  }
}

function anotherLoggedIn(sameCaller: boolean): ScwsError {
  const who = sameCaller ? "This caller is logged in as the other user type" : "Another caller is logged in to the token";
  return new ScwsError(`${who}; PKCS#11 allows one login per token at a time.`, "CKR_USER_ANOTHER_ALREADY_LOGGED_IN");
}
