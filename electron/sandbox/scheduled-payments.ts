/**
 * Billing events of an order: list, and the documented updates (billpro-api.md §2.7, §4.2) —
 * skip, cancel, retry/reschedule, change the amount, change a subscription's interval.
 */
import {
  DURATION_UNITS,
  SETTABLE_SCHEDULED_PAYMENT_STATUSES,
  type ScheduledPaymentStatus,
} from '../common/wire.ts';
import { notFound, pageOf, pathId, type ApiContext } from './api-context.ts';
import { iso, parseIsoDateTime } from './dates.ts';
import { httpError, type JsonObject } from './http.ts';
import { ensureNextSubscriptionPayment, settleInstalment } from './lifecycle.ts';
import { formatMinor, readMinor } from './money.ts';
import { findOrder } from './orders.ts';
import type { ScheduledPaymentRecord } from './records.ts';
import { BLANK, FieldErrors, INVALID, NOT_A_NUMBER, NOT_INCLUDED, readOptionalText } from './validation.ts';

/** Only these may be updated; complete, review, merged and recovered events are history. */
const UPDATABLE: ReadonlySet<ScheduledPaymentStatus> = new Set([
  'scheduled',
  'soft-declined',
  'hard-declined',
  'paused',
]);

export function listScheduledPayments(context: ApiContext): ScheduledPaymentRecord[] {
  const order = findOrder(context);
  return pageOf(context.state.paymentsOf(order.id), context);
}

interface PaymentChanges {
  status: (typeof SETTABLE_SCHEDULED_PAYMENT_STATUSES)[number] | null;
  amount: number | null;
  scheduledAt: number | null;
  interval: number | null;
  unit: (typeof DURATION_UNITS)[number] | null;
}

function readChanges(body: JsonObject, errors: FieldErrors, nowMs: number): PaymentChanges {
  const statusText = readOptionalText(body, 'status', errors);
  const status = SETTABLE_SCHEDULED_PAYMENT_STATUSES.find((s) => s === statusText) ?? null;
  if (statusText !== null && status === null) errors.add('status', NOT_INCLUDED);

  let amount: number | null = null;
  if (body.amount !== undefined && body.amount !== null) {
    amount = readMinor(body.amount);
    if (amount === null) errors.add('amount', NOT_A_NUMBER);
    else if (amount <= 0) errors.add('amount', 'must be greater than 0');
  }

  let scheduledAt: number | null = null;
  const atText = readOptionalText(body, 'scheduled_at', errors);
  if (atText !== null) {
    scheduledAt = parseIsoDateTime(atText);
    if (scheduledAt === null) errors.add('scheduled_at', INVALID);
    else if (scheduledAt <= nowMs) errors.add('scheduled_at', 'must be in the future');
  }

  let interval: number | null = null;
  const intervalValue = body.scheduled_interval;
  if (intervalValue !== undefined && intervalValue !== null) {
    interval =
      typeof intervalValue === 'string' && /^\d+$/.test(intervalValue.trim()) ? Number(intervalValue) : null;
    if (typeof intervalValue === 'number') interval = intervalValue;
    if (interval === null || !Number.isInteger(interval)) errors.add('scheduled_interval', NOT_A_NUMBER);
    else if (interval < 1) errors.add('scheduled_interval', 'must be greater than or equal to 1');
  }

  const unitText = readOptionalText(body, 'scheduled_duration_unit', errors);
  const unit = DURATION_UNITS.find((u) => u === unitText?.toUpperCase()) ?? null;
  if (unitText !== null && unit === null) errors.add('scheduled_duration_unit', NOT_INCLUDED);

  return { status, amount, scheduledAt, interval, unit };
}

export function updateScheduledPayment(context: ApiContext): ScheduledPaymentRecord {
  const { state } = context;
  const payment = state.scheduledPayments.get(pathId(context));
  const order = payment ? context.data.ordersById.get(payment.order_id) : undefined;
  if (!payment || !order) throw notFound(context);
  if (!UPDATABLE.has(payment.status)) {
    throw httpError(422, `Scheduled payment is ${payment.status}: it cannot be updated`);
  }

  const errors = new FieldErrors();
  const changes = readChanges(context.body, errors, state.clock.now());
  const declined = payment.status === 'soft-declined' || payment.status === 'hard-declined';
  if (
    changes.status === 'scheduled' &&
    declined &&
    changes.scheduledAt === null &&
    !errors.has('scheduled_at')
  ) {
    // A retry needs a new future date and time (billpro-api.md §2.7).
    errors.add('scheduled_at', BLANK);
  }
  if (changes.interval !== null || changes.unit !== null) {
    const field = changes.interval !== null ? 'scheduled_interval' : 'scheduled_duration_unit';
    const payments = state.paymentsOf(order.id);
    const last = payments.reduce<ScheduledPaymentRecord | undefined>(
      (latest, p) => (!latest || p.scheduled_at > latest.scheduled_at ? p : latest),
      undefined,
    );
    if (order.order_type !== 'subscription') errors.add(field, 'can only be changed for subscription orders');
    else if (last?.id !== payment.id) errors.add(field, 'can only be changed on the last scheduled payment');
  }
  errors.check();

  const now = state.nowIso();
  if (changes.amount !== null) {
    payment.amount = formatMinor(changes.amount);
    // For subscriptions the new amount carries on to future billing events.
    if (order.order_type === 'subscription') order.monthly_amount = payment.amount;
  }
  if (changes.scheduledAt !== null) payment.scheduled_at = iso(changes.scheduledAt);
  if (changes.interval !== null) payment.scheduled_interval = changes.interval;
  if (changes.unit !== null) payment.scheduled_duration_unit = changes.unit;
  if (changes.status !== null && changes.status !== payment.status) {
    if (changes.status === 'skipped' && order.order_type === 'instalment') {
      // A skipped amount is removed from the order total (billpro-api.md §3.5).
      order.total_to_pay = formatMinor((readMinor(order.total_to_pay) ?? 0) - (readMinor(payment.amount) ?? 0));
    }
    payment.status = changes.status;
  }
  payment.updated_at = now;
  order.updated_at = now;
  settleInstalment(state, order);
  if (payment.status === 'skipped') ensureNextSubscriptionPayment(state, order);
  return payment;
}
