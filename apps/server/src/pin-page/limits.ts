// How long a PIN request waits for the user, and how long and how often auto-login may use a kept PIN. Fixed for
// now; SCWS leaves both to the middleware.
import type { AutoLoginLimits } from "./auto-login.js";
import type { PinRequestLimits } from "./pin-requests.js";

export const PIN_PAGE_LIMITS: { readonly requests: PinRequestLimits; readonly autoLogin: AutoLoginLimits } = {
  /** Two minutes to type a PIN (and to use a captured credential). */
  requests: { ttlSeconds: 120 },
  /** A kept PIN serves at most 100 key operations and 15 minutes. */
  autoLogin: { maxSeconds: 900, maxUses: 100 },
};
