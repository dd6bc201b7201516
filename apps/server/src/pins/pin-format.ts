// Checks a PIN against the token's limits before it reaches the token, so that a malformed PIN never
// spends a try. Messages never contain the PIN.
import { ScwsError } from "@open-scws/errors";

/** The lengths of PIN a token accepts (ulMinPinLen and ulMaxPinLen count bytes, PKCS#11 v3.1 section 3.2). */
export interface PinLimits {
  readonly minLength: number;
  readonly maxLength: number;
}

// C0 controls and DEL: no keypad or keyboard PIN holds them, and some tokens treat NUL as the end.
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point
const CONTROL_CHARACTERS = /[\u0000-\u001f\u007f]/u;

/** Throws CKR_PIN_LEN_RANGE or CKR_PIN_INVALID for a PIN the token would refuse. */
export function checkPinFormat(pin: string, field: string, limits: PinLimits): void {
  const length = Buffer.byteLength(pin, "utf8");
  if (length < limits.minLength || length > limits.maxLength) {
    throw new ScwsError("CKR_PIN_LEN_RANGE", {
      message: `The PIN must be ${limits.minLength} to ${limits.maxLength} bytes long.`,
      customData: {
        field,
        reason: `must be ${limits.minLength} to ${limits.maxLength} bytes long`,
      },
    });
  }
  if (CONTROL_CHARACTERS.test(pin)) {
    throw new ScwsError("CKR_PIN_INVALID", {
      message: "The PIN contains control characters.",
      customData: { field, reason: "must not contain control characters" },
    });
  }
}
