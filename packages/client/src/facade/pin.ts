// SCWS.Pin: the state of one PIN of a connected token as cached properties, and the PIN operations, each of which
// refreshes the properties from the service's answer. No PIN value is kept: it goes into one request body only.
import { ScwsError } from "@open-scws/errors";
import type { components } from "@open-scws/spec";
import { badParams } from "../transport/client-errors.js";
import { type CallOptions, callInit } from "./call-options.js";
import { unwrap } from "./scws-answer.js";
import type { FacadeContext } from "./service-connection.js";
import type { Token } from "./token.js";

/** A PIN's state as the spec describes it. */
export type PinState = components["schemas"]["Pin"];
type LoginRequest = components["schemas"]["LoginRequest"];
type ChangePinRequest = components["schemas"]["ChangePinRequest"];

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
  if (value === false) throw badParams("value", "must be a string: the middleware's own PIN dialog (false) is not offered by open SCWS");
  if (typeof value !== "string") throw badParams("value", "must be a string, or null to use the token's PIN pad");
  return value;
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
  /** The shortest PIN the token accepts. (open SCWS addition) */
  get minLength(): number {
    return this.#state.minLength;
  }
  /** The longest PIN the token accepts. (open SCWS addition) */
  get maxLength(): number {
    return this.#state.maxLength;
  }

  /**
   * Verifies the PIN: `value` is the PIN, or `null`/`undefined` with a PIN pad (`Token.protectedAuthPath`); `so` true
   * logs in the Security Officer instead of the user.
   * @example await token.pins[cert.pinNumber].login(pin); // then pin.login(pin, false, { confirmFinalTry: true }) on the last try
   */
  async login(value?: string | null, so?: boolean | null, options?: LoginOptions): Promise<void> {
    const pin = pinOrPadOf(value);
    if (so !== undefined && so !== null && typeof so !== "boolean") throw badParams("so", "must be true for the SO PIN, or false");
    const body: LoginRequest = { pin, userType: so ? "so" : "user", ...finalTryOf(options) };
    const init = callInit(options);
    await this.#apply(init, (client, path) => client.POST("/v1/tokens/{tokenId}/pins/{pinNumber}/login", { params: { path }, body, ...init }));
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
   * `initPin`, whose JS name SCWS never published.
   */
  async initPin(newValue: string, options?: CallOptions): Promise<void> {
    const body = { newPin: pinOf("newValue", newValue) };
    const init = callInit(options);
    await this.#apply(init, (client, path) => client.POST("/v1/tokens/{tokenId}/pins/{pinNumber}/unblock", { params: { path }, body, ...init }));
  }

  /** Reads the PIN's state afresh, as another caller or the token may have changed it. (open SCWS addition) */
  async refresh(options?: CallOptions): Promise<void> {
    const init = callInit(options);
    await this.#apply(init, (client, path) => client.GET("/v1/tokens/{tokenId}/pins/{pinNumber}", { params: { path }, ...init }));
  }

  /**
   * Runs a PIN call and keeps the state it answers. A failure that reports remaining tries has moved the counters,
   * so the state is read again (best effort) before the failure is passed on.
   */
  async #apply(init: { signal?: AbortSignal }, call: (client: PinClient, path: PinPath) => PinCall): Promise<void> {
    const { client } = this.#context.connection();
    const path = { tokenId: this.token.id, pinNumber: this.number };
    try {
      this.#state = unwrap(await call(client, path));
    } catch (error) {
      if (error instanceof ScwsError && error.customData.remainingTries !== undefined) {
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
