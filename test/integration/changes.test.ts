/**
 * The change kinds (core/changes/) on a real encrypted cache: Activity names each change in the
 * words of the button the person clicked (issue 13 item 10), an order is named the same way
 * everywhere, and "Edit and retry" offers each kind's own fields.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { CHANGES, changeOf, planOrderAction, planPaymentUpdate } from '../../electron/core/changes/index.ts';
import { openStore, type Store } from '../../electron/core/store/index.ts';
import { orderInvoiceOrName, orderName } from '../../electron/common/names.ts';

const dir = mkdtempSync(join(tmpdir(), 'billpro-changes-'));
const open: Store[] = [];
afterEach(() => {
  for (const store of open.splice(0)) store.close();
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const stamp = '2024-01-01T00:00:00Z';
let n = 0;

/** A cache holding a live order with an invoice id (1), a live one without (99620), and a payment of each. */
function seeded(): Store {
  const store = openStore({ file: join(dir, `changes-${++n}.db`), encryptionKey: 'changes-test-key' });
  open.push(store);
  const order = (id: number, invoice: string | null, status = 'active') => ({
    id,
    order_type: 'subscription',
    status,
    invoice_id: invoice,
    customer_id: 1,
    currency: 'EUR',
    products: [{ product_id: 1, amount: '10.00' }],
    created_at: stamp,
  });
  store.cache.upsertMany('orders', [order(1, 'INV-2041'), order(99620, null), order(7, 'INV-7', 'pending')]);
  const payment = (id: number, orderId: number) => ({
    id,
    order_id: orderId,
    status: 'scheduled',
    amount: '10.00',
    scheduled_at: '2030-03-01T09:00:00Z',
    scheduled_interval: 1,
    scheduled_duration_unit: 'MONTH',
  });
  store.cache.upsertMany('scheduledPayments', [payment(11, 1), payment(12, 99620)]);
  return store;
}

/** Activity's line for a change planned the way the Desk plans it. */
function labelOf(store: Store, plan: { entry: { kind: keyof typeof CHANGES; payload: unknown; targetId: number } }): string {
  const change = changeOf(plan.entry.kind);
  const payload = change.payload.parse(plan.entry.payload);
  return change.label({ payload, targetId: plan.entry.targetId }, store.cache);
}

describe('Activity labels use the words of the action clicked', () => {
  it('"Mark as complete" on a live order reads as such; cancelling a pending order reads "Cancel"', () => {
    const store = seeded();
    expect(labelOf(store, planOrderAction(store.cache, 'cancel', 1))).toBe('Mark order INV-2041 as complete');
    expect(labelOf(store, planOrderAction(store.cache, 'cancel', 99620))).toBe('Mark order 99620 as complete');
    expect(labelOf(store, planOrderAction(store.cache, 'cancel', 7))).toBe('Cancel order INV-7');
    expect(labelOf(store, planOrderAction(store.cache, 'pause', 1))).toBe('Pause order INV-2041');
    expect(labelOf(store, planOrderAction(store.cache, 'renewCheckout', 7))).toBe('Renew the checkout of order INV-7');
  });

  it('a cancel stored before the Desk kept its outcome is still named', () => {
    const store = seeded();
    expect(labelOf(store, { entry: { kind: 'order.cancel', payload: {}, targetId: 7 } })).toBe('Cancel order INV-7');
  });

  it('skip, reschedule and change interval each say what they do, and of which order', () => {
    const store = seeded();
    expect(labelOf(store, planPaymentUpdate(store.cache, 11, { status: 'skipped' }))).toBe('Skip payment due 2030-03-01 of order INV-2041');
    expect(labelOf(store, planPaymentUpdate(store.cache, 12, { status: 'scheduled', scheduled_at: '2031-01-05T09:00:00Z' }))).toBe(
      'Reschedule payment of order 99620 to 2031-01-05',
    );
    expect(labelOf(store, planPaymentUpdate(store.cache, 11, { scheduled_interval: 3, scheduled_duration_unit: 'WEEK' }))).toBe(
      'Change billing interval of order INV-2041 to every 3 weeks',
    );
  });

  it('customers and new orders are named by email and invoice id', () => {
    const store = seeded();
    const customer = { first_name: 'Dana', last_name: 'Ng', email: 'dana@example.com' };
    expect(changeOf('customer.create').label({ payload: customer, targetId: -1 }, store.cache)).toBe('Create customer dana@example.com');
    expect(changeOf('customer.update').label({ payload: customer, targetId: 3 }, store.cache)).toBe('Update customer dana@example.com');
    const payload = { order_type: 'single_payment', order: { customer_id: 1, currency: 'EUR', invoice_id: 'BPD-1', order_products: [{ product_id: 1 }] } };
    expect(changeOf('order.create').label({ payload, targetId: -4 }, store.cache)).toBe('Create order BPD-1');
  });
});

