/**
 * Seeded orders with their billing-event history, across every purchase type and status and
 * over the ~18 months before the clock start. Each status gets a history that could have led
 * to it (a failed subscription's last event was soft-declined, a complete instalment order
 * collected every event…), and live orders keep their next events in the future, so moving the
 * clock collects them like new ones.
 */
import { timestampMs } from '../common/time.ts';
import type {
  DurationUnit,
  OrderStatus,
  PurchaseType,
  ScheduledPaymentStatus,
} from '../common/wire.ts';
import { addInterval, approxIntervalDays, DAY_MS, iso } from './dates.ts';
import { formatMinor, readMinor } from './money.ts';
import { buildOrder } from './order-builder.ts';
import { splitBalance } from './pricing.ts';
import type { MerchantProfile } from './profiles.ts';
import type { Rng } from './prng.ts';
import type { OrderRecord, ProductRecord } from './records.ts';
import type { SandboxState } from './state.ts';

const HORIZON_MS = 540 * DAY_MS;
const MINUTE_MS = 60_000;
const HOUR_MS = 3_600_000;
/** A subscription's history keeps at most this many past cycles, so weekly plans stay small at scale. */
const MAX_PAST_CYCLES = 12;

const TYPE_WEIGHTS: readonly (readonly [PurchaseType, number])[] = [
  ['single_payment', 35],
  ['subscription', 30],
  ['instalment', 25],
  ['metered', 10],
];

const STATUS_WEIGHTS: Record<PurchaseType, readonly (readonly [OrderStatus, number])[]> = {
  single_payment: [
    ['complete', 55],
    ['pending', 12],
    ['cancelled', 15],
    ['draft', 6],
    ['rejected', 4],
  ],
  subscription: [
    ['active', 40],
    ['failed', 8],
    ['suspended', 5],
    ['paused', 7],
    ['complete', 15],
    ['cancelled', 10],
    ['pending', 15],
  ],
  instalment: [
    ['active', 40],
    ['failed', 8],
    ['suspended', 4],
    ['review', 4],
    ['complete', 24],
    ['cancelled', 8],
    ['pending', 12],
  ],
  metered: [
    ['active', 55],
    ['pending', 15],
    ['complete', 15],
    ['cancelled', 15],
  ],
};

interface PlannedEvent {
  atMs: number;
  status: ScheduledPaymentStatus;
}

interface Plan {
  type: PurchaseType;
  product: ProductRecord;
  status: OrderStatus;
  createdMs: number;
  updatedMs: number;
  /** When the initial payment was approved; events created then. */
  activatedMs: number;
  events: PlannedEvent[];
}

function between(rng: Rng, low: number, high: number): number {
  return low + Math.floor(rng.next() * Math.max(0, high - low));
}

function schedule(product: ProductRecord): { unit: DurationUnit; interval: number } {
  return {
    unit: product.scheduled_unit ?? 'MONTH',
    interval: Number(product.scheduled_interval ?? '1') || 1,
  };
}

/** A first future event date within the next cycle. */
function nextEventAt(now: number, unit: DurationUnit, interval: number, rng: Rng): number {
  return now + HOUR_MS + Math.floor(rng.next() * approxIntervalDays(unit, interval) * 0.95 * DAY_MS);
}

function processed(rng: Rng): ScheduledPaymentStatus {
  return rng.chance(0.05) ? 'recovered' : 'complete';
}

function subscriptionPlan(plan: Plan, now: number, rng: Rng): void {
  const { unit, interval } = schedule(plan.product);
  const cycle = approxIntervalDays(unit, interval) * DAY_MS;
  const maxPast = Math.max(0, Math.min(MAX_PAST_CYCLES, Math.floor((HORIZON_MS - cycle) / cycle)));
  const minPast = plan.status === 'active' ? 0 : 1;
  const past = rng.int(minPast, Math.max(minPast, maxPast));
  const next = nextEventAt(now, unit, interval, rng);
  for (let j = past; j >= 1; j--)
    plan.events.push({ atMs: addInterval(next, unit, -j * interval), status: processed(rng) });
  plan.activatedMs = addInterval(next, unit, -(past + 1) * interval);
  plan.createdMs = plan.activatedMs - between(rng, 5 * MINUTE_MS, 2 * DAY_MS);
  const last = plan.events[plan.events.length - 1];
  plan.updatedMs = last?.atMs ?? plan.activatedMs;
  if (last && plan.status === 'failed') last.status = 'soft-declined';
  if (last && plan.status === 'suspended') last.status = 'hard-declined';
  const future: Partial<Record<OrderStatus, ScheduledPaymentStatus>> = {
    active: 'scheduled',
    failed: 'scheduled',
    paused: 'paused',
    complete: 'cancelled',
  };
  const nextStatus = future[plan.status];
  if (nextStatus) plan.events.push({ atMs: next, status: nextStatus });
  if (plan.status === 'paused' || plan.status === 'complete')
    plan.updatedMs = between(rng, plan.updatedMs, now - MINUTE_MS);
}

