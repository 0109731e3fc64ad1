/**
 * One HTTP exchange with BillPro, done carefully: auth headers, `profile_id` on every request,
 * a per-attempt timeout combined with the caller's AbortSignal, and retries with exponential
 * backoff and full jitter for GETs only. A POST or PUT is sent once: BillPro has no idempotency
 * keys (billpro-api.md §5.16), so a second send could create a second order.
 *
 * Cancellation: when the caller's signal aborts, the promise rejects promptly with the signal's
 * own reason (a DOMException named "AbortError" unless the caller chose another), not with a
 * DeskError, so code that cancelled on purpose can tell that apart from a network failure.
 */
import { baseUrlProblem } from '../../common/contract.ts';
import { DeskError, isTransient } from '../../common/errors.ts';
import { ENDPOINTS, QUERY, fillPath } from '../../common/endpoints.ts';
import type { EndpointName, HttpMethod } from '../../common/endpoints.ts';
import { isPersistentReadFailure } from './envelope.ts';
import type { ReadContext, ReadProblem, SuccessReply } from './envelope.ts';
import { errorFromFailure, errorFromResponse } from './http-errors.ts';
import { protectSecret } from '../log.ts';
import { redactor } from '../redact.ts';
import type { RequestContext } from './http-errors.ts';

export interface BillProConnection {
  /** e.g. `https://app.bill.pro/api/v1`; a trailing slash is fine. */
  baseUrl: string;
  token: string;
  /** Required by BillPro when the token reaches several merchant profiles (§1.3). */
  profileId?: number | null;
}

export interface TransportOptions {
  /** Per attempt, including reading the body. Default 15 000. */
  timeoutMs?: number;
  /** GET attempts in all, the first included. Default 3. POST/PUT always get exactly one. */
  maxAttempts?: number;
  /** Backoff before retry n is random(0, min(cap, base·2^(n-1))). Defaults 300 and 5 000. */
  backoffBaseMs?: number;
  backoffCapMs?: number;
  /** A 429 asking to wait longer than this is not retried here; the error carries retryAfterMs. Default 30 000. */
  maxRetryAfterMs?: number;
  /**
   * The largest answer body read, in bytes. A larger `Content-Length` is refused before reading;
   * a body without one is streamed and cut off at this size. Default 32 MiB.
   */
  maxBodyBytes?: number;
  userAgent?: string;
  /** Told about each attempt's outcome (for connectivity); carries no token. */
  onAttempt?: (attempt: AttemptReport) => void;
  /** Told about each record Desk could not read (shapes only, no values). */
  onReadProblem?: (problem: ReadProblem) => void;
  /** Told each 2xx answer's text, for the compatibility check (which reports shapes only). */
  onSuccessBody?: (endpoint: EndpointName, text: string) => void;
}

export interface AttemptReport {
  endpoint: EndpointName;
  method: HttpMethod;
  attempt: number;
  /** HTTP status when an answer came back. */
  status?: number;
  /** Set when the attempt failed. */
  code?: DeskError['code'];
  /** A 429's Retry-After, in ms. */
  retryAfterMs?: number;
  durationMs: number;
}

export interface Call<T> {
  endpoint: EndpointName;
  pathParams?: Record<string, number>;
  query?: Record<string, string | number | undefined>;
  /** The body inside the endpoint's root key; omitted for bodiless requests. */
  body?: unknown;
  subject: string;
  signal?: AbortSignal | undefined;
  read: (reply: SuccessReply, ctx: ReadContext) => T;
}

const DEFAULTS = {
  timeoutMs: 15_000,
  maxAttempts: 3,
  backoffBaseMs: 300,
  backoffCapMs: 5_000,
  maxRetryAfterMs: 30_000,
  maxBodyBytes: 32 * 1024 * 1024,
  userAgent: 'BillPro Desk',
};

/** BillPro tokens are printable ASCII without spaces; anything else cannot be a token and may not fit a header. */
const UNSENDABLE = /[^\x21-\x7e]/;

export class Transport {
  readonly #baseUrl: string;
  readonly #token: string;
  readonly #redactor: (text: string) => string;
  readonly #profileId: number | null;
  readonly #host: string;
  readonly #options: Required<Omit<TransportOptions, 'onAttempt' | 'onReadProblem' | 'onSuccessBody'>>;
  readonly #onSuccessBody: ((endpoint: EndpointName, text: string) => void) | undefined;
  readonly #onReadProblem: ((problem: ReadProblem) => void) | undefined;
  readonly #onAttempt: TransportOptions['onAttempt'];