describe('an order is named the same way everywhere', () => {
  it('by its invoice id, else "Order <id>"', () => {
    expect(orderName({ id: 99620, invoice_id: null })).toBe('Order 99620');
    expect(orderName({ id: 1, invoice_id: 'INV-2041' })).toBe('Order INV-2041');
    expect(orderInvoiceOrName({ id: 99620, invoice_id: null })).toBe('Order 99620');
    expect(orderInvoiceOrName({ id: 1, invoice_id: 'INV-2041' })).toBe('INV-2041');
  });
});

describe('"Edit and retry" offers each kind its own fields', () => {
  it('a customer: its basics first, then its address lines, required ones emptied to ""', () => {
    const payload = {
      first_name: 'Dana',
      last_name: 'Ng',
      email: 'dana@example.com',
      phone: 'not a phone',
      addresses: { billing_address: { street: '1 Main St', city: 'Leeds', country: 'GB', postal_code: 'LS1 1AA' } },
    };
    const fields = changeOf('customer.create').fields(payload);
    expect(fields.slice(0, 5).map((f) => f.key)).toEqual(['first_name', 'last_name', 'email', 'phone', 'date_of_birth']);
    expect(fields.find((f) => f.key === 'phone')).toMatchObject({ label: 'Phone', value: 'not a phone', whenEmpty: 'null' });
    expect(fields.find((f) => f.key === 'date_of_birth')).toMatchObject({ value: '', whenEmpty: 'omit', hint: 'DD/MM/YYYY' });
    expect(fields.find((f) => f.key === 'addresses.billing_address.postal_code')).toMatchObject({
      label: 'Billing address · Postal code',
      whenEmpty: 'blank',
    });
  });

  it("an order create: invoice id, note and each product's quantity and amount; a manage action: nothing", () => {
    const payload = {
      order_type: 'single_payment',
      order: { customer_id: 1, currency: 'EUR', invoice_id: 'BPD-1', order_products: [{ product_id: 4, qty: 2 }, { product_id: 9, amount: '5.00' }] },
    };
    const fields = changeOf('order.create').fields(payload);
    expect(fields.map((f) => f.key)).toEqual([
      'order.invoice_id',
      'order.note',
      'order.order_products.0.qty',
      'order.order_products.0.amount',
      'order.order_products.1.qty',
      'order.order_products.1.amount',
    ]);
    expect(fields[2]).toMatchObject({ label: 'Product 1 (#4) · Quantity', value: '2', numeric: true });
    expect(changeOf('order.cancel').fields({})).toEqual([]);
  });

  it('a scheduled-payment change: what it sets', () => {
    const fields = changeOf('scheduledPayment.update').fields({ status: 'scheduled', scheduled_at: '2031-01-05T09:00:00Z' });
    expect(fields.map((f) => [f.key, f.label])).toEqual([
      ['status', 'Status'],
      ['scheduled_at', 'Scheduled at'],
    ]);
  });
});
