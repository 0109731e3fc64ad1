/**
 * How a failed BillPro exchange becomes a DeskError. BillPro documents no error bodies or status
 * table (billpro-api.md §1.6, GAP), so every guess about them lives in this file:
 * `errorFromResponse` for answers with a non-2xx status, `errorFromFailure` for exchanges that got
 * no answer at all.
 *
 * Strings that come from the server pass through `ctx.redact` before they reach a message, so a
 * server that echoes the request cannot smuggle the token into an error.
 */
import { DeskError } from '../../common/errors.ts';
import type { FieldErrors } from '../../common/errors.ts';
import type { EndpointName, HttpMethod } from '../../common/endpoints.ts';
import { CustomerInput, ErrorBody, OrderInput, ScheduledPaymentUpdate, ValidationErrorBody } from '../../common/wire.ts';
import { readHttpDate } from '../../common/time.ts';

/** What the error messages may say about the request. Never holds the token. */
export interface RequestContext {
  endpoint: EndpointName;
  method: HttpMethod;
  /** Human words for what was asked, e.g. "order 1001", "a new customer". */
  subject: string;
  /** `host:port` of the BillPro server, for network messages. */
  host: string;
  profileId: number | null;
  timeoutMs: number;
  redact: (text: string) => string;
}

export interface FailedReply {
  status: number;
  text: string;
  contentType: string;
  headers: Headers;
}

export const AUTH_INVALID_MESSAGE =
  'BillPro refused the API token: it may have been revoked or mistyped. Replace the token in Settings.';

/** ASSUMPTION: keys that carry whole-request messages rather than per-field ones (Rails' `base`). */
const NON_FIELD_KEYS = new Set(['error', 'errors', 'base', 'message']);

/**
 * ASSUMPTION: BillPro's refusals of illegal state changes are recognised by their wording
 * ("already cancelled", "cannot be updated", "only active subscriptions can be paused" …).
 */
const CONFLICT_WORDING = new RegExp(
  [
    String.raw`\balready\b`,
    String.raw`\bcan(?:not|'t| not) be\b`,
    String.raw`\bnot allowed\b`,
    String.raw`\bno longer\b`,
    String.raw`\bonly\b.*\bcan\b`,
    String.raw`\binvalid (?:state|status|transition)\b`,
    // "Order is complete: …" — a refusal that names the current status is about that status.
    String.raw`\bis (?:not )?(?:draft|pending|rejected|active|failed|suspended|paused|review|cancelled|complete|scheduled|skipped|merged|recovered|soft-declined|hard-declined)\b`,
  ].join('|'),
  'i',
);

/**
 * Not-found in words: "Not found", "Record not found", Rails' "Couldn't find Order with 'id'=7",
 * "does not exist", "no such …".
 */
