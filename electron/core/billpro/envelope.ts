/**
 * Reading BillPro's success bodies. Whether BillPro wraps a resource (`{"order": {…}}`) or a list
 * (`{"products": […]}`, `{"data": […]}`) is a GAP (billpro-api.md §5.2); the seed and the sandbox
 * send them bare. `unwrapEnvelope` accepts every one of these shapes, so correcting the guess
 * against the real API is an edit to `ENVELOPE_ROOTS` or that function only.
 */
import type { z } from 'zod';
import { DeskError } from '../../common/errors.ts';
import type { EndpointName } from '../../common/endpoints.ts';
import { assumptionOfField, isAssumptionId, type AssumptionId } from './assumptions.ts';

export interface SuccessReply {
  status: number;
  text: string;
  contentType: string;
}

/** What a request was, for messages. */
export interface ReadContext {
  subject: string;
  /** True for POST/PUT: a 2xx means BillPro did act, even if Desk cannot read what it said. */
  write: boolean;
  redact: (text: string) => string;
  /** Told about every record Desk could not read (set aside from a list, or a whole answer). */
  report?: ((problem: ReadProblem) => void) | undefined;
}

/**
 * The shape of a value: its keys and the types of their values, never the values themselves, so
 * a report can go to BillPro support without a customer's data or a token.
 */
export type Shape = string | { [key: string]: Shape } | Shape[];

export function shapeOf(value: unknown, depth = 0): Shape {
  if (value === null) return 'null';
  if (Array.isArray(value)) return depth > 4 || value.length === 0 ? `array(${value.length})` : [shapeOf(value[0], depth + 1)];
  if (typeof value === 'object') {
    if (depth > 4) return 'object';
    const shape: Record<string, Shape> = {};
    for (const [key, inner] of Object.entries(value as Record<string, unknown>)) shape[key] = shapeOf(inner, depth + 1);
    return shape;
  }
  return typeof value;
}

/** One record Desk could not read: where it was, what failed, which assumption that breaks. */
export interface ReadProblem {
  endpoint: EndpointName;
  subject: string;
  /** Position in the list (0-based), or null for a single record. */
  index: number | null;
  /** The record's id when it could be read, so the cached copy is kept, not deleted. */
  id: number | null;
  /** Dotted paths of the failing fields with what was wrong (no values). */
  issues: string[];
  assumptions: AssumptionId[];
  shape: Shape;
}

interface ListMeta {
  received: number;
  setAside: ReadProblem[];
}
const listMeta = new WeakMap<object, ListMeta>();

/** How many records BillPro sent on this page, the unreadable ones included (paging needs it). */
export function receivedCount(list: readonly unknown[]): number {
  return listMeta.get(list)?.received ?? list.length;
}

/** The records of this page that were set aside because Desk could not read them. */
export function setAsideOf(list: readonly unknown[]): readonly ReadProblem[] {
  return listMeta.get(list)?.setAside ?? [];
}

/** ASSUMPTION: the root keys BillPro would use if it wrapped its answers (Rails-style names). */
export const ENVELOPE_ROOTS: Record<EndpointName, readonly string[]> = {
  listProducts: ['products'],
  getProduct: ['product'],
  createCustomer: ['customer'],
  listCustomers: ['customers'],
  getCustomer: ['customer'],
  updateCustomer: ['customer'],
  createSingleOrder: ['order'],
  createInstalmentOrder: ['order'],
  createSubscriptionOrder: ['order'],
  createMeteredOrder: ['order'],
  listOrders: ['orders'],
  getOrder: ['order'],
  cancelOrder: ['order'],
  pauseOrder: ['order'],
  resumeOrder: ['order'],
  renewCheckout: ['order_checkout', 'checkout'],
  listScheduledPayments: ['scheduled_payments'],
  updateScheduledPayment: ['scheduled_payment'],
};

/** Every envelope also tried: the JSON:API-ish `{"data": …}`. */
const GENERIC_ROOT = 'data';

/**
 * The resource (or list) inside a success body. A bare resource never has a field named after its
 * own root or `data`, so seeing one of those keys with a suitable value means "wrapped".
 */
export function unwrapEnvelope(body: unknown, endpoint: EndpointName, kind: 'one' | 'list'): unknown {
  if (!isRecord(body)) return body;
  for (const key of [...ENVELOPE_ROOTS[endpoint], GENERIC_ROOT]) {
    const inner = body[key];
    if (kind === 'list' ? Array.isArray(inner) : isRecord(inner)) return inner;
  }
  return body;
}

/** Read failures that another attempt cannot fix (the body parsed, but has the wrong shape). */
const persistent = new WeakSet<DeskError>();

export function isPersistentReadFailure(error: unknown): boolean {
  return error instanceof DeskError && persistent.has(error);
}

/** Parse a success body as one resource. */
export function readOne<S extends z.ZodType>(
  reply: SuccessReply,
  endpoint: EndpointName,
  schema: S,
  ctx: ReadContext,
): z.output<S> {
  const body = unwrapEnvelope(readJson(reply, ctx), endpoint, 'one');
  return check(schema, body, reply, ctx, endpoint);
}