function instalmentPlan(plan: Plan, now: number, rng: Rng): void {
  const { unit, interval } = schedule(plan.product);
  const count = plan.product.split_number ?? 1;
  const early = plan.status === 'complete' && count >= 2 && rng.chance(0.3);
  let past: number;
  if (plan.status === 'active') past = rng.int(0, count - 1);
  else if (plan.status === 'review' || (plan.status === 'complete' && !early)) past = count;
  else past = rng.int(1, Math.max(1, count - 1));
  const next = nextEventAt(now, unit, interval, rng);
  for (let k = 0; k < count; k++) {
    const atMs = addInterval(next, unit, (k - past) * interval);
    plan.events.push({ atMs, status: k < past ? processed(rng) : early ? 'cancelled' : 'scheduled' });
  }
  plan.activatedMs = addInterval(plan.events[0]!.atMs, unit, -interval);
  plan.createdMs = plan.activatedMs - between(rng, 5 * MINUTE_MS, 2 * DAY_MS);
  const lastPast = past > 0 ? plan.events[past - 1] : undefined;
  plan.updatedMs = lastPast?.atMs ?? plan.activatedMs;
  if (lastPast && plan.status === 'failed') lastPast.status = 'soft-declined';
  if (lastPast && plan.status === 'suspended') lastPast.status = 'hard-declined';
  // Review: everything processed but one event was cancelled, so less was collected than owed.
  if (plan.status === 'review') rng.pick(plan.events).status = 'cancelled';
  if (early)
    plan.updatedMs = between(rng, plan.updatedMs, Math.min(now - MINUTE_MS, plan.events[past]!.atMs));
}

function meteredPlan(plan: Plan, now: number, rng: Rng): void {
  plan.createdMs = now - between(rng, 2 * DAY_MS, HORIZON_MS);
  plan.activatedMs = Math.min(now - MINUTE_MS, plan.createdMs + between(rng, 5 * MINUTE_MS, DAY_MS));
  plan.updatedMs = plan.activatedMs;
  if (rng.chance(0.4)) {
    const times = Array.from({ length: rng.int(1, 4) }, () =>
      between(rng, plan.activatedMs, now - MINUTE_MS),
    ).sort((a, b) => a - b);
    for (const atMs of times) plan.events.push({ atMs, status: 'complete' });
    plan.updatedMs = times[times.length - 1]!;
  }
  if (plan.status === 'active' && rng.chance(0.3)) {
    plan.events.push({ atMs: now + between(rng, DAY_MS, 30 * DAY_MS), status: 'scheduled' });
  }
  if (plan.status === 'complete') plan.updatedMs = between(rng, plan.updatedMs, now - MINUTE_MS);
}

interface Catalogue {
  types: readonly (readonly [PurchaseType, number])[];
  all: Record<PurchaseType, ProductRecord[]>;
  active: Record<PurchaseType, ProductRecord[]>;
}

function catalogue(products: readonly ProductRecord[]): Catalogue {
  const empty = (): Record<PurchaseType, ProductRecord[]> => ({
    single_payment: [],
    subscription: [],
    instalment: [],
    metered: [],
  });
  const all = empty();
  const active = empty();
  for (const product of products) {
    all[product.product_type].push(product);
    if (product.product_status === 'active') active[product.product_type].push(product);
  }
  return { types: TYPE_WEIGHTS.filter(([type]) => all[type].length > 0), all, active };
}

function planOrder(products: Catalogue, now: number, rng: Rng): Plan {
  const type = rng.weighted(products.types);
  // Mostly active products; an inactive one was withdrawn after the order was placed.
  const active = products.active[type];
  const product = rng.pick(active.length > 0 && rng.chance(0.95) ? active : products.all[type]);
  const status = rng.weighted(STATUS_WEIGHTS[type]);
  const plan: Plan = { type, product, status, createdMs: now, updatedMs: now, activatedMs: now, events: [] };

  if (status === 'pending' || status === 'draft' || status === 'rejected') {
    plan.createdMs = now - between(rng, 30 * MINUTE_MS, 14 * DAY_MS);
    plan.updatedMs = status === 'rejected' ? between(rng, plan.createdMs, now - MINUTE_MS) : plan.createdMs;
  } else if (status === 'cancelled') {
    plan.createdMs = now - between(rng, DAY_MS, HORIZON_MS);
    plan.updatedMs = Math.min(now - MINUTE_MS, plan.createdMs + between(rng, HOUR_MS, 10 * DAY_MS));
  } else if (type === 'single_payment') {
    plan.createdMs = now - between(rng, HOUR_MS, HORIZON_MS);
    plan.activatedMs = Math.min(now - MINUTE_MS, plan.createdMs + between(rng, 2 * MINUTE_MS, 2 * DAY_MS));
    plan.updatedMs = plan.activatedMs;
  } else if (type === 'subscription') {
    subscriptionPlan(plan, now, rng);
  } else if (type === 'instalment') {
    instalmentPlan(plan, now, rng);
  } else {
    meteredPlan(plan, now, rng);
  }
  return plan;
}

