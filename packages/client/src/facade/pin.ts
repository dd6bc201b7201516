// SCWS.Pin: the state of one PIN of a connected token as cached properties, and the PIN operations, each of which
// refreshes the properties from the service's answer. No PIN value is kept: it goes into one request body only.
import { ScwsError } from "@open-scws/errors";
import type { components } from "@open-scws/spec";
import { badParams } from "../transport/client-errors.js";
import { type CallOptions, callInit } from "./call-options.js";
import { type CredentialProperties, CredentialState, CredentialValue, credentialPropertiesOf } from "./credential.js";
import { askOnPinPage } from "./pin-page.js";
import { unwrap } from "./scws-answer.js";
import type { FacadeContext } from "./service-connection.js";
import type { Token } from "./token.js";

/** A PIN's state as the spec describes it. */
export type PinState = components["schemas"]["Pin"];
type LoginRequest = components["schemas"]["LoginRequest"];
type ChangePinRequest = components["schemas"]["ChangePinRequest"];
type UnblockPinRequest = components["schemas"]["UnblockPinRequest"];

/**
 * Options of `Pin.login`: `confirmFinalTry` confirms the last try (`lastTry`) for an application registered with
 * `confirmFinalTry: true`, which otherwise gets `CKR_CANCEL` (service code `SCWS_FINAL_TRY_UNCONFIRMED`) without
 * the try spent; for other applications the last try goes through as in SCWS. (open SCWS addition)
 */
export type LoginOptions = CallOptions & Pick<LoginRequest, "confirmFinalTry">;
/** Options of `Pin.change`: `confirmFinalTry` as for `login`; `userType: "so"` changes the SO PIN. (open SCWS addition) */
export type ChangeOptions = CallOptions & Pick<ChangePinRequest, "confirmFinalTry" | "userType">;

let replaceState: (pin: Pin, change: (state: PinState) => PinState) => void;

type PinCall = Promise<{ data?: PinState; error?: unknown; response: Response }>;

/** A PIN argument; the error names the argument, never its value. */
function pinOf(field: string, value: unknown): string {
  if (typeof value === "string") return value;
  throw badParams(field, "must be a string");
}

/** `login`'s value: a PIN, or null/undefined for the PIN pad. */
function pinOrPadOf(value: unknown): string | null {
  if (value === null || value === undefined) return null;
  if (typeof value !== "string") throw badParams("value", "must be a string, false for the service's PIN page, a CredentialValue, or null for the PIN pad");
  return value;
}

/** `login`'s second argument: `true` for the SO PIN, or a CredentialState to update. */
function soAndStateOf(second: unknown): { so: boolean; state?: CredentialState } {
  if (second instanceof CredentialState) return { so: false, state: second };
  if (second !== undefined && second !== null && typeof second !== "boolean") throw badParams("so", "must be true for the SO PIN, false, or a CredentialState");
  return { so: second === true };
}

function finalTryOf(options: { confirmFinalTry?: unknown } | undefined): { confirmFinalTry?: boolean } {
  const confirm = options?.confirmFinalTry;
  if (confirm === undefined) return {};
  if (typeof confirm !== "boolean") throw badParams("options.confirmFinalTry", "must be a boolean");
  return { confirmFinalTry: confirm };
}

/**
 * A PIN of a token (`Token.pins[n]`, where an object's `pinNumber` is `n`). Built by the library, never by user code.
 * Its properties are the state read when the token was connected, refreshed by each of its methods.
 */
export class Pin {
  readonly #context: FacadeContext;
  #state: PinState;

  static {
    replaceState = (pin, change) => {
      pin.#state = change(pin.#state);
    };
  }

  /** @internal Pins come from `Token.pins`. */
  constructor(
    context: FacadeContext,
    /** The token the PIN belongs to. */
    readonly token: Token,
    state: PinState,
  ) {
    this.#context = context;
    this.#state = state;
  }