const NOT_FOUND_WORDING = /\bnot[ _]found\b|\bdoes not exist\b|\bno such\b|\bcould(?:n[’']t| not) find\b/i;

/** The audit's not-found body, `{"error":"Bad Request"}` with 422 (billpro-api.md §1.6). */
const GENERIC_BAD_REQUEST = /^bad request\.?$/i;

/** Reads of one record (or of the undocumented order list), where a bare 422 can only mean "no such". */
const READS_BY_ID = new Set<EndpointName>(['getProduct', 'getCustomer', 'getOrder', 'listOrders', 'listScheduledPayments']);

/**
 * True when an error answer means "BillPro has no such record": 404/410; a 400/422 whose words
 * say so; or, for a read of one record, a 422 with no field errors and only a generic message
 * (assumption `errors.not-found-as-422`).
 */
export function meansNotFound(
  status: number,
  endpoint: EndpointName,
  method: HttpMethod,
  fields: FieldErrors | undefined,
  serverText: string | undefined,
): boolean {
  if (status === 404 || status === 410) return true;
  if (status !== 400 && status !== 422) return false;
  if (fields) return false;
  if (serverText && NOT_FOUND_WORDING.test(serverText)) return true;
  return (
    status === 422 &&
    method === 'GET' &&
    READS_BY_ID.has(endpoint) &&
    (serverText === undefined || GENERIC_BAD_REQUEST.test(serverText))
  );
}

const PROFILE_REQUIRED_WORDING = /profile_id/i;

/** The one mapping from an HTTP error answer to a Desk error code. */
export function errorFromResponse(
  ctx: RequestContext,
  reply: FailedReply,
  now: number = Date.now(),
): DeskError {
  const { status } = reply;
  const write = ctx.method !== 'GET';
  const body = parseJson(reply.text);
  const fields = fieldErrors(body, ctx.redact);
  const serverText = serverMessage(body, ctx.redact);
  const said = serverText ? ` BillPro said: “${serverText}”` : '';

  if (status === 401) return new DeskError('AUTH_INVALID', AUTH_INVALID_MESSAGE, { status });

  if (
    (status === 400 || status === 422) &&
    serverText &&
    PROFILE_REQUIRED_WORDING.test(serverText) &&
    /required|missing|must/i.test(serverText)
  ) {
    return new DeskError(
      'PROFILE_REQUIRED',
      `This API token reaches more than one merchant profile, so BillPro needs to know which one to use. Enter the profile ID in Settings.${said}`,
      { status },
    );
  }

  if (status === 403) {
    const which = ctx.profileId === null ? 'this merchant profile' : `merchant profile ${ctx.profileId}`;
    return new DeskError(
      'FORBIDDEN',
      `BillPro refused access to ${which}: this API user may not reach it. Check the profile ID in Settings, or the user's merchants in BillPro.${said}`,
      { status },
    );
  }

  // The audit says BillPro answers not-found with 422 (billpro-api.md §1.6): judged by its words
  // and by what was asked.
  if (meansNotFound(status, ctx.endpoint, ctx.method, fields, serverText)) {
    return new DeskError(
      'NOT_FOUND',
      `BillPro has no ${ctx.subject}. It may have been removed, or it belongs to another merchant profile.`,
      { status },
    );
  }

  if (status === 429) {
    const retryAfterMs = parseRetryAfter(reply.headers.get('retry-after'), now);
    const when =
      retryAfterMs === undefined ? 'in a moment' : `in ${Math.max(1, Math.ceil(retryAfterMs / 1000))} s`;
    return new DeskError(
      'RATE_LIMITED',
      `BillPro is limiting how fast Desk may send requests. Desk will try again ${when}.`,
      { status, ...(retryAfterMs === undefined ? {} : { retryAfterMs }) },
    );
  }

  if (status >= 500) {
    const maybeSaved = write ? ' The change may or may not have been saved.' : '';
    return new DeskError(
      'SERVER',
      `BillPro had a problem (HTTP ${status}) while handling ${ctx.subject}. Try again in a moment.${maybeSaved}`,
      { status, outcomeUnknown: write },
    );
  }

  if (status >= 300 && status < 400) {
    const location = reply.headers.get('location');
    const where = location ? ` to ${ctx.redact(location)}` : '';
    return new DeskError(
      'BAD_INPUT',
      `BillPro's address redirected${where}. Desk does not follow redirects with your token; check the API base URL in Settings.`,
      { status },
    );
  }

  if (fields && (status === 422 || status === 400)) {
    return new DeskError('VALIDATION', `BillPro did not accept ${ctx.subject}: ${describeFields(fields)}.`, {
      status,
      fields,
    });
  }

  if (status === 409 || (serverText && CONFLICT_WORDING.test(serverText))) {
    return new DeskError(
      'CONFLICT',
      serverText
        ? `BillPro refused to change ${ctx.subject}: ${serverText}`
        : `BillPro refused to change ${ctx.subject} in its current state (HTTP ${status}).`,
      { status },
    );
  }

  return new DeskError(
    'BAD_INPUT',
    serverText
      ? `BillPro did not accept the request for ${ctx.subject}: ${serverText}`
      : `BillPro did not accept the request for ${ctx.subject} (HTTP ${status}).`,
    { status, ...(fields ? { fields } : {}) },
  );
}

/** Error codes of Node's network stack that mean the request never left this machine. */
const NOT_SENT_CODES = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EAI_NONAME',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EADDRNOTAVAIL',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_INVALID_ARG',
]);

const TLS_CODE = /^(CERT_|ERR_TLS_|ERR_SSL_|DEPTH_ZERO|UNABLE_TO_|SELF_SIGNED)/;

/**
 * The one mapping from "no answer" to a Desk error. `timedOut` is true when Desk's own per-request
 * timer ended the exchange. The original error is not attached: undici errors can carry request
 * details, and only its code is worth keeping.
 */
export function errorFromFailure(ctx: RequestContext, failure: unknown, timedOut: boolean): DeskError {
  const write = ctx.method !== 'GET';
  if (timedOut) {
    const seconds = Math.round(ctx.timeoutMs / 100) / 10;
    return new DeskError(
      'TIMEOUT',
      `BillPro did not answer within ${seconds} s while handling ${ctx.subject}.${write ? ' The change may or may not have been saved.' : ''}`,
      { outcomeUnknown: write, cause: { code: 'TIMEOUT' } },
    );
  }
  const code = networkCode(failure);
  const cause = { code: code ?? 'UNKNOWN' };
  const notSent = code !== undefined && (NOT_SENT_CODES.has(code) || TLS_CODE.test(code));
  const outcomeUnknown = write && !notSent;
  const maybeSaved = outcomeUnknown ? ' The change may or may not have been saved.' : '';

  let why: string;
  if (code === 'ECONNREFUSED')
    why = 'the connection was refused. Is the address right and the server running?';
  else if (code === 'ENOTFOUND' || code === 'EAI_AGAIN' || code === 'EAI_NONAME')
    why =
      'that server name could not be found. Check the API base URL in Settings and your internet connection.';
  else if (code === 'EHOSTUNREACH' || code === 'ENETUNREACH' || code === 'EADDRNOTAVAIL')
    why = 'the network is unreachable. Check your internet connection.';
  else if (code === 'UND_ERR_CONNECT_TIMEOUT')
    why = 'connecting took too long. Check your internet connection.';
  else if (code !== undefined && TLS_CODE.test(code))
    why = 'its security certificate could not be verified. Check the API base URL in Settings.';
  else why = 'the connection was cut before BillPro answered.';

  return new DeskError('NETWORK', `Desk could not reach BillPro at ${ctx.host}: ${why}${maybeSaved}`, {
    outcomeUnknown,
    cause,
  });
}

