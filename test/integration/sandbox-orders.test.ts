/**
 * Orders and billing events in the sandbox: the create rules of each endpoint, the totals, and
 * the lifecycles of billpro-api.md §4 driven through the API and the control hooks.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CheckoutRenewal,
  Order,
  ScheduledPayment,
  type PurchaseType,
} from '../../electron/common/wire.ts';
import { startSandbox, type RunningSandbox } from '../../electron/sandbox/server.ts';
import { SandboxHttp } from './sandbox-http.ts';

interface ProductRow {
  id: number;
  currency: string;
  price: string;
  product_type: PurchaseType;
  product_status: string;
  lock_price: boolean;
  lock_payment_config: boolean;
  scheduled_interval: string | null;
  scheduled_unit: string | null;
  split_number: number | null;
  deposit_amount: string | null;
  tax: { percentage?: string } | null;
  discount: { percentage?: string } | null;
  fee: unknown;
}

const CREATE_PATH: Record<PurchaseType, string> = {
  single_payment: '/orders/create_single_order',
  instalment: '/orders/create_instalment_order',
  subscription: '/orders/create_subscription_order',
  metered: '/orders/create_metered_order',
};

let sandbox: RunningSandbox;
let http: SandboxHttp;
let products: ProductRow[] = [];
let customerId: number;
let invoiceSeq = 0;

async function allProducts(
  client: SandboxHttp,
  options: { token?: number; profileId?: number } = {},
): Promise<ProductRow[]> {
  const rows: ProductRow[] = [];
  for (let page = 1; ; page++) {
    const items = await client.ok<ProductRow[]>('GET', `/products?page=${page}`, options);
    rows.push(...items);
    if (items.length === 0) return rows;
  }
}

function product(type: PurchaseType, where: (p: ProductRow) => boolean = () => true): ProductRow {
  const found = products.find((p) => p.product_type === type && p.product_status === 'active' && where(p));
  if (!found) throw new Error(`seed 5 has no matching active ${type} product`);
  return found;
}

function orderBody(p: ProductRow, extra: Record<string, unknown> = {}, line: Record<string, unknown> = {}) {
  invoiceSeq += 1;
  return {
    order: {
      currency: p.currency,
      customer_id: customerId,
      invoice_id: `TEST${invoiceSeq}`,
      order_products: [{ product_id: p.id, qty: 1, ...line }],
      ...extra,
    },
  };
}

async function create(type: PurchaseType, p = product(type), extra: Record<string, unknown> = {}) {
  return Order.parse(await http.ok('POST', CREATE_PATH[type], { body: orderBody(p, extra) }));
}

async function pay(orderId: number, outcome: 'approve' | 'decline' = 'approve') {
  return Order.parse(await http.control('POST', `/orders/${orderId}/pay`, { outcome }));
}

async function payments(orderId: number) {
  return ScheduledPayment.array().parse(await http.ok('GET', `/orders/${orderId}/scheduled_payments`));
}

async function collect(paymentId: number, outcome: 'approve' | 'soft-decline' | 'hard-decline') {
  return ScheduledPayment.parse(
    await http.control('POST', `/scheduled_payments/${paymentId}/collect`, { outcome }),
  );
}

async function getOrder(orderId: number) {
  return Order.parse(await http.ok('GET', `/orders/${orderId}`));
}

const cents = (money: string | null | undefined) => Math.round(Number(money ?? '0') * 100);

beforeAll(async () => {
  sandbox = await startSandbox({ port: 0, seed: 5, products: 60, customers: 20, orders: 20 });
  http = new SandboxHttp(sandbox);
  products = await allProducts(http);
  const [first] = await http.ok<{ id: number }[]>('GET', '/customers?page=1');
  customerId = first!.id;
});

afterAll(async () => {
  await sandbox?.close();
});

describe('creating orders', () => {
  it('creates a pending single order with a payment link, a checkout and consistent totals', async () => {
    const p = product('single_payment', (x) => !x.lock_price && x.fee === null);
    const body = orderBody(
      p,
      { create_checkout: true, note: 'hello' },
      { qty: 2, amount: '20.00', discount_amount: 4 },
    );
    const order = Order.parse(await http.ok('POST', CREATE_PATH.single_payment, { body }));
    expect(order).toMatchObject({
      status: 'pending',
      order_type: 'single_payment',
      profile_id: 1,
      order_source: 2,
      note: 'hello',
    });
    expect(order.payment_link).toMatch(
      new RegExp(`^http://127\\.0\\.0\\.1:${sandbox.port}/pay/[a-z0-9]{24}$`),
    );
    expect(order.payment_link).not.toContain(http.token(0));
    expect(order.checkout_id).toBeTruthy();
    const tax = p.tax?.percentage ? Math.round((3600 * Number(p.tax.percentage)) / 100) : 0;
    expect(order.products[0]).toMatchObject({
      product_id: p.id,
      qty: 2,
      amount: '20.00',
      discount_amount: '4.00',
    });
    expect(cents(order.total_tax_amount)).toBe(tax);
    expect(cents(order.total_amount)).toBe(4000 - 400 + tax);
    expect(await getOrder(order.id)).toEqual(order);

    const page = await fetch(order.payment_link!);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain(`Order ${order.id}`);
  });

  it('takes the documented fuller single-order body (money as strings and numbers, several products)', async () => {
    const doc = JSON.parse(
      readFileSync(new URL('../fixtures/order-create-single.doc.json', import.meta.url), 'utf8'),
    ) as {
      order: { order_products: Record<string, unknown>[] } & Record<string, unknown>;
    };
    const unlocked = products.filter(
      (p) => p.product_type === 'single_payment' && p.product_status === 'active' && !p.lock_price,
    );
    const [a, b] = unlocked.filter((p) => p.currency === unlocked[0]!.currency);
    if (!a || !b) throw new Error('seed 5 needs two unlocked single products in one currency');
    const body = {
      order: {
        ...doc.order,
        currency: a.currency,
        customer_id: customerId,
        order_products: [
          { ...doc.order.order_products[0], product_id: a.id },
          { ...doc.order.order_products[1], product_id: b.id },
        ],
      },
    };
    const order = Order.parse(await http.ok('POST', CREATE_PATH.single_payment, { body }));
    expect(order.invoice_id).toBe('W58XGHF');
    expect(order.products.map((p) => [p.qty, p.amount, p.discount_amount, p.fee_amount])).toEqual([
      [2, '20.00', '10.00', '20.00'],
      [1, '20.00', '0.00', '0.00'],
    ]);
    expect(cents(order.total_discount_amount)).toBe(1000);
    expect(cents(order.total_fee_amount)).toBe(2000);
  });

  it('refuses a product of another purchase type, in BillPro’s words', async () => {
    const response = await http.api('POST', CREATE_PATH.single_payment, {
      body: orderBody(product('subscription')),
    });
    expect(response.status).toBe(422);
    expect(response.json).toEqual({
      order_products: ['product type subscription does not match single_payment order'],
    });
  });

  it('allows exactly one product on subscription, instalment and metered orders', async () => {
    const p = product('subscription');
    const body = orderBody(p);
    body.order.order_products.push({ product_id: p.id, qty: 1 });
    const response = await http.api('POST', CREATE_PATH.subscription, { body });
    expect(response.json).toEqual({
      order_products: ['must contain exactly one product for a subscription order'],
    });
  });

  it('refuses unknown customers and products, other currencies, inactive products and qty below 1', async () => {
    const p = product('single_payment');
    const response = await http.api('POST', CREATE_PATH.single_payment, {
      body: {
        order: {
          currency: 'JPY',
          customer_id: 99999999,
          order_products: [{ product_id: 99999999 }, { product_id: p.id, qty: 0 }],
        },
      },
    });
    expect(response.status).toBe(422);
    expect(response.json).toEqual({
      currency: ['is not included in the list', `must be the currency of its products (${p.currency})`],
      customer_id: ['must exist'],
      order_products: ['product 99999999 does not exist', 'qty must be greater than or equal to 1'],
    });
    const inactive = products.find(
      (x) => x.product_type === 'single_payment' && x.product_status !== 'active',
    );
    if (inactive) {
      const refused = await http.api('POST', CREATE_PATH.single_payment, { body: orderBody(inactive) });
      expect(refused.json).toEqual({ order_products: [`product ${inactive.id} is not active`] });
    }
    const empty = await http.api('POST', CREATE_PATH.single_payment, { body: {} });
    expect(empty.json).toEqual({
      currency: ["can't be blank"],
      customer_id: ["can't be blank"],
      order_products: ["can't be blank"],
    });
  });

  it('keeps a locked price and a locked payment configuration', async () => {
    const locked = product('subscription', (x) => x.lock_price);
    const priced = await http.api('POST', CREATE_PATH.subscription, {
      body: orderBody(locked, {}, { amount: cents(locked.price) / 100 + 1 }),
    });
    expect(priced.json).toEqual({
      order_products: [`amount of product ${locked.id} cannot differ from its locked price`],
    });
    // The locked price itself, as a number, is fine.
    expect(
      (
        await http.api('POST', CREATE_PATH.subscription, {
          body: orderBody(locked, {}, { amount: Number(locked.price) }),
        })
      ).status,
    ).toBe(200);

    const config = product('instalment', (x) => x.lock_payment_config);
    const overridden = await http.api('POST', CREATE_PATH.instalment, {
      body: orderBody(config, { split_number: (config.split_number ?? 1) + 1, scheduled_unit: 'DAY' }),
    });
    expect(overridden.status).toBe(422);
    expect(Object.keys(overridden.json as object).sort()).toEqual(['scheduled_unit', 'split_number']);
  });

  it('refuses a custom checkout for a Stripe merchant', async () => {
    const northwind = await allProducts(http, { token: 1, profileId: 2 });
    const p = northwind.find((x) => x.product_type === 'single_payment' && x.product_status === 'active')!;
    const [customer] = await http.ok<{ id: number }[]>('GET', '/customers', { token: 1, profileId: 2 });
    const body = {
      order: {
        currency: 'EUR',
        customer_id: customer!.id,
        create_checkout: true,
        order_products: [{ product_id: p.id }],
      },
    };
    const response = await http.api('POST', CREATE_PATH.single_payment, { token: 1, profileId: 2, body });
    expect(response.status).toBe(422);
    expect(response.json).toEqual({ create_checkout: ['is not available for Stripe merchants'] });
    // A profile-1 customer does not exist for profile 2.
    const crossed = await http.api('POST', CREATE_PATH.single_payment, {
      token: 1,
      profileId: 2,
      body: { order: { currency: 'EUR', customer_id: customerId, order_products: [{ product_id: p.id }] } },
    });
    expect(crossed.json).toEqual({ customer_id: ['must exist'] });
  });

  it('computes instalment totals: deposit, count to pay, and the balance split by split_number', async () => {
    const p = product('instalment', (x) => !x.lock_payment_config && !x.lock_price);
    const order = await create('instalment', p, {
      initial_amount: '100.00',
      split_number: 4,
      scheduled_unit: 'MONTH',
      scheduled_interval: '1',
    });
    const total = cents(order.total_amount);
    expect(order).toMatchObject({
      scheduled_duration_number: 4,
      count_to_pay: 5,
      collect_initial_payment: true,
      scheduled_duration_unit: 'MONTH',
    });
    expect(cents(order.total_installment_amount)).toBe(total);
    expect(cents(order.total_to_pay)).toBe(total);
    expect(cents(order.monthly_amount)).toBe(Math.floor((total - 10000) / 4));
  });
});

describe('order lifecycle', () => {
  it('completes a paid single order; cancelling it then fails', async () => {
    const order = await create('single_payment');
    const declined = await pay(order.id, 'decline');
    expect(declined.status).toBe('pending');
    const paid = await pay(order.id);
    expect(paid.status).toBe('complete');
    const cancel = await http.api('PUT', `/orders/${order.id}/cancel_order`);
    expect(cancel.status).toBe(422);
    expect(cancel.json).toEqual({ error: 'Order is already complete' });
    // Paying twice is refused too.
    const again = await http.raw('POST', `${sandbox.controlUrl}/orders/${order.id}/pay`, {
      body: { outcome: 'approve' },
    });
    expect(again.status).toBe(422);
  });

  it('cancels a pending order once', async () => {
    const order = await create('subscription');
    expect((await http.ok<{ status: string }>('PUT', `/orders/${order.id}/cancel_order`)).status).toBe(
      'cancelled',
    );
    const again = await http.api('PUT', `/orders/${order.id}/cancel_order`);
    expect(again.json).toEqual({ error: 'Order is already cancelled' });
  });

  it('creates an instalment order with all its billing events, activates it, and completes it when all are collected', async () => {
    const p = product('instalment', (x) => !x.lock_payment_config);
    // The scheduled-payments page: BillPro creates every billing event when the order is created.
    const createdAt = Date.parse((await http.control<{ now: string }>('GET', '/clock')).now);
    const order = await create('instalment', p, {
      split_number: 3,
      scheduled_unit: 'WEEK',
      scheduled_interval: 2,
      initial_amount: 0,
    });
    const atCreation = await payments(order.id);
    expect(atCreation).toHaveLength(3);
    expect((await pay(order.id)).status).toBe('active');
    const events = await payments(order.id);
    expect(events.map((e) => e.id)).toEqual(atCreation.map((e) => e.id));
    expect(events.every((e) => e.status === 'scheduled' && e.scheduled_duration_unit === 'WEEK')).toBe(true);
    const days = events.map((e) => Math.round((Date.parse(e.scheduled_at) - createdAt) / 86_400_000));
    expect(days).toEqual([14, 28, 42]);
    expect(events.reduce((sum, e) => sum + cents(e.amount), 0)).toBe(cents(order.total_amount));

    expect((await collect(events[0]!.id, 'soft-decline')).status).toBe('soft-declined');
    expect((await getOrder(order.id)).status).toBe('failed');
    expect((await collect(events[0]!.id, 'approve')).status).toBe('recovered');
    expect((await getOrder(order.id)).status).toBe('active');
    await collect(events[1]!.id, 'approve');
    await collect(events[2]!.id, 'approve');
    expect((await getOrder(order.id)).status).toBe('complete');
  });

  it('starts instalments on the given start date', async () => {
    const p = product('instalment', (x) => !x.lock_payment_config);
    const now = new Date((await http.control<{ now: string }>('GET', '/clock')).now);
    const start = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + 1, 10));
    const dmy = `10/${String(start.getUTCMonth() + 1).padStart(2, '0')}/${start.getUTCFullYear()}`;
    const order = await create('instalment', p, {
      split_number: 2,
      scheduled_unit: 'MONTH',
      scheduled_interval: 1,
      start_date: dmy,
    });
    await pay(order.id);
    const events = await payments(order.id);
    expect(events.map((e) => e.scheduled_at.slice(0, 10))).toEqual([
      start.toISOString().slice(0, 10),
      new Date(Date.UTC(start.getUTCFullYear(), start.getUTCMonth() + 1, 10)).toISOString().slice(0, 10),
    ]);
    const past = await http.api('POST', CREATE_PATH.instalment, {
      body: orderBody(p, { start_date: '01/01/2001' }),
    });
    expect(past.json).toEqual({ start_date: ["can't be in the past"] });
  });

  it('runs a subscription: one event ahead, pause, resume, decline, suspend, complete', async () => {
    const p = product('subscription', (x) => x.scheduled_unit === 'MONTH');
    const order = await create('subscription', p);
    expect(order.monthly_amount).toBeTruthy();
    await pay(order.id);
    let events = await payments(order.id);
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({
      status: 'scheduled',
      amount: order.monthly_amount,
      scheduled_duration_unit: 'MONTH',
    });

    expect((await http.ok<{ status: string }>('PUT', `/orders/${order.id}/pause_order`)).status).toBe(
      'paused',
    );
    expect((await payments(order.id))[0]!.status).toBe('paused');
    expect((await http.api('PUT', `/orders/${order.id}/pause_order`)).status).toBe(422);
    expect((await http.ok<{ status: string }>('PUT', `/orders/${order.id}/resume_order`)).status).toBe(
      'active',
    );
    expect((await payments(order.id))[0]!.status).toBe('scheduled');
    expect((await http.api('PUT', `/orders/${order.id}/resume_order`)).json).toEqual({
      error: 'Order is active: only paused orders can be resumed',
    });

    await collect(events[0]!.id, 'approve');
    events = await payments(order.id);
    expect(events.map((e) => e.status)).toEqual(['complete', 'scheduled']);
    const gapDays = (Date.parse(events[1]!.scheduled_at) - Date.parse(events[0]!.scheduled_at)) / 86_400_000;
    expect(gapDays).toBeGreaterThanOrEqual(28 * Number(p.scheduled_interval));
    expect(gapDays).toBeLessThanOrEqual(31 * Number(p.scheduled_interval));

    await collect(events[1]!.id, 'soft-decline');
    expect((await getOrder(order.id)).status).toBe('failed');
    events = await payments(order.id);
    expect(events.map((e) => e.status)).toEqual(['complete', 'soft-declined', 'scheduled']);
    await collect(events[2]!.id, 'hard-decline');
    expect((await getOrder(order.id)).status).toBe('suspended');

    const completed = await http.ok<{ status: string }>('PUT', `/orders/${order.id}/cancel_order`);
    expect(completed.status).toBe('complete');
    expect((await payments(order.id)).map((e) => e.status)).toEqual(['complete', 'cancelled', 'cancelled']);
  });

  it('pauses only active subscriptions', async () => {
    const single = await create('single_payment');
    expect((await http.api('PUT', `/orders/${single.id}/pause_order`)).status).toBe(422);
    const pending = await create('subscription');
    expect((await http.api('PUT', `/orders/${pending.id}/pause_order`)).json).toEqual({
      error: 'Order is pending: only active subscriptions can be paused',
    });
  });

  it('activates a metered order without billing events', async () => {
    const order = await create('metered');
    expect((await pay(order.id)).status).toBe('active');
    expect(await payments(order.id)).toEqual([]);
  });

  it('renews a CardCorp checkout while the order awaits payment', async () => {
    const order = await create('single_payment', product('single_payment'), { create_checkout: true });
    const renewal = CheckoutRenewal.parse(await http.ok('POST', `/order_checkouts/${order.id}`));
    expect(renewal.order_id).toBe(order.id);
    expect(renewal.checkout_id).not.toBe(order.checkout_id);
    expect((await getOrder(order.id)).checkout_id).toBe(renewal.checkout_id);
    const now = Date.parse((await http.control<{ now: string }>('GET', '/clock')).now);
    const minutes = (Date.parse(renewal.expires_at!) - now) / 60_000;
    expect(minutes).toBeGreaterThan(24);
    expect(minutes).toBeLessThanOrEqual(25);
    await pay(order.id);
    expect((await http.api('POST', `/order_checkouts/${order.id}`)).status).toBe(422);
    expect((await http.api('POST', '/order_checkouts/99999999')).status).toBe(404);
  });
});

describe('scheduled payment updates', () => {
  async function liveSubscription() {
    const order = await create(
      'subscription',
      product('subscription', (x) => x.scheduled_unit === 'MONTH'),
    );
    await pay(order.id);
    return { order, events: await payments(order.id) };
  }

  it('refuses updates to collected events', async () => {
    const { order, events } = await liveSubscription();
    await collect(events[0]!.id, 'approve');
    const response = await http.api('PUT', `/scheduled_payments/${events[0]!.id}`, {
      body: { scheduled_payment: { status: 'skipped' } },
    });
    expect(response.status).toBe(422);
    expect(response.json).toEqual({ error: 'Scheduled payment is complete: it cannot be updated' });
    expect((await payments(order.id))[0]!.status).toBe('complete');
  });

  it('retries a declined event only with a future date and time', async () => {
    const { events } = await liveSubscription();
    await collect(events[0]!.id, 'soft-decline');
    const path = `/scheduled_payments/${events[0]!.id}`;
    const missing = await http.api('PUT', path, { body: { scheduled_payment: { status: 'scheduled' } } });
    expect(missing.json).toEqual({ scheduled_at: ["can't be blank"] });
    const past = await http.api('PUT', path, {
      body: { status: 'scheduled', scheduled_at: '2020-01-01T00:00:00Z' },
    });
    expect(past.json).toEqual({ scheduled_at: ['must be in the future'] });
    const bad = await http.api('PUT', path, { body: { status: 'retried', scheduled_at: 'tomorrow' } });
    expect(bad.json).toEqual({ status: ['is not included in the list'], scheduled_at: ['is invalid'] });

    const now = Date.parse((await http.control<{ now: string }>('GET', '/clock')).now);
    const when = new Date(now + 3 * 86_400_000).toISOString();
    const retried = ScheduledPayment.parse(
      await http.ok('PUT', path, {
        body: { scheduled_payment: { status: 'scheduled', scheduled_at: when } },
      }),
    );
    expect(retried).toMatchObject({ status: 'scheduled', scheduled_at: when });
  });

  it('changes the amount and, on the last event, the interval of a subscription', async () => {
    const { order, events } = await liveSubscription();
    const path = `/scheduled_payments/${events[0]!.id}`;
    const updated = await http.ok('PUT', path, {
      body: {
        scheduled_payment: { amount: '12.50', scheduled_interval: '4', scheduled_duration_unit: 'WEEK' },
      },
    });
    expect(ScheduledPayment.parse(updated)).toMatchObject({
      amount: '12.50',
      scheduled_interval: 4,
      scheduled_duration_unit: 'WEEK',
    });
    expect((await getOrder(order.id)).monthly_amount).toBe('12.50');
    await collect(events[0]!.id, 'approve');
    const [first, next] = await payments(order.id);
    expect((Date.parse(next!.scheduled_at) - Date.parse(first!.scheduled_at)) / 86_400_000).toBe(28);
    expect(next).toMatchObject({ amount: '12.50', scheduled_interval: 4, scheduled_duration_unit: 'WEEK' });
    // Only the last event carries the interval.
    const notLast = await http.api('PUT', path, { body: { scheduled_interval: 2 } });
    expect(notLast.status).toBe(422);
  });

  it('skips an instalment, taking its amount off the total, and refuses interval changes there', async () => {
    const p = product('instalment', (x) => !x.lock_payment_config);
    const order = await create('instalment', p, { split_number: 2, initial_amount: 0 });
    await pay(order.id);
    const [first, second] = await payments(order.id);
    const interval = await http.api('PUT', `/scheduled_payments/${second!.id}`, {
      body: { scheduled_interval: 2 },
    });
    expect(interval.json).toEqual({ scheduled_interval: ['can only be changed for subscription orders'] });
    const skipped = await http.ok<{ status: string }>('PUT', `/scheduled_payments/${first!.id}`, {
      body: { status: 'skipped' },
    });
    expect(skipped.status).toBe('skipped');
    expect(cents((await getOrder(order.id)).total_to_pay)).toBe(
      cents(order.total_to_pay) - cents(first!.amount),
    );
    await collect(second!.id, 'approve');
    expect((await getOrder(order.id)).status).toBe('complete');
  });

  it('answers 404 for an event of another merchant', async () => {
    const { events } = await liveSubscription();
    const response = await http.api('PUT', `/scheduled_payments/${events[0]!.id}`, {
      token: 2,
      body: { status: 'skipped' },
    });
    expect(response.status).toBe(404);
  });
});

describe('sandbox clock', () => {
  it('collects due events as time passes, not those of paused orders', async () => {
    const running = await create(
      'subscription',
      product('subscription', (x) => x.scheduled_unit === 'MONTH' && x.scheduled_interval === '1'),
    );
    await pay(running.id);
    const paused = await create(
      'subscription',
      product('subscription', (x) => x.scheduled_unit === 'MONTH' && x.scheduled_interval === '1'),
    );
    await pay(paused.id);
    await http.ok('PUT', `/orders/${paused.id}/pause_order`);
    const before = Date.parse((await http.control<{ now: string }>('GET', '/clock')).now);
    const moved = await http.control<{ now: string; collected: number }>('POST', '/clock', {
      advanceDays: 40,
    });
    expect(Date.parse(moved.now) - before).toBeGreaterThanOrEqual(40 * 86_400_000);
    expect(moved.collected).toBeGreaterThan(0);
    expect((await payments(running.id)).map((e) => e.status)).toEqual(['complete', 'scheduled']);
    expect((await payments(paused.id)).map((e) => e.status)).toEqual(['paused']);
  });

  it('keeps a month-end schedule on the last day of each month', async () => {
    const monthEnd = await startSandbox({
      port: 0,
      seed: 5,
      products: 60,
      customers: 5,
      orders: 0,
      clockStart: '2027-01-31T10:00:00Z',
    });
    try {
      const client = new SandboxHttp(monthEnd);
      const rows = await allProducts(client);
      const p = rows.find(
        (x) =>
          x.product_type === 'subscription' &&
          x.product_status === 'active' &&
          x.scheduled_unit === 'MONTH' &&
          x.scheduled_interval === '1' &&
          !x.lock_payment_config,
      )!;
      const [customer] = await client.ok<{ id: number }[]>('GET', '/customers');
      const order = Order.parse(
        await client.ok('POST', CREATE_PATH.subscription, {
          body: {
            order: {
              currency: p.currency,
              customer_id: customer!.id,
              order_products: [{ product_id: p.id }],
            },
          },
        }),
      );
      await client.control('POST', `/orders/${order.id}/pay`, { outcome: 'approve' });
      await client.control('POST', '/clock', { advanceDays: 60 });
      const events = ScheduledPayment.array().parse(
        await client.ok('GET', `/orders/${order.id}/scheduled_payments`),
      );
      expect(events.map((e) => e.scheduled_at.slice(0, 10))).toEqual([
        '2027-02-28',
        '2027-03-31',
        '2027-04-30',
      ]);
      expect(events.map((e) => e.status)).toEqual(['complete', 'complete', 'scheduled']);
    } finally {
      await monthEnd.close();
    }
  });
});