  constructor(connection: BillProConnection, options: TransportOptions = {}) {
    let url: URL;
    try {
      url = new URL(connection.baseUrl.trim());
    } catch {
      throw new DeskError(
        'BAD_INPUT',
        'The API base URL is not a web address. It looks like https://app.bill.pro/api/v1.',
      );
    }
    // The last gate before the token leaves: never in clear text to another computer.
    const problem = baseUrlProblem(url.href);
    if (problem) throw new DeskError('BAD_INPUT', problem);
    // Pasted tokens often bring a trailing newline; the token itself has no spaces.
    const token = connection.token.trim();
    if (!token || UNSENDABLE.test(token)) {
      throw new DeskError(
        'AUTH_INVALID',
        token
          ? 'The API token contains characters that cannot be sent. Copy it again from BillPro (User Details) and paste it in Settings.'
          : 'No API token is set. Paste the token from BillPro (User Details) in Settings.',
      );
    }
    const profileId = connection.profileId ?? null;
    if (profileId !== null && !(Number.isInteger(profileId) && profileId > 0)) {
      throw new DeskError(
        'BAD_INPUT',
        'The profile ID must be a whole number, as shown under User Details → Merchants in BillPro.',
      );
    }
    url.search = '';
    url.hash = '';
    this.#baseUrl = url.href.replace(/\/+$/, '');
    this.#host = url.host;
    this.#token = token;
    protectSecret(token);
    this.#redactor = redactor([token], '[token]');
    this.#profileId = profileId;
    this.#options = {
      timeoutMs: positive(options.timeoutMs, DEFAULTS.timeoutMs),
      maxAttempts: Math.max(1, Math.floor(positive(options.maxAttempts, DEFAULTS.maxAttempts))),
      backoffBaseMs: nonNegative(options.backoffBaseMs, DEFAULTS.backoffBaseMs),
      backoffCapMs: nonNegative(options.backoffCapMs, DEFAULTS.backoffCapMs),
      maxRetryAfterMs: nonNegative(options.maxRetryAfterMs, DEFAULTS.maxRetryAfterMs),
      maxBodyBytes: Math.floor(positive(options.maxBodyBytes, DEFAULTS.maxBodyBytes)),
      userAgent: options.userAgent ?? DEFAULTS.userAgent,
    };
    this.#onAttempt = options.onAttempt;
    this.#onReadProblem = options.onReadProblem;
    this.#onSuccessBody = options.onSuccessBody;
  }

  get profileId(): number | null {
    return this.#profileId;
  }

  /** Send the call (retrying GETs) and return what `call.read` made of the 2xx answer. */
  async send<T>(call: Call<T>): Promise<T> {
    const endpoint = ENDPOINTS[call.endpoint];
    const method: HttpMethod = endpoint.method;
    const url = this.#url(endpoint.path, call.pathParams, call.query);
    const headers: Record<string, string> = {
      authorization: `Bearer ${this.#token}`,
      accept: 'application/json',
      'user-agent': this.#options.userAgent,
    };
    let body: string | undefined;
    if (call.body !== undefined) {
      const root = 'bodyRoot' in endpoint ? endpoint.bodyRoot : undefined;
      body = JSON.stringify(root ? { [root]: call.body } : call.body);
      headers['content-type'] = 'application/json';
    }
    const ctx: RequestContext = {
      endpoint: call.endpoint,
      method,
      subject: call.subject,
      host: this.#host,
      profileId: this.#profileId,
      timeoutMs: this.#options.timeoutMs,
      redact: (text) => this.#redact(text),
    };

    for (let attempt = 1; ; attempt++) {
      call.signal?.throwIfAborted();
      const started = Date.now();
      try {
        const result = await this.#attempt(call, url, { method, headers, body }, ctx);
        this.#report({
          endpoint: call.endpoint,
          method,
          attempt,
          status: result.status,
          durationMs: Date.now() - started,
        });
        return result.value;
      } catch (error) {
        if (!(error instanceof DeskError)) throw error;
        this.#report({
          endpoint: call.endpoint,
          method,
          attempt,
          ...(error.status === undefined ? {} : { status: error.status }),
          code: error.code,
          ...(error.retryAfterMs === undefined ? {} : { retryAfterMs: error.retryAfterMs }),
          durationMs: Date.now() - started,
        });
        const wait = this.#retryDelay(error, attempt, method);
        if (wait === null) throw error;
        await sleep(wait, call.signal);
      }
    }
  }

  async #attempt<T>(
    call: Call<T>,
    url: string,
    init: { method: HttpMethod; headers: Record<string, string>; body: string | undefined },
    ctx: RequestContext,
  ): Promise<{ value: T; status: number }> {
    const timer = new AbortController();
    const handle = setTimeout(
      () => timer.abort(new DOMException('BillPro request timed out', 'TimeoutError')),
      ctx.timeoutMs,
    );
    const signal = call.signal ? AbortSignal.any([call.signal, timer.signal]) : timer.signal;
    // Decides between "the caller cancelled" (rethrow its reason) and a DeskError.
    const fail = (failure: unknown): unknown => {
      if (call.signal?.aborted) return call.signal.reason;
      return errorFromFailure(ctx, failure, timer.signal.aborted);
    };
    try {
      let response: Response;
      try {
        response = await fetch(url, {
          method: init.method,
          headers: init.headers,
          ...(init.body === undefined ? {} : { body: init.body }),
          signal,
          // A redirect could carry the token to another host; it becomes an error instead.
          redirect: 'manual',
        });
      } catch (failure) {
        throw fail(failure);
      }
      let text: string;
      try {
        text = await readCapped(response, this.#options.maxBodyBytes, ctx);
      } catch (failure) {
        if (failure instanceof DeskError) throw failure;
        throw fail(failure);
      }
      const contentType = response.headers.get('content-type') ?? '';
      if (response.status >= 200 && response.status < 300) {
        const readCtx: ReadContext = {
          subject: ctx.subject,
          write: init.method !== 'GET',
          redact: ctx.redact,
          report: this.#onReadProblem,
        };
        this.#onSuccessBody?.(call.endpoint, text);
        const value = call.read({ status: response.status, text, contentType }, readCtx);
        return { value, status: response.status };
      }
      throw errorFromResponse(ctx, { status: response.status, text, contentType, headers: response.headers });
    } finally {
      clearTimeout(handle);
    }
  }

  /** Milliseconds to wait before the next attempt, or null when this error is final. */
  #retryDelay(error: DeskError, attempt: number, method: HttpMethod): number | null {
    if (method !== 'GET' || attempt >= this.#options.maxAttempts) return null;
    // The same oversized answer would come back: asking again only costs BillPro and memory.
    if (isOversizedBody(error)) return null;
    if (!isTransient(error.code) || isPersistentReadFailure(error)) return null;
    if (error.code === 'RATE_LIMITED' && error.retryAfterMs !== undefined) {
      // Waiting longer here would freeze the caller; it gets the error and can schedule a retry.
      return error.retryAfterMs > this.#options.maxRetryAfterMs ? null : error.retryAfterMs;
    }
    const ceiling = Math.min(this.#options.backoffCapMs, this.#options.backoffBaseMs * 2 ** (attempt - 1));
    return Math.random() * ceiling;
  }

  #url(
    template: string,
    pathParams: Record<string, number> | undefined,
    query: Call<unknown>['query'],
  ): string {
    const url = new URL(this.#baseUrl + fillPath(template, pathParams));
    for (const [name, value] of Object.entries(query ?? {})) {
      if (value !== undefined && value !== '') url.searchParams.set(name, String(value));
    }
    if (this.#profileId !== null) url.searchParams.set(QUERY.profileId, String(this.#profileId));
    return url.href;
  }

  #redact(text: string): string {
    return this.#redactor(text);
  }

  #report(report: AttemptReport): void {
    try {
      this.#onAttempt?.(report);
    } catch {
      // An observer's bug must not turn a good answer into a failure.
    }
  }
}

