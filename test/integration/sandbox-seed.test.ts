/**
 * The seeded world: every record is a valid BillPro wire object, the data is realistic and
 * self-consistent (phones valid for their country, histories that explain each status, future
 * events for live orders), and it scales to 100k orders.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  Customer,
  Order,
  ORDER_STATUSES,
  Product,
  PURCHASE_TYPES,
  ScheduledPayment,
} from '../../electron/common/wire.ts';
import { isValidPhoneNumber } from 'libphonenumber-js/max';
import type { CountryCode } from 'libphonenumber-js';
import { MERCHANT_PROFILES } from '../../electron/sandbox/profiles.ts';
import { DEFAULT_SEED_SIZES, seedSandbox } from '../../electron/sandbox/seed.ts';
import { startSandbox, type RunningSandbox } from '../../electron/sandbox/server.ts';
import { SandboxState } from '../../electron/sandbox/state.ts';
import { SandboxHttp } from './sandbox-http.ts';

const CLOCK_START = Date.parse('2026-11-01T09:00:00Z');

function seeded(seed = 1): SandboxState {
  const state = new SandboxState(MERCHANT_PROFILES, CLOCK_START, seed);
  state.origin = 'http://127.0.0.1:1';
  seedSandbox(state, seed, DEFAULT_SEED_SIZES);
  return state;
}

describe('seed data', () => {
  const state = seeded();

  it('is made of valid wire objects only', () => {
    for (const data of state.profiles.values()) {
      for (const product of data.products) expect(Product.safeParse(product).error).toBeUndefined();
      for (const customer of data.customers) expect(Customer.safeParse(customer).error).toBeUndefined();
      for (const order of data.orders) expect(Order.safeParse(order).error).toBeUndefined();
    }
    for (const payment of state.scheduledPayments.values())
      expect(ScheduledPayment.safeParse(payment).error).toBeUndefined();
  });

  it('sizes profile 1 by the options and gives profiles 2 and 3 small fixed sets', () => {
    const sizes = [...state.profiles.values()].map((d) => [
      d.products.length,
      d.customers.length,
      d.orders.length,
    ]);
    expect(sizes).toEqual([
      [40, 200, 600],
      [10, 30, 60],
      [8, 20, 40],
    ]);
  });

  it('gives customers unique emails per merchant and phones valid for their billing country', () => {
    for (const data of state.profiles.values()) {
      const emails = data.customers.map((c) => c.email.toLowerCase());
      expect(new Set(emails).size).toBe(emails.length);
      for (const customer of data.customers) {
        expect(customer.email).toMatch(/^[a-z]+\.[a-z]+\d*@example\.[a-z.]+$/);
        const billing = customer.addresses.find((a) => a.address_type === 'billing');
        if (customer.phone) {
          const valid = billing
            ? isValidPhoneNumber(customer.phone, billing.country as CountryCode)
            : isValidPhoneNumber(customer.phone);
          expect([customer.phone, valid]).toEqual([customer.phone, true]);
        }
        if (customer.date_of_birth) expect(customer.date_of_birth).toMatch(/^\d{2}\/\d{2}\/\d{4}$/);
      }
    }
  });

  it('covers every purchase type and status, with products of every type, some locked or inactive', () => {
    const data = state.profile(1);
    expect(new Set(data.orders.map((o) => o.order_type))).toEqual(new Set(PURCHASE_TYPES));
    const statuses = new Set(data.orders.map((o) => o.status));
    for (const status of ORDER_STATUSES) expect([status, statuses.has(status)]).toEqual([status, true]);
    expect(new Set(data.products.map((p) => p.product_type))).toEqual(new Set(PURCHASE_TYPES));
    expect(data.products.some((p) => p.lock_price)).toBe(true);
    expect(data.products.some((p) => p.lock_payment_config)).toBe(true);
    expect(data.products.some((p) => p.product_status === 'inactive')).toBe(true);
    expect(
      data.products.some((p) => p.tax) &&
        data.products.some((p) => p.discount) &&
        data.products.some((p) => p.fee),
    ).toBe(true);
  });

  it('spreads orders over the last ~18 months, ids in creation order, each for an existing customer', () => {
    for (const data of state.profiles.values()) {
      let previous = 0;
      for (const order of data.orders) {
        const created = Date.parse(order.created_at);
        expect(created).toBeGreaterThanOrEqual(previous);
        previous = created;
        expect(created).toBeLessThan(CLOCK_START);
        expect(created).toBeGreaterThan(CLOCK_START - 2 * 365 * 86_400_000);
        const customer = data.customersById.get(order.customer_id);
        expect(customer).toBeDefined();
        expect(Date.parse(customer!.created_at)).toBeLessThanOrEqual(created);
        expect(Date.parse(order.updated_at!)).toBeGreaterThanOrEqual(created);
      }
      const oldest = Date.parse(data.orders[0]!.created_at);
      if (data.orders.length > 100) expect(CLOCK_START - oldest).toBeGreaterThan(365 * 86_400_000);
    }
  });

  it('gives each status a billing history that explains it', () => {
    const now = new Date(CLOCK_START).toISOString();
    for (const order of state.orders.values()) {
      const events = state.paymentsOf(order.id);
      const future = events.filter((e) => e.scheduled_at > now);
      const uncollectedPast = events.filter((e) => e.scheduled_at <= now && e.status === 'scheduled');
      if (order.status !== 'suspended') expect(uncollectedPast).toEqual([]);
      if (
        ['pending', 'draft', 'rejected', 'cancelled'].includes(order.status) ||
        order.order_type === 'single_payment'
      ) {
        expect(events).toEqual([]);
      }
      if (order.order_type === 'subscription' && ['active', 'failed'].includes(order.status)) {
        expect(future.map((e) => e.status)).toEqual(['scheduled']);
      }
      if (order.order_type === 'subscription' && order.status === 'paused')
        expect(future.map((e) => e.status)).toEqual(['paused']);
      if (order.status === 'failed') expect(events.some((e) => e.status === 'soft-declined')).toBe(true);
      if (order.status === 'suspended') expect(events.some((e) => e.status === 'hard-declined')).toBe(true);
      if (order.order_type === 'instalment' && events.length > 0) {
        expect(events).toHaveLength(order.scheduled_duration_number!);
        const sum = events.reduce((total, e) => total + Math.round(Number(e.amount) * 100), 0);
        expect(sum).toBe(
          Math.round((Number(order.total_installment_amount) - Number(order.initial_amount)) * 100),
        );
        if (order.status === 'complete' && events.every((e) => e.status !== 'cancelled')) {
          expect(events.every((e) => e.status === 'complete' || e.status === 'recovered')).toBe(true);
        }
      }
    }
  });

  it('is the same for the same seed and different for another', () => {
    const again = seeded(1);
    const other = seeded(2);
    const dump = (s: SandboxState) =>
      JSON.stringify([...s.profiles.values()].map((d) => [d.products, d.customers, d.orders.slice(0, 50)]));
    expect(dump(again)).toBe(dump(state));
    expect(dump(other)).not.toBe(dump(state));
  });
});

describe('at scale', () => {
  let big: RunningSandbox;

  beforeAll(async () => {
    big = await startSandbox({ port: 0, orders: 100_000, customers: 20_000, products: 500 });
  }, 60_000);

  afterAll(async () => {
    await big?.close();
  });

  it('seeds 100k orders, 20k customers and 500 products and pages through them', async () => {
    const http = new SandboxHttp(big);
    const stats = await http.control<{
      orders: number;
      customers: number;
      duplicateEmails: string[];
      duplicateInvoiceIds: string[];
    }>('GET', '/stats?profile_id=1');
    expect(stats).toMatchObject({
      orders: 100_000,
      customers: 20_000,
      duplicateEmails: [],
      duplicateInvoiceIds: [],
    });
    const last = await http.ok<{ id: number }[]>('GET', '/orders?page=4000');
    expect(last).toHaveLength(25);
    expect(await http.ok('GET', '/orders?page=4001')).toEqual([]);
    expect(await http.ok<unknown[]>('GET', '/products?page=20')).toHaveLength(25);
    expect(await http.ok('GET', '/products?page=21')).toEqual([]);
    expect(await http.ok<unknown[]>('GET', '/customers?page=800')).toHaveLength(25);
  });
});
