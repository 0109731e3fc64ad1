/**
 * A profile's request budget: how hard the Desk may lean on its BillPro.
 *
 * - At most `perMinute` requests start in any 60 s (a sliding window over real attempts, retries
 *   included, as the transport reports them).
 * - Adaptive concurrency: pages in flight grow by one after a run of answers and halve on a 5xx,
 *   a timeout or a 429 (additive increase, multiplicative decrease).
 * - A 429 pauses every request until its `Retry-After` (or 30 s when it names none) and notes what
 *   went through in the minute before (shown in Settings; not used as a limit: a window we cannot
 *   see may be shorter than a minute, and a guess too low would stall the sync for a minute);
 *   a 5xx pauses with a growing backoff.
 * - `run` waits for a slot, and tries a rate-limited call again after the pause (bounded).
 */
import { DeskError, isDeskError } from '../../common/errors.ts';

export interface BudgetOptions {
  /** Requests per minute at most. Default 3 000 (50/s): a ceiling, BillPro documents none. */
  perMinute?: number;
  /** Pages in flight at most. Default 4. */
  maxConcurrency?: number;
  now?: () => number;
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
}

export interface BudgetStatus {
  perMinute: number;
  /** Requests that went through in the minute before the last 429; null while BillPro has not pushed back. */
  learnedPerMinute: number | null;
  usedLastMinute: number;
  concurrency: number;
  maxConcurrency: number;
  /** ISO time until which requests wait (429 or 5xx backoff), or null. */
  pausedUntil: string | null;
  rateLimited: number;
  serverErrors: number;
  total: number;
}

export interface AttemptOutcome {
  status?: number | undefined;
  code?: DeskError['code'] | undefined;
  retryAfterMs?: number | undefined;
}

const WINDOW_MS = 60_000;
const DEFAULT_RETRY_AFTER_MS = 30_000;
const MAX_BACKOFF_MS = 60_000;
const RATE_LIMIT_RETRIES = 4;

export class RequestBudget {
  readonly perMinute: number;
  readonly maxConcurrency: number;
  #learned: number | null = null;
  #concurrency: number;
  #inFlight = 0;
  #starts: number[] = [];
  #pausedUntil = 0;
  #backoffMs = 0;
  #goodStreak = 0;
  #rateLimited = 0;
  #serverErrors = 0;
  #total = 0;
  readonly #now: () => number;
  readonly #sleep: (ms: number, signal?: AbortSignal) => Promise<void>;
  readonly #waiters: (() => void)[] = [];

  constructor(options: BudgetOptions = {}) {
    this.perMinute = Math.max(1, Math.floor(options.perMinute ?? 3_000));
    this.maxConcurrency = Math.max(1, Math.floor(options.maxConcurrency ?? 4));
    this.#concurrency = this.maxConcurrency;
    this.#now = options.now ?? Date.now;
    this.#sleep = options.sleep ?? sleep;
  }

  /** Pages a pull should keep in flight now. */
  get concurrency(): number {
    return this.#concurrency;
  }

  /** Every attempt the transport made (for the window and the adaptation). */
  note(outcome: AttemptOutcome): void {
    const now = this.#now();
    this.#total += 1;
    this.#starts.push(now);
    this.#trim(now);
    if (outcome.status === 429 || outcome.code === 'RATE_LIMITED') {
      this.#rateLimited += 1;
      this.#learned = Math.max(1, this.#starts.length - 1);
      this.#pausedUntil = Math.max(this.#pausedUntil, now + (outcome.retryAfterMs ?? DEFAULT_RETRY_AFTER_MS));
      this.#decrease();
    } else if ((outcome.status ?? 0) >= 500 || outcome.code === 'TIMEOUT' || outcome.code === 'SERVER') {
      this.#serverErrors += 1;
      this.#backoffMs = Math.min(MAX_BACKOFF_MS, Math.max(1_000, this.#backoffMs * 2));
      this.#pausedUntil = Math.max(this.#pausedUntil, now + this.#backoffMs);
      this.#decrease();
    } else if (outcome.status !== undefined) {
      this.#backoffMs = 0;
      if (++this.#goodStreak >= 20 && this.#concurrency < this.maxConcurrency) {
        this.#concurrency += 1;
        this.#goodStreak = 0;
      }
    }
  }

  /** Runs `work` within the budget; a 429 waits for the pause and tries again (a few times). */
  async run<T>(work: () => Promise<T>, signal?: AbortSignal): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      await this.#acquire(signal);
      try {
        return await work();
      } catch (error) {
        if (!(isDeskError(error) && error.code === 'RATE_LIMITED') || attempt > RATE_LIMIT_RETRIES) throw error;
        if (error.retryAfterMs !== undefined) {
          this.#pausedUntil = Math.max(this.#pausedUntil, this.#now() + error.retryAfterMs);
        }
      } finally {
        this.#release();
      }
    }
  }

  status(): BudgetStatus {
    const now = this.#now();
    this.#trim(now);
    return {
      perMinute: this.perMinute,
      learnedPerMinute: this.#learned,
      usedLastMinute: this.#starts.length,
      concurrency: this.#concurrency,
      maxConcurrency: this.maxConcurrency,
      pausedUntil: this.#pausedUntil > now ? new Date(this.#pausedUntil).toISOString() : null,
      rateLimited: this.#rateLimited,
      serverErrors: this.#serverErrors,
      total: this.#total,
    };
  }

  async #acquire(signal?: AbortSignal): Promise<void> {
    for (;;) {
      signal?.throwIfAborted();
      const now = this.#now();
      this.#trim(now);
      const limit = this.perMinute;
      let waitMs = this.#pausedUntil - now;
      if (this.#starts.length >= limit) waitMs = Math.max(waitMs, (this.#starts[0] ?? now) + WINDOW_MS - now);
      if (waitMs > 0) {
        await this.#sleep(waitMs, signal);
        continue;
      }
      if (this.#inFlight < this.#concurrency) {
        this.#inFlight += 1;
        return;
      }
      await new Promise<void>((resolve) => this.#waiters.push(resolve));
    }
  }

  #release(): void {
    this.#inFlight = Math.max(0, this.#inFlight - 1);
    this.#waiters.shift()?.();
  }

  #decrease(): void {
    this.#goodStreak = 0;
    this.#concurrency = Math.max(1, Math.floor(this.#concurrency / 2));
  }

  #trim(now: number): void {
    let drop = 0;
    while (drop < this.#starts.length && (this.#starts[drop] ?? now) <= now - WINDOW_MS) drop++;
    if (drop) this.#starts.splice(0, drop);
  }
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(signal.reason);
      return;
    }
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

export function isRateLimited(error: unknown): boolean {
  return error instanceof DeskError && error.code === 'RATE_LIMITED';
}