const oversized = new WeakSet<DeskError>();

/** True for the error of an answer larger than `maxBodyBytes` (never retried). */
export function isOversizedBody(error: unknown): boolean {
  return error instanceof DeskError && oversized.has(error);
}

function tooLarge(ctx: RequestContext, limit: number, declared: number | null): DeskError {
  const mib = (bytes: number) => `${Math.round((bytes / 1024 / 1024) * 10) / 10} MiB`;
  const size = declared === null ? `more than ${mib(limit)}` : mib(declared);
  const error = new DeskError(
    'SERVER',
    `BillPro's answer for ${ctx.subject} is ${size}, above the ${mib(limit)} Desk reads in one answer, so Desk did not use it and left its copy as it was.`,
  );
  oversized.add(error);
  return error;
}

/**
 * The body as text, never more than `limit` bytes in memory: a declared `Content-Length` above
 * the limit is refused without reading; otherwise the stream is read chunk by chunk and
 * cancelled as soon as it passes the limit.
 */
async function readCapped(response: Response, limit: number, ctx: RequestContext): Promise<string> {
  const declaredText = response.headers.get('content-length');
  const declared = declaredText !== null && /^\d+$/.test(declaredText.trim()) ? Number(declaredText) : null;
  if (declared !== null && declared > limit) {
    await response.body?.cancel().catch(() => undefined);
    throw tooLarge(ctx, limit, declared);
  }
  if (!response.body) return '';
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limit) {
      await reader.cancel().catch(() => undefined);
      throw tooLarge(ctx, limit, null);
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks, size).toString('utf8');
}

function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(signal.reason);
      return;
    }
    const onAbort = (): void => {
      clearTimeout(handle);
      reject(signal?.reason);
    };
    const handle = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

function positive(value: number | undefined, fallback: number): number {
  return value !== undefined && Number.isFinite(value) && value > 0 ? value : fallback;
}

function nonNegative(value: number | undefined, fallback: number): number {
  return value !== undefined && Number.isFinite(value) && value >= 0 ? value : fallback;
}
