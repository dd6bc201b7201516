// Caps the requests one caller has in progress at once, so that one page or client cannot queue unbounded work
// in front of a token; the ones past the cap are refused at once with SCWS_LIMIT_REACHED and a Retry-After.
import { limitReached } from "./environments.js";

/** In-flight requests by caller. */
export class InFlightLimiter {
  private readonly counts = new Map<string, number>();

  constructor(private readonly max: number) {}

  /** Counts a request in, or refuses it; the returned function counts it out. */
  enter(caller: string): () => void {
    const count = this.counts.get(caller) ?? 0;
    if (count >= this.max) throw limitReached("requests in progress for one caller", this.max, 1);
    this.counts.set(caller, count + 1);
    let left = false;
    return () => {
      if (left) return;
      left = true;
      const remaining = (this.counts.get(caller) ?? 1) - 1;
      if (remaining > 0) this.counts.set(caller, remaining);
      else this.counts.delete(caller);
    };
  }
}