/** Unique 7-character invoice ids (`W58XGHF` style): an affine bijection of the order index. */
function invoiceId(profileId: number, index: number): string {
  const space = 36 ** 6;
  const scrambled = (index * 2654435761 + profileId * 7_777_777) % space;
  return `W${scrambled.toString(36).toUpperCase().padStart(6, '0')}`;
}

function addEvents(state: SandboxState, order: OrderRecord, plan: Plan, rng: Rng): void {
  if (plan.events.length === 0) return;
  const interval =
    order.order_type === 'instalment' ? order.scheduled_interval : order.recurring_collection_interval;
  const unit = order.order_type === 'metered' ? null : order.scheduled_duration_unit;
  const amounts =
    order.order_type === 'instalment'
      ? splitBalance(
          (readMinor(order.total_installment_amount) ?? 0) - (readMinor(order.initial_amount) ?? 0),
          plan.events.length,
        )
      : null;
  const regular = order.order_type === 'subscription' ? (order.monthly_amount ?? '0.00') : null;
  // Timestamps are shared strings: at scale, formatting dates is most of the seeding time.
  let created = iso(plan.activatedMs);
  const orderUpdated = order.updated_at;
  plan.events.forEach((event, k) => {
    const amount = amounts ? formatMinor(amounts[k] ?? 0) : (regular ?? formatMinor(rng.int(500, 20000)));
    const at = iso(event.atMs);
    let updated: string;
    if (event.status === 'cancelled' || event.status === 'paused') updated = orderUpdated;
    else if (event.status === 'scheduled') updated = created;
    else updated = at;
    state.addScheduledPayment({
      id: state.nextId('scheduledPayment'),
      order_id: order.id,
      status: event.status,
      amount,
      scheduled_at: at,
      scheduled_interval: order.order_type === 'metered' ? null : interval,
      scheduled_duration_unit: unit,
      created_at: created,
      updated_at: updated,
    });
    // Subscriptions create each event when the previous one is collected.
    if (order.order_type === 'subscription') created = at;
  });
}

export function seedOrders(state: SandboxState, profile: MerchantProfile, count: number, rng: Rng): void {
  const data = state.profile(profile.id);
  if (data.products.length === 0 || data.customers.length === 0) return;
  const now = state.clock.start;
  const products = catalogue(data.products);
  const plans = Array.from({ length: count }, () => planOrder(products, now, rng));
  // Ids follow creation time, as on a real platform.
  plans.sort((a, b) => a.createdMs - b.createdMs);
  const customerTimes = data.customers.map((c) => timestampMs(c.created_at));

  plans.forEach((plan, index) => {
    // A customer who existed when the order was placed (customers are in creation order).
    let low = 0;
    let high = customerTimes.length - 1;
    while (low < high) {
      const mid = (low + high + 1) >> 1;
      if (customerTimes[mid]! <= plan.createdMs) low = mid;
      else high = mid - 1;
    }
    const customer = data.customers[rng.int(0, low)]!;
    const { product } = plan;
    const qty = plan.type === 'single_payment' && rng.chance(0.3) ? rng.int(2, 3) : 1;
    const price = readMinor(product.price) ?? 0;
    const amount =
      !product.lock_price && rng.chance(0.1) ? Math.round(price * (0.8 + rng.next() * 0.4)) : undefined;
    const deposit =
      plan.type === 'instalment'
        ? Math.min(readMinor(product.deposit_amount) ?? 0, (amount ?? price) * qty)
        : null;
    const fromUi = plan.status === 'draft' || plan.status === 'rejected' || rng.chance(0.1);
    const { unit, interval } = schedule(product);
    const order = buildOrder(state, {
      profileId: profile.id,
      type: plan.type,
      customerId: customer.id,
      currency: product.currency,
      invoiceId: rng.chance(0.85) ? invoiceId(profile.id, index) : null,
      note: rng.chance(0.1)
        ? rng.pick([
            'Customer asked for a receipt by email',
            'Renewal agreed by phone',
            'Gift for a colleague',
          ])
        : null,
      description: rng.chance(0.1)
        ? `${product.name ?? product.product_id} for ${customer.first_name} ${customer.last_name}`
        : null,
      lines: [{ product, qty, amount }],
      initialAmount: deposit,
      splitNumber: plan.type === 'instalment' ? (product.split_number ?? 1) : null,
      scheduledUnit: plan.type === 'metered' ? product.scheduled_unit : unit,
      scheduledInterval: plan.type === 'instalment' ? interval : null,
      startDate: null,
      recurringInterval: plan.type === 'subscription' ? interval : null,
      createCheckout: plan.status === 'pending' && profile.processor === 'cardcorp' && rng.chance(0.3),
      status: plan.status,
      source: fromUi ? 1 : 2,
      paymentMethod: fromUi && rng.chance(0.7) ? 'MOTO' : 'ECOM',
      createdAtMs: plan.createdMs,
    });
    order.updated_at = iso(Math.max(plan.createdMs, plan.updatedMs));
    state.addOrder(order);
    addEvents(state, order, plan, rng);
  });
}
