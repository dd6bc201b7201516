// PIN operations (SCWS's Pin.login, logout, change, and the Java API's initPin), with the service's own
// retry limit, one login per token across callers, and PINs checked before they reach the token.
import { ckrValues, isPkcs11Failure, ScwsError, scwsErrorFromPkcs11 } from "@open-scws/errors";
import type { components } from "@open-scws/spec";
import type { EventHub } from "../events/event-hub.js";
import type { AutoLoginKeeper } from "../pin-page/auto-login.js";
import { auditCodeOf, type PinPageAudit } from "../pin-page/pin-page-audit.js";
import { TokenFlag } from "../pkcs11/flags.js";
import type { LoginUser, TokenInfo } from "../pkcs11/host.js";
import type { TokenConnection, TokenConnections } from "../tokens/token-connections.js";
import { KeyedMutex } from "../util/keyed-mutex.js";
import { changeCardPin, checkPukUnblock, pukRefusedAsLocked } from "./card-pins.js";
import type { LoginRegistry } from "./login-registry.js";
import type { PinCounterStore } from "./pin-counters.js";
import { checkPinFormat } from "./pin-format.js";
import { pinStateOf, type TryCount, triesLeft } from "./pin-state.js";

type Pin = components["schemas"]["Pin"];
type LoginRequest = components["schemas"]["LoginRequest"];
type ChangePinRequest = components["schemas"]["ChangePinRequest"];
type UnblockPinRequest = components["schemas"]["UnblockPinRequest"];

