/**
 * Order and billing-event lifecycles (billpro-api.md §4): what paying, collecting, cancelling,
 * pausing, resuming and the passing of time do to an order and its scheduled payments. The API
 * handlers, the control endpoints and the clock all go through here, so a transition has one
 * definition.
 */
import { timestampMs } from '../common/time.ts';
import type { OrderStatus, ScheduledPaymentStatus } from '../common/wire.ts';
import { addInterval, iso, parseDayMonthYear, DAY_MS } from './dates.ts';
import { httpError } from './http.ts';
import { formatMinor, readMinor } from './money.ts';
import { splitBalance } from './pricing.ts';
import type { OrderRecord, ScheduledPaymentRecord } from './records.ts';
import type { SandboxState } from './state.ts';

export const PRELIMINARY_STATUSES: ReadonlySet<OrderStatus> = new Set(['draft', 'pending', 'rejected']);
export const LIVE_STATUSES: ReadonlySet<OrderStatus> = new Set([
  'active',
  'failed',
  'suspended',
  'paused',
  'review',
]);
/** Orders whose due billing events the clock collects. Suspended orders wait for a new card. */
export const COLLECTING_STATUSES: ReadonlySet<OrderStatus> = new Set(['active', 'failed', 'review']);
/** Billing events not yet settled one way or the other. */
const UNCOLLECTED: ReadonlySet<ScheduledPaymentStatus> = new Set([
  'scheduled',
  'paused',
  'soft-declined',
  'hard-declined',
]);
const COLLECTABLE: ReadonlySet<ScheduledPaymentStatus> = new Set([
  'scheduled',
  'soft-declined',
  'hard-declined',
]);

export type PaymentOutcome = 'approve' | 'decline';
export type CollectionOutcome = 'approve' | 'soft-decline' | 'hard-decline';

function touch(state: SandboxState, order: OrderRecord): string {
  const now = state.nowIso();
  order.updated_at = now;
  return now;
}

function addPayment(
  state: SandboxState,
  order: OrderRecord,
  atMs: number,
  amount: string,
  interval: number | null,
  unit: ScheduledPaymentRecord['scheduled_duration_unit'],
): ScheduledPaymentRecord {
  const now = state.nowIso();
  const payment: ScheduledPaymentRecord = {
    id: state.nextId('scheduledPayment'),
    order_id: order.id,
    status: 'scheduled',
    amount,
    scheduled_at: iso(atMs),
    scheduled_interval: interval,
    scheduled_duration_unit: unit,
    created_at: now,
    updated_at: now,
  };
  state.addScheduledPayment(payment);
  return payment;
}

/**
 * The initial payment was approved (billpro-api.md §4.1): single payments complete; the others
 * go live, instalments with all their billing events, subscriptions with the next one.
 */
function activate(state: SandboxState, order: OrderRecord): void {
  const nowMs = state.clock.now();
  if (order.order_type === 'single_payment') {
    order.status = 'complete';
    return;
  }
  order.status = 'active';
  const unit = order.scheduled_duration_unit ?? 'MONTH';
  if (order.order_type === 'instalment') {
    // Created with the order (the default); only the 'activation' option leaves it to now.
    if (state.paymentsOf(order.id).length === 0) scheduleInstalments(state, order, nowMs);
  } else if (order.order_type === 'subscription') {
    const interval = order.recurring_collection_interval ?? 1;
    addPayment(
      state,
      order,
      addInterval(nowMs, unit, interval),
      order.monthly_amount ?? order.total_amount,
      interval,
      unit,
    );
  }
}

/**
 * Every billing event of an instalment order, from `fromMs`. The scheduled-payments page says
 * BillPro creates them all when the order is created (docs.bill.pro/reference/scheduled-payments,
 * billpro-api.md §3.5 "Creation"); the sandbox option `instalmentsAt: 'activation'` keeps the other
 * reading (created when the initial payment is approved). They are only collected once the order
 * is live (clock.ts).
 */
export function scheduleInstalments(state: SandboxState, order: OrderRecord, fromMs: number): void {
  const unit = order.scheduled_duration_unit ?? 'MONTH';
  const count = order.scheduled_duration_number ?? 1;
  const interval = order.scheduled_interval ?? 1;
  const balance = (readMinor(order.total_installment_amount) ?? 0) - (readMinor(order.initial_amount) ?? 0);
  const startMs = order.start_date ? parseDayMonthYear(order.start_date) : null;
  // ASSUMPTION: a start date moves the first event (at the time of day of creation); without one
  // the first event is one interval after `fromMs`.
  const first = startMs !== null ? startMs + (fromMs % DAY_MS) : addInterval(fromMs, unit, interval);
  splitBalance(balance, count).forEach((amount, k) => {
    addPayment(state, order, addInterval(first, unit, k * interval), formatMinor(amount), interval, unit);
  });
}

/** Sandbox hook: the customer pays (or fails to pay) the order's initial payment. */
export function payOrder(state: SandboxState, order: OrderRecord, outcome: PaymentOutcome): OrderRecord {
  if (!PRELIMINARY_STATUSES.has(order.status)) {
    throw httpError(422, `Order is ${order.status}: it is not awaiting payment`);
  }
  if (outcome === 'approve') {
    activate(state, order);
    state.checkoutExpiry.delete(order.id);
  } else if (order.status === 'draft') {
    order.status = 'rejected';
  }
  // A declined pending order stays pending; its pending timer restarts (updated_at).
  touch(state, order);
  return order;
}

/**
 * An instalment order whose billing events are all settled is complete when what was collected
 * equals what was owed, and goes to review otherwise (billpro-api.md §4.1).
 */