/** Parse a success body as a list of resources. */
export function readList<S extends z.ZodType>(
  reply: SuccessReply,
  endpoint: EndpointName,
  schema: S,
  ctx: ReadContext,
): z.output<S>[] {
  const body = unwrapEnvelope(readJson(reply, ctx), endpoint, 'list');
  if (!Array.isArray(body)) {
    ctx.report?.(problemOf(endpoint, ctx, null, body, [{ path: [], message: 'a list was expected', params: { assumption: 'envelope.bare' } }]));
    throw unreadable(reply, ctx, 'a list was expected', true);
  }
  // One record Desk cannot read is set aside (and reported); the rest of the page is used. Only
  // a page of which nothing can be read fails as a whole: that is a different format, not a slip.
  const items: z.output<S>[] = [];
  const setAside: ReadProblem[] = [];
  let firstFailure: z.core.$ZodIssue[] | null = null;
  for (const [index, item] of body.entries()) {
    const parsed = schema.safeParse(item);
    if (parsed.success) {
      items.push(parsed.data);
      continue;
    }
    firstFailure ??= parsed.error.issues;
    const problem = problemOf(endpoint, ctx, index, item, parsed.error.issues);
    setAside.push(problem);
    ctx.report?.(problem);
  }
  if (body.length > 0 && items.length === 0 && firstFailure) {
    throw unreadable(reply, ctx, `no item could be read; item 1: ${describe(firstFailure)}. This BillPro may use a newer format than Desk knows`, true);
  }
  listMeta.set(items, { received: body.length, setAside });
  return items;
}

function problemOf(
  endpoint: EndpointName,
  ctx: ReadContext,
  index: number | null,
  value: unknown,
  issues: readonly { path: readonly PropertyKey[]; message: string; params?: Record<string, unknown> | undefined }[],
): ReadProblem {
  const assumptions = new Set<AssumptionId>();
  for (const issue of issues) {
    const named = issue.params?.assumption;
    assumptions.add(isAssumptionId(named) ? named : assumptionOfField(issue.path, endpoint));
  }
  const rawId = isRecord(value) ? value.id : undefined;
  const id =
    typeof rawId === 'number' && Number.isSafeInteger(rawId) && rawId > 0
      ? rawId
      : typeof rawId === 'string' && /^\d+$/.test(rawId) && Number.isSafeInteger(Number(rawId))
        ? Number(rawId)
        : null;
  return {
    endpoint,
    subject: ctx.subject,
    index,
    id,
    issues: issues.slice(0, 5).map((issue) => `${issue.path.length ? issue.path.join('.') : 'the answer'}: ${lowerFirst(issue.message)}`),
    assumptions: [...assumptions],
    shape: shapeOf(value),
  };
}

function describe(issues: readonly z.core.$ZodIssue[]): string {
  return issues
    .slice(0, 3)
    .map((issue) => `${issue.path.length ? issue.path.join('.') : 'the answer'} ${lowerFirst(issue.message)}`)
    .join('; ');
}

/**
 * For state changes whose answer is a GAP (cancel/pause/resume, billpro-api.md §5.12): the
 * resource if the body carries one, or `null` for an acknowledgement without it (empty body,
 * `{}`, `{"success": true}`), which tells the caller to read the resource afresh.
 */
export function readOneOrAcknowledgement<S extends z.ZodType>(
  reply: SuccessReply,
  endpoint: EndpointName,
  schema: S,
  ctx: ReadContext,
): z.output<S> | null {
  if (!reply.text.trim() || reply.status === 204) return null;
  const body = unwrapEnvelope(readJson(reply, ctx), endpoint, 'one');
  if (body === null || (isRecord(body) && !('id' in body))) return null;
  return check(schema, body, reply, ctx, endpoint);
}

function readJson(reply: SuccessReply, ctx: ReadContext): unknown {
  const text = reply.text;
  if (/html/i.test(reply.contentType) || /^\s*</.test(text)) {
    throw unreadable(
      reply,
      ctx,
      'it sent a web page instead of data. Check the API base URL in Settings',
      true,
    );
  }
  if (!text.trim()) throw unreadable(reply, ctx, 'the answer was empty', false);
  try {
    return JSON.parse(text) as unknown;
  } catch {
    // Truncated JSON is what a cut connection looks like; a second try may well succeed.
    throw unreadable(reply, ctx, 'the answer was not valid JSON', false);
  }
}

function check<S extends z.ZodType>(
  schema: S,
  value: unknown,
  reply: SuccessReply,
  ctx: ReadContext,
  endpoint: EndpointName,
): z.output<S> {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  ctx.report?.(problemOf(endpoint, ctx, null, value, parsed.error.issues));
  throw unreadable(
    reply,
    ctx,
    `${describe(parsed.error.issues)}. This BillPro may use a newer format than Desk knows`,
    true,
  );
}

function unreadable(reply: SuccessReply, ctx: ReadContext, why: string, isPersistent: boolean): DeskError {
  const saved = ctx.write ? ' BillPro did accept the request, so the change was probably saved.' : '';
  const error = new DeskError(
    'SERVER',
    ctx.redact(`BillPro answered with something Desk could not read for ${ctx.subject}: ${why}.${saved}`),
    // A write that got a 2xx did happen; the outbox must look the result up, not resend it.
    { status: reply.status, outcomeUnknown: ctx.write },
  );
  if (isPersistent) persistent.add(error);
  return error;
}

function lowerFirst(text: string): string {
  return text.charAt(0).toLowerCase() + text.slice(1);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