/** How many wrong PINs in a row lock a PIN, when the token does not lock it itself. */
export interface PinPolicy {
  readonly maxTries: number;
  readonly soMaxTries: number;
}

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
    /** Whether an owner's application opted in to confirming the last try; otherwise it goes through as in SCWS. */
    private readonly confirmsFinalTry: (owner: string) => boolean = () => false,
    /** Keeps the PIN of a login for auto-login (SCWS's startAutoLogin), when given. */
    readonly autoLogin?: AutoLoginKeeper,
    /** Records each use of a kept PIN in the audit log, when given. */
    private readonly audit?: PinPageAudit,
  ) {}

  /** The state of every PIN of the connection's token, as `Token.pins` lists them. */
  pinsOf(connection: TokenConnection, info: TokenInfo): Pin[] {
    const pin = pinStateOf(info, this.count(connection, "user"), this.count(connection, "so"), this.logins.loggedInAs(connection.tokenKey, connection.owner));
    // A card's flags may not tell one wrong PIN (OpenSC's PIV driver knows no maximum); the wrong PINs seen here do.
    if (connection.tokenCountsTries && this.counters.failures(connection.tokenKey, "user") > 0) pin.tryCountLow = true;
    return [pin];
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
        throw new ScwsError("CKR_USER_ALREADY_LOGGED_IN", { message: "This caller is already logged in to the token." });
      }
      if (current) throw anotherLoggedIn(current.owner === connection.owner);
      if (request.pin === null) {
        if ((info.flags & TokenFlag.protectedAuthenticationPath) === 0) {
          throw new ScwsError("CKR_ARGUMENTS_BAD", {
            message: "The token has no PIN pad: send the PIN.",
            customData: { field: "/body/pin", reason: "is required" },
          });
        }
      } else {
        checkPinFormat(request.pin, "/body/pin", { minLength: info.minPinLength, maxLength: info.maxPinLength });
      }
      this.checkTries(connection, info, user, request.confirmFinalTry === true);
      await this.spendTry(connection, user, () => connection.host.login(connection.slot, user, request.pin));
      this.logins.set(connection.tokenKey, { user, owner: connection.owner });
      if (user === "user") this.autoLogin?.offer(connection.owner, connection.tokenKey, request.pin);
      this.announce(connection, "login");
      // Read after C_Login: a successful login clears the token's count-low and final-try flags (PKCS#11 v3.1
      // section 3.2, CKF_USER_PIN_COUNT_LOW), so the answer agrees with a GET of the PIN right after.
      return this.pinsOf(connection, await this.tokens.tokenInfo(connection))[0]!;
    });
  }

  /** `Pin.logout()`. */
  async logout(connection: TokenConnection, pinNumber: number): Promise<Pin> {
    checkPinNumber(pinNumber);
    return this.locks.run(connection.tokenKey, async () => {
      if (this.logins.get(connection.tokenKey)?.owner !== connection.owner) {
        throw new ScwsError("CKR_USER_NOT_LOGGED_IN", { message: "This caller is not logged in to the token." });
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
      if (user === "so" && !current) throw new ScwsError("CKR_USER_NOT_LOGGED_IN", { message: "Log in as Security Officer before changing the SO PIN." });
      const limits = { minLength: info.minPinLength, maxLength: info.maxPinLength };
      checkPinFormat(request.oldPin, "/body/oldPin", limits);
      checkPinFormat(request.newPin, "/body/newPin", limits);
      this.checkTries(connection, info, user, request.confirmFinalTry === true);
      const unlogged = connection.tokenCountsTries && !current;
      await this.spendTry(connection, user, () =>
        unlogged
          ? changeCardPin(connection.host, connection.slot, request.oldPin, request.newPin)
          : connection.host.setPin(connection.slot, request.oldPin, request.newPin),
      );
      return this.pinsOf(connection, await this.tokens.tokenInfo(connection))[0]!;
    });
  }

  /** Sets a new user PIN and unblocks it; the Security Officer must be logged in on this connection. */
  async unblock(connection: TokenConnection, pinNumber: number, request: UnblockPinRequest): Promise<Pin> {
    checkPinNumber(pinNumber);
    return this.locks.run(connection.tokenKey, async () => {
      const login = this.logins.get(connection.tokenKey);
      if (request.puk !== undefined) return this.unblockWithPuk(connection, request.puk, request.newPin, login !== undefined);
      if (login?.owner !== connection.owner || login.user !== "so") {
        throw new ScwsError("CKR_USER_NOT_LOGGED_IN", { message: "Log in as Security Officer (userType so) before unblocking the user PIN." });
      }
      const info = await this.tokens.tokenInfo(connection);
      checkPinFormat(request.newPin, "/body/newPin", { minLength: info.minPinLength, maxLength: info.maxPinLength });
      await connection.host.initPin(connection.slot, request.newPin);
      this.counters.reset(connection.tokenKey, "user");
      return this.pinsOf(connection, await this.tokens.tokenInfo(connection))[0]!;
    });
  }

  /** A card's PUK unblocks its blocked PIN: `C_SetPIN(PUK, newPin)` with nobody logged in; a wrong PUK costs a PUK try. */
  private async unblockWithPuk(connection: TokenConnection, puk: string, newPin: string, loggedIn: boolean): Promise<Pin> {
    const info = await this.tokens.tokenInfo(connection);
    checkPukUnblock(connection, info, loggedIn);
    checkPinFormat(puk, "/body/puk", { minLength: 1, maxLength: 255 });
    checkPinFormat(newPin, "/body/newPin", { minLength: info.minPinLength, maxLength: info.maxPinLength });
    try {
      await this.spendTry(connection, "so", () => connection.host.setPin(connection.slot, puk, newPin));
    } catch (error) {
      throw error instanceof ScwsError && error.code === "CKR_PIN_LOCKED" ? pukRefusedAsLocked(error) : error;
    }
    this.counters.reset(connection.tokenKey, "user");
    return this.pinsOf(connection, await this.tokens.tokenInfo(connection))[0]!;
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

  /** `withContextPin` with the PIN auto-login kept, each use and its outcome going to the audit log. */
  async withKeptPin<T>(connection: TokenConnection, pin: string, operation: (pin: string) => Promise<T>): Promise<T> {
    const about = {
      owner: connection.owner,
      readerId: connection.readerId,
      reason: "auto-login",
      usesLeft: this.autoLogin?.state(connection.owner, connection.tokenKey)?.usesLeft ?? 0,
    };
    try {
      const result = await this.withContextPin(connection, pin, operation);
      this.audit?.record("autoLoginUsed", about);
      return result;
    } catch (error) {
      this.audit?.record("autoLoginUsed", { ...about, code: auditCodeOf(error) });
      throw error;
    }
  }

  /** Tells the connection's owner that its login changed. */
  private announce(connection: TokenConnection, reason: "login" | "logout"): void {
    const state = this.logins.loggedInAs(connection.tokenKey, connection.owner);
    const login = { tokenId: connection.id, readerId: connection.readerId, validated: state.user, soValidated: state.so, reason };
    this.events.publish({ type: "loginStateChanged", login }, { caller: connection.owner });
  }

  /** The service's count for a PIN, or undefined for a token that counts its tries itself (a card). */
  private count(connection: TokenConnection, user: LoginUser): TryCount | undefined {
    if (connection.tokenCountsTries) return undefined;
    return { failures: this.counters.failures(connection.tokenKey, user), maxTries: user === "so" ? this.policy.soMaxTries : this.policy.maxTries };
  }

  /** Refuses to try a locked PIN, or the last try without confirmation when the caller's application asks for one. */
  private checkTries(connection: TokenConnection, info: TokenInfo, user: LoginUser, confirmed: boolean): void {
    const left = triesLeft(info, user, this.count(connection, user));
    if (left === 0) {
      throw new ScwsError("CKR_PIN_LOCKED", { message: `${PIN_NAME[user]} is locked after too many wrong tries.`, customData: { remainingTries: 0 } });
    }
    const finalTry = (info.flags & FINAL_TRY_FLAG[user]) !== 0 || left === 1;
    if (finalTry && !confirmed && this.confirmsFinalTry(connection.owner)) {
      throw new ScwsError("SCWS_FINAL_TRY_UNCONFIRMED", {
        message: `${PIN_NAME[user]} has one try left: confirm with confirmFinalTry to use it.`,
        customData: { remainingTries: 1 },
      });
    }
  }

  /**
   * Runs a call that checks a PIN. For a token the service counts, a wrong PIN counts against its limit and a right
   * one resets it; for a card, the tries left are what the card tells after the attempt (C_GetTokenInfo's flags).
   */
  private async spendTry(connection: TokenConnection, user: LoginUser, call: () => Promise<void>): Promise<void> {
    const count = this.count(connection, user);
    try {
      await call();
    } catch (error) {
      if (!isPkcs11Failure(error)) throw error;
      const pkcs11 = scwsErrorFromPkcs11(error).customData.pkcs11;
      if (error.code === ckrValues.CKR_PIN_LOCKED) {
        if (count) this.counters.markLocked(connection.tokenKey, user, count.maxTries);
        throw new ScwsError("CKR_PIN_LOCKED", {
          message: `${PIN_NAME[user]} is locked after too many wrong tries.`,
          customData: { remainingTries: 0, pkcs11 },
        });
      }
      if (error.code !== ckrValues.CKR_PIN_INCORRECT) throw scwsErrorFromPkcs11(error);
      const failures = this.counters.recordFailure(connection.tokenKey, user);
      const left = count ? Math.max(0, count.maxTries - failures) : await this.cardTriesLeft(connection, user);
      throw new ScwsError("CKR_PIN_INCORRECT", {
        message: `${PIN_NAME[user]} was refused; ${consequenceOf(left)}.`,
        customData: { ...(left === undefined ? {} : { remainingTries: left }), pkcs11 },
      });
    }
    this.counters.reset(connection.tokenKey, user);
  }

  /** What a card tells of a PIN's tries after a wrong one, read afresh; undefined when it tells nothing. */
  private async cardTriesLeft(connection: TokenConnection, user: LoginUser): Promise<number | undefined> {
    try {
      return triesLeft(await this.tokens.tokenInfo(connection), user, undefined);
    } catch {
      return undefined; // the card went away meanwhile: the wrong PIN is still the answer
    }
  }
}

function consequenceOf(left: number | undefined): string {
  if (left === undefined) return "the token counts the wrong tries and locks the PIN when they run out";
  if (left === 0) return "it is now locked";
  return `${left} ${left === 1 ? "try remains" : "tries remain"} before it locks`;
}

function checkPinNumber(pinNumber: number): void {
  if (pinNumber !== 0) {
    throw new ScwsError("CKR_ARGUMENTS_BAD", {
      message: `The token has no PIN ${pinNumber}; PIN 0 is its user PIN.`,
      customData: {
        field: "/path/pinNumber",
        reason: "must be 0",
      },
    });
  }
}

function anotherLoggedIn(sameCaller: boolean): ScwsError {
  const who = sameCaller ? "This caller is logged in as the other user type" : "Another caller is logged in to the token";
  return new ScwsError("CKR_USER_ANOTHER_ALREADY_LOGGED_IN", { message: `${who}; PKCS#11 allows one login per token at a time.` });
}
