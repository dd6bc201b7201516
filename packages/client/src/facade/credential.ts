// SCWS.CredentialState and SCWS.CredentialValue, the helper objects of SCWS's credential (PIN dialog) flow, and
// Pin.credentialProperties. open SCWS's "dialog" is the service's own PIN page; there is no biometry.
import type { ScwsError } from "@open-scws/errors";
import type { components } from "@open-scws/spec";

type PinState = components["schemas"]["Pin"];

/**
 * What a PIN dialog shows about earlier tries: `Pin.initSubmissionsState` before any, and a state that
 * `Pin.login(value, state)` updates after each. Built by the library.
 */
export class CredentialState {
  /** How many wrong PINs the PIN survives, where known. */
  remainingTries: number | undefined;
  /** Whether one more wrong PIN locks it. */
  lastTry: boolean;
  /** Whether the PIN is locked. */
  blocked: boolean;
  /** The code of the last submission's failure (`"CKR_PIN_INCORRECT"`...), or undefined after a success. */
  lastError: string | undefined;

  /** @internal Pins make these (`Pin.initSubmissionsState`). */
  constructor(pin: Pick<PinState, "remainingTries" | "lastTry" | "blocked">) {
    this.remainingTries = pin.remainingTries;
    this.lastTry = pin.lastTry;
    this.blocked = pin.blocked;
    this.lastError = undefined;
  }

  /** @internal Records a submission's outcome. */
  update(pin: Pick<PinState, "remainingTries" | "lastTry" | "blocked">, error?: ScwsError): void {
    this.remainingTries = error?.customData.remainingTries ?? pin.remainingTries;
    this.lastTry = pin.lastTry || this.remainingTries === 1;
    this.blocked = pin.blocked || this.remainingTries === 0;
    this.lastError = error?.code;
  }
}

/**
 * A PIN the user typed on the service's PIN page (`Pin.requestCredential()`), for one `Pin.login(value)`. It holds
 * no PIN: the service keeps it, in memory, until that login or the request's expiry. Built by the library.
 */
export class CredentialValue {
  /** @internal */
  constructor(
    /** The PIN request that holds it. (open SCWS addition) */
    readonly requestId: string,
    /** The PIN it was typed for, as `Pin.number`. (open SCWS addition) */
    readonly pinNumber: number,
  ) {}
}

/** `Pin.credentialProperties`: the PIN's label, and the biometric methods, none of which open SCWS offers. */
export interface CredentialProperties {
  readonly pinLabel: string | undefined;
  readonly methods: { readonly facialBio: false; readonly fingerBio: false; readonly fingerBioIsOneToManySupported: false };
}

/** The credential properties of a PIN. */
export function credentialPropertiesOf(pin: Pick<PinState, "label">): CredentialProperties {
  return { pinLabel: pin.label, methods: { facialBio: false, fingerBio: false, fingerBioIsOneToManySupported: false } };
}