  /** The PIN's index in `Token.pins`. (open SCWS addition) */
  get number(): number {
    return this.#state.number;
  }
  /** The PIN's label; `undefined` when the token has a single unlabelled PIN. */
  get label(): string | undefined {
    return this.#state.label;
  }
  /** Whether the PIN has been set. */
  get initialized(): boolean {
    return this.#state.initialized;
  }
  /** Whether the PIN must be changed before use. */
  get toBeChanged(): boolean {
    return this.#state.toBeChanged;
  }
  /** Whether the PIN is locked. */
  get blocked(): boolean {
    return this.#state.blocked;
  }
  /** Whether a wrong PIN was entered since the last right one. */
  get tryCountLow(): boolean {
    return this.#state.tryCountLow;
  }
  /** Whether one more wrong PIN locks it. */
  get lastTry(): boolean {
    return this.#state.lastTry;
  }
  /** How many wrong PINs it survives, where known. */
  get remainingTries(): number | undefined {
    return this.#state.remainingTries;
  }
  /** How many wrong PINs in a row lock it, where known. */
  get maxTries(): number | undefined {
    return this.#state.maxTries;
  }
  /** `remainingTries` of the Security Officer PIN. */
  get soRemainingTries(): number | undefined {
    return this.#state.soRemainingTries;
  }
  /** `maxTries` of the Security Officer PIN. */
  get soMaxTries(): number | undefined {
    return this.#state.soMaxTries;
  }
  /** Whether this connection is logged in with the user PIN, so that private objects are visible. */
  get validated(): boolean {
    return this.#state.validated;
  }
  /** Whether this connection is logged in with the Security Officer PIN. (open SCWS addition) */
  get soValidated(): boolean {
    return this.#state.soValidated;
  }
  /** SCWS's PUK bitfield: bit 0 is set while the token's one PUK, its SO PIN, can still unblock the user PIN. */
  get puksAvailable(): number {
    return this.#state.puksAvailable ?? 0;
  }
  /** The tries before any submission, for `requestCredential(properties, state)` and `login(value, state)`. */
  get initSubmissionsState(): CredentialState {
    return new CredentialState(this.#state);
  }
  /** `{ pinLabel, methods }`: the PIN's label; open SCWS offers no biometric method. */
  get credentialProperties(): CredentialProperties {
    return credentialPropertiesOf(this.#state);
  }
  /** The shortest PIN the token accepts. (open SCWS addition) */
  get minLength(): number {
    return this.#state.minLength;
  }
  /** The longest PIN the token accepts. (open SCWS addition) */
  get maxLength(): number {
    return this.#state.maxLength;
  }

  /**
   * Verifies the PIN. `value` is the PIN; `false` to let the user type it on the service's own PIN page (a popup on
   * the service's origin, so that the PIN never passes through this page), resolving once the service logged in;
   * a `CredentialValue` from `requestCredential()`; or `null`/`undefined` with a PIN pad (`Token.protectedAuthPath`).
   * The second argument is `true` to log in the Security Officer, or a `CredentialState` this call updates.
   * @example await token.pins[cert.pinNumber].login(false); // the user types the PIN on the service's page
   */
  async login(value?: string | null | false | CredentialValue, so?: boolean | null | CredentialState, options?: LoginOptions): Promise<void> {
    const { so: asSo, state } = soAndStateOf(so);
    const init = callInit(options);
    const userType = asSo ? "so" : "user";
    try {
      if (value === false) {
        const request = await askOnPinPage(this.#context, this.#path(), { purpose: "login", userType, ...finalTryOf(options) }, "Pin.login(false)", init);
        if (request.pin) this.#state = request.pin;
      } else if (value instanceof CredentialValue) {
        const requestId = value.requestId;
        await this.#apply(init, (client) => client.POST("/v1/pin-requests/{requestId}/login", { params: { path: { requestId } }, ...init }));
      } else {
        const body: LoginRequest = { pin: pinOrPadOf(value), userType, ...finalTryOf(options) };
        await this.#apply(init, (client, path) => client.POST("/v1/tokens/{tokenId}/pins/{pinNumber}/login", { params: { path }, body, ...init }));
      }
      state?.update(this.#state);
    } catch (error) {
      if (state && error instanceof ScwsError) state.update(this.#state, error);
      throw error;
    }
  }

  /**
   * Lets the user type the PIN on the service's PIN page, and resolves to a `CredentialValue` for one `login(value)`;
   * the service keeps the PIN meanwhile. `properties` and `state` are accepted as SCWS takes them; the page shows the
   * token's label and the application's origin.
   */
  async requestCredential(properties?: unknown, state?: CredentialState, options?: CallOptions): Promise<CredentialValue> {
    if (properties !== undefined && properties !== null && typeof properties !== "object") throw badParams("properties", "must be an object");
    if (state !== undefined && state !== null && !(state instanceof CredentialState)) throw badParams("state", "must be a CredentialState");
    const request = await askOnPinPage(this.#context, this.#path(), { purpose: "credential" }, "Pin.requestCredential()", callInit(options));
    return new CredentialValue(request.id, this.number);
  }

  /**
   * Starts auto-login: the service keeps the PIN of this environment's next login (in memory, for at most `counter`
   * uses and the service's maximum time) to answer keys that ask for the PIN at each use (`alwaysAuthenticate`).
   */
  async startAutoLogin(counter?: number, options?: CallOptions): Promise<void> {
    if (counter !== undefined && counter !== null && (!Number.isInteger(counter) || counter < 1 || counter > 1000)) {
      throw badParams("counter", "must be a whole number from 1 to 1000");
    }
    const init = callInit(options);
    const body = typeof counter === "number" ? { counter } : {};
    unwrap(await this.#context.connection().client.PUT("/v1/tokens/{tokenId}/pins/{pinNumber}/auto-login", { params: { path: this.#path() }, body, ...init }));
  }

  /** Stops auto-login: the service forgets the kept PIN at once. */
  async stopAutoLogin(options?: CallOptions): Promise<void> {
    const init = callInit(options);
    unwrap(await this.#context.connection().client.DELETE("/v1/tokens/{tokenId}/pins/{pinNumber}/auto-login", { params: { path: this.#path() }, ...init }));
  }

  /** Ends this connection's login to the token; private objects are hidden again. */
  async logout(options?: CallOptions): Promise<void> {
    const init = callInit(options);
    await this.#apply(init, (client, path) => client.POST("/v1/tokens/{tokenId}/pins/{pinNumber}/logout", { params: { path }, ...init }));
  }

  /** Changes the user PIN (or, with `{ userType: "so" }` while logged in as SO, the SO PIN). A wrong old PIN spends a try. */
  async change(oldValue: string, newValue: string, options?: ChangeOptions): Promise<void> {
    const body: ChangePinRequest = { oldPin: pinOf("oldValue", oldValue), newPin: pinOf("newValue", newValue), ...finalTryOf(options) };
    if (options?.userType !== undefined) body.userType = options.userType;
    const init = callInit(options);
    await this.#apply(init, (client, path) => client.POST("/v1/tokens/{tokenId}/pins/{pinNumber}/change", { params: { path }, body, ...init }));
  }

  /**
   * Sets a new user PIN and unblocks it (`C_InitPIN`), after `login(soPin, true)` on this connection: the Java API's
   * `initPin`, whose JS name SCWS never published. On a card with a PUK, `{ puk }` unblocks it instead, with nobody
   * logged in. (`puk`: open SCWS addition)
   * @example await pin.initPin(newPin, { puk }); // a smart card's blocked PIN
   */
  async initPin(newValue: string, options?: CallOptions & { puk?: string }): Promise<void> {
    const body: UnblockPinRequest = { newPin: pinOf("newValue", newValue) };
    if (options?.puk !== undefined) body.puk = pinOf("options.puk", options.puk);
    const init = callInit(options);
    await this.#apply(init, (client, path) => client.POST("/v1/tokens/{tokenId}/pins/{pinNumber}/unblock", { params: { path }, body, ...init }));
  }

  /** Reads the PIN's state afresh, as another caller or the token may have changed it. (open SCWS addition) */
  async refresh(options?: CallOptions): Promise<void> {
    const init = callInit(options);
    await this.#apply(init, (client, path) => client.GET("/v1/tokens/{tokenId}/pins/{pinNumber}", { params: { path }, ...init }));
  }

  /**
   * Runs a PIN call and keeps the state it answers. A wrong or locked PIN has moved the counters (a card's first wrong
   * PIN reports no remaining tries, only its count-low flag), so the state is read again (best effort) before the
   * failure is passed on.
   */
  #path(): PinPath {
    return { tokenId: this.token.id, pinNumber: this.number };
  }

  async #apply(init: { signal?: AbortSignal }, call: (client: PinClient, path: PinPath) => PinCall): Promise<void> {
    const { client } = this.#context.connection();
    const path = this.#path();
    try {
      this.#state = unwrap(await call(client, path));
    } catch (error) {
      if (error instanceof ScwsError && error.code.startsWith("CKR_PIN_")) {
        const fresh = await client.GET("/v1/tokens/{tokenId}/pins/{pinNumber}", { params: { path }, ...init }).catch(() => undefined);
        if (fresh?.data) this.#state = fresh.data;
      }
      throw error;
    }
  }
}

type PinClient = ReturnType<FacadeContext["connection"]>["client"];
type PinPath = { tokenId: string; pinNumber: number };

/** @internal Applies a login change the service's events told (login, logout, token removed). */
export function applyLoginChange(pin: Pin, change: { readonly validated: boolean; readonly soValidated: boolean }): void {
  replaceState(pin, (state) => ({ ...state, validated: change.validated, soValidated: change.soValidated }));
}
