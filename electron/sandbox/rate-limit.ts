/**
 * A sliding-window request limit per credential, as a rate-limited BillPro may apply (billpro-api.md
 * §1.6 documents none: this is a variation to test against, not a known behaviour).
 */
export class RateLimiter {
  readonly #limit: number;
  readonly #windowMs: number;
  readonly #seen = new Map<string, number[]>();

  constructor(limit: number, windowMs: number) {
    this.#limit = limit;
    this.#windowMs = windowMs;
  }

  /** Counts a request at `now`; 0 when it may go through, else the ms until it would. */
  take(key: string, now: number): number {
    const times = (this.#seen.get(key) ?? []).filter((t) => t > now - this.#windowMs);
    if (times.length >= this.#limit) {
      this.#seen.set(key, times);
      return Math.max(1, (times[0] ?? now) + this.#windowMs - now);
    }
    times.push(now);
    this.#seen.set(key, times);
    return 0;
  }
}