/** `Retry-After` as delay-seconds or an HTTP date (RFC 9110 §10.2.3), in milliseconds from `now`. */
export function parseRetryAfter(
  value: string | null | undefined,
  now: number = Date.now(),
): number | undefined {
  if (value === null || value === undefined) return undefined;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Number.parseInt(trimmed, 10) * 1000;
  // Only an HTTP date (IMF-fixdate) is trusted; anything looser is ignored.
  const at = readHttpDate(trimmed);
  if (at === null) return undefined;
  return Math.max(0, at - now);
}

function parseJson(text: string): unknown {
  if (!text.trim()) return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

/** Per-field errors, kept verbatim; also under an `errors` root (a Rails habit, ASSUMPTION). */
function fieldErrors(body: unknown, redact: (text: string) => string): FieldErrors | undefined {
  const candidates = [body];
  if (isRecord(body) && isRecord(body.errors)) candidates.push(body.errors);
  for (const candidate of candidates) {
    const parsed = ValidationErrorBody.safeParse(candidate);
    if (!parsed.success) continue;
    const keys = Object.keys(parsed.data);
    if (!keys.some((key) => !NON_FIELD_KEYS.has(key))) continue;
    const fields: FieldErrors = {};
    for (const key of keys) {
      // A field name Desk does not know is not repeated: it could be anything the server echoed.
      const name = isKnownFieldName(key) ? key : UNKNOWN_FIELD;
      (fields[name] ??= []).push(...(parsed.data[key] ?? []).map(redact));
    }
    return fields;
  }
  return undefined;
}

/** The whole-request message of an error body, if it has one. */
function serverMessage(body: unknown, redact: (text: string) => string): string | undefined {
  const documented = ErrorBody.safeParse(body);
  if (documented.success) return tidy(documented.data.error, redact);
  if (!isRecord(body)) return undefined;
  for (const key of ['error', 'message', 'errors', 'base']) {
    const value = body[key];
    if (typeof value === 'string') return tidy(value, redact);
    if (Array.isArray(value) && value.every((v) => typeof v === 'string') && value.length > 0)
      return tidy(value.join('; '), redact);
  }
  return undefined;
}

function tidy(text: string, redact: (text: string) => string): string | undefined {
  const flat = redact(text).replace(/\s+/g, ' ').trim();
  if (!flat) return undefined;
  return flat.length > 300 ? `${flat.slice(0, 299)}…` : flat;
}

function describeFields(fields: FieldErrors): string {
  return Object.entries(fields)
    .map(([field, messages]) =>
      field === UNKNOWN_FIELD ? `another field: ${messages.join(', ')}` : `${field.replace(/_/g, ' ')} ${messages.join(', ')}`,
    )
    .join('; ');
}

/** Where the messages of field names Desk does not know go (never the name itself). */
export const UNKNOWN_FIELD = '_';

/** Every field name Desk sends in a request body, at any depth. */
const KNOWN_FIELD_NAMES: ReadonlySet<string> = new Set([
  ...NON_FIELD_KEYS,
  ...fieldNamesOf(CustomerInput),
  ...fieldNamesOf(OrderInput),
  ...fieldNamesOf(ScheduledPaymentUpdate),
  'customer',
  'order',
  'scheduled_payment',
]);

function fieldNamesOf(schema: unknown, into: Set<string> = new Set()): Set<string> {
  // zod 4: objects expose `shape`; optional, nullable, array and pipe wrappers hold the inner type.
  const node = schema as { shape?: Record<string, unknown>; def?: { innerType?: unknown; element?: unknown; in?: unknown } };
  if (node.shape) {
    for (const [name, inner] of Object.entries(node.shape)) {
      into.add(name);
      fieldNamesOf(inner, into);
    }
  }
  for (const inner of [node.def?.innerType, node.def?.element, node.def?.in]) if (inner) fieldNamesOf(inner, into);
  return into;
}

/** `phone`, `addresses.billing_address.city`, `order_products[0].qty`: each part a known name or an index. */
function isKnownFieldName(key: string): boolean {
  if (key.length > 120) return false;
  const parts = key.split(/[.[\]]+/).filter((p) => p !== '');
  return parts.length > 0 && parts.every((p) => KNOWN_FIELD_NAMES.has(p) || /^\d{1,4}$/.test(p));
}

/** The network error code somewhere in undici's `TypeError: fetch failed` cause chain. */
function networkCode(failure: unknown): string | undefined {
  const seen = new Set<unknown>();
  const queue: unknown[] = [failure];
  while (queue.length > 0) {
    const current = queue.shift();
    if (!isRecord(current) || seen.has(current)) continue;
    seen.add(current);
    if (typeof current.code === 'string' && current.code !== 'ABORT_ERR') return current.code;
    queue.push(current.cause);
    if (Array.isArray(current.errors)) queue.push(...(current.errors as unknown[]));
  }
  return undefined;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