export function settleInstalment(state: SandboxState, order: OrderRecord): void {
  if (order.order_type !== 'instalment' || !['active', 'failed', 'suspended'].includes(order.status)) return;
  const payments = state.paymentsOf(order.id);
  if (payments.length === 0 || payments.some((p) => UNCOLLECTED.has(p.status))) return;
  let collected = order.collect_initial_payment ? (readMinor(order.initial_amount) ?? 0) : 0;
  for (const payment of payments) {
    if (payment.status === 'complete' || payment.status === 'recovered')
      collected += readMinor(payment.amount) ?? 0;
  }
  order.status = collected === (readMinor(order.total_to_pay) ?? 0) ? 'complete' : 'review';
  touch(state, order);
}

/**
 * A subscription keeps one billing event ahead. When none is waiting, the next one follows the
 * latest event, with that event's interval when it was changed (billpro-api.md §4.2).
 */
export function ensureNextSubscriptionPayment(
  state: SandboxState,
  order: OrderRecord,
): ScheduledPaymentRecord | null {
  if (order.order_type !== 'subscription' || !['active', 'failed'].includes(order.status)) return null;
  const payments = state.paymentsOf(order.id);
  if (payments.some((p) => p.status === 'scheduled' || p.status === 'paused')) return null;
  let latest: ScheduledPaymentRecord | undefined;
  for (const payment of payments) {
    if (!latest || payment.scheduled_at > latest.scheduled_at) latest = payment;
  }
  const interval = latest?.scheduled_interval ?? order.recurring_collection_interval ?? 1;
  const unit = latest?.scheduled_duration_unit ?? order.scheduled_duration_unit ?? 'MONTH';
  const fromMs = latest ? timestampMs(latest.scheduled_at) : state.clock.now();
  return addPayment(
    state,
    order,
    addInterval(fromMs, unit, interval),
    order.monthly_amount ?? order.total_amount,
    interval,
    unit,
  );
}

/**
 * Sandbox hook and clock: one collection attempt of a billing event. Returns the subscription's
 * next event when this attempt created one.
 */
export function collectPayment(
  state: SandboxState,
  payment: ScheduledPaymentRecord,
  outcome: CollectionOutcome,
): ScheduledPaymentRecord | null {
  const order = state.orders.get(payment.order_id);
  if (!order) throw httpError(404, 'Not found');
  if (!COLLECTABLE.has(payment.status)) {
    throw httpError(422, `Scheduled payment is ${payment.status}: it cannot be collected`);
  }
  if (!LIVE_STATUSES.has(order.status) || order.status === 'paused') {
    throw httpError(422, `Order is ${order.status}: its scheduled payments cannot be collected`);
  }
  const retry = payment.status !== 'scheduled';
  if (outcome === 'approve') {
    payment.status = retry ? 'recovered' : 'complete';
    if (order.status === 'failed' || order.status === 'suspended') order.status = 'active';
  } else if (outcome === 'soft-decline') {
    payment.status = 'soft-declined';
    if (order.status === 'active') order.status = 'failed';
  } else {
    payment.status = 'hard-declined';
    if (order.status === 'active' || order.status === 'failed') order.status = 'suspended';
  }
  payment.updated_at = touch(state, order);
  settleInstalment(state, order);
  return outcome === 'hard-decline' ? null : ensureNextSubscriptionPayment(state, order);
}

/** PUT cancel_order: preliminary → cancelled, live → complete; uncollected events → cancelled. */
export function cancelOrder(state: SandboxState, order: OrderRecord): OrderRecord {
  if (PRELIMINARY_STATUSES.has(order.status)) order.status = 'cancelled';
  else if (LIVE_STATUSES.has(order.status)) order.status = 'complete';
  else throw httpError(422, `Order is already ${order.status}`);
  const now = touch(state, order);
  for (const payment of state.paymentsOf(order.id)) {
    if (UNCOLLECTED.has(payment.status)) {
      payment.status = 'cancelled';
      payment.updated_at = now;
    }
  }
  state.checkoutExpiry.delete(order.id);
  return order;
}

/** PUT pause_order: active subscriptions only; their scheduled events → paused. */
export function pauseOrder(state: SandboxState, order: OrderRecord): OrderRecord {
  if (order.order_type !== 'subscription') {
    throw httpError(422, `Only subscription orders can be paused; this order is ${order.order_type}`);
  }
  if (order.status !== 'active') {
    throw httpError(422, `Order is ${order.status}: only active subscriptions can be paused`);
  }
  order.status = 'paused';
  const now = touch(state, order);
  for (const payment of state.paymentsOf(order.id)) {
    if (payment.status === 'scheduled') {
      payment.status = 'paused';
      payment.updated_at = now;
    }
  }
  return order;
}

/**
 * PUT resume_order: paused orders only. Back to active, or to failed while a soft-declined
 * event is still outstanding; paused events are scheduled again.
 */
export function resumeOrder(state: SandboxState, order: OrderRecord): OrderRecord {
  if (order.status !== 'paused') {
    throw httpError(422, `Order is ${order.status}: only paused orders can be resumed`);
  }
  const payments = state.paymentsOf(order.id);
  order.status = payments.some((p) => p.status === 'soft-declined') ? 'failed' : 'active';
  const now = touch(state, order);
  for (const payment of payments) {
    if (payment.status === 'paused') {
      payment.status = 'scheduled';
      payment.updated_at = now;
    }
  }
  ensureNextSubscriptionPayment(state, order);
  return order;
}
