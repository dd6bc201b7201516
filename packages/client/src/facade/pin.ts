// SCWS.Pin: the state of one PIN of a connected token, as cached properties.
import type { components } from "@open-scws/spec";
import type { Token } from "./token.js";

/** A PIN's state as the spec describes it. */
export type PinState = components["schemas"]["Pin"];

/**
 * A PIN of a token (`Token.pins[n]`, where an object's `pinNumber` is `n`). Built by the library, never by user code.
 * Its properties are the state read when the token was connected.
 */
export class Pin {
  readonly #state: PinState;

  /** @internal Pins come from `Token.pins`. */
  constructor(
    /** The token the PIN belongs to. */
    readonly token: Token,
    state: PinState,
  ) {
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
}
