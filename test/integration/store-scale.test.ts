/**
 * 100k orders in one profile's cache: everything lands, counts and filtered pages stay right,
 * search finds one order among them. Correctness only — timings belong to the benchmarks.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore, type Store } from '../../electron/core/store/index.ts';
import { ORDER_STATUSES } from '../../electron/common/wire.ts';
import { codeLabel } from '../../electron/common/order-csv.ts';
import { ordersCsv } from '../../electron/core/orders-csv.ts';

const dir = mkdtempSync(join(tmpdir(), 'billpro-scale-'));
const ORDERS = 100_000;
const CUSTOMERS = 1_000;
const BATCH = 10_000;
const T0 = Date.UTC(2023, 0, 1);
let store: Store;

function order(i: number) {
  return {
    id: i,
    order_type: i % 4 === 0 ? 'subscription' : 'single_payment',
    status: ORDER_STATUSES[i % ORDER_STATUSES.length],
    invoice_id: `INV-${String(i).padStart(7, '0')}`,
    customer_id: (i % CUSTOMERS) + 1,
    currency: i % 2 === 0 ? 'EUR' : 'GBP',
    total_amount: `${i % 500}.${String(i % 100).padStart(2, '0')}`,
    products: [{ product_id: 1, amount: '1.00' }],
    created_at: new Date(T0 + i * 60_000).toISOString(),
  };
}

beforeAll(() => {
  store = openStore({ file: join(dir, 'scale.db'), encryptionKey: 'scale-key' });
  store.cache.upsertMany(
    'customers',
    Array.from({ length: CUSTOMERS }, (_, k) => ({
      id: k + 1,
      customer_id: `CUS${k + 1}`,
      first_name: `Given${k + 1}`,
      last_name: `Family${k + 1}`,
      email: `c${k + 1}@example.com`,
      created_at: new Date(T0).toISOString(),
      updated_at: new Date(T0).toISOString(),
    })),
  );
  for (let start = 1; start <= ORDERS; start += BATCH) {
    const result = store.cache.upsertMany(
      'orders',
      Array.from({ length: BATCH }, (_, k) => order(start + k)),
    );
    expect(result.written).toBe(BATCH);
  }
}, 180_000);

afterAll(() => {
  store?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('100k orders', () => {
  it('are all there, newest first', () => {
    const page = store.cache.list('orders', { limit: 3 });
    expect(page.total).toBe(ORDERS);
    expect(page.rows.map((r) => r.id)).toEqual([ORDERS, ORDERS - 1, ORDERS - 2]);
  });

  it('filter and count correctly', () => {
    const expected = (predicate: (i: number) => boolean) => {
      let n = 0;
      for (let i = 1; i <= ORDERS; i++) if (predicate(i)) n++;
      return n;
    };
    const paused = ORDER_STATUSES.indexOf('paused');
    const result = store.cache.list('orders', { filter: { status: 'paused', currency: 'EUR' }, limit: 1000 });
    const want = expected((i) => i % ORDER_STATUSES.length === paused && i % 2 === 0);
    expect(result.total).toBe(want);
    expect(result.rows).toHaveLength(Math.min(1000, want));
    expect(result.rows.every((r) => r.entity.status === 'paused' && r.entity.currency === 'EUR')).toBe(true);

    const forCustomer = store.cache.list('orders', {
      filter: { customer_id: 42 },
      sort: { field: 'created_at', direction: 'asc' },
    });
    expect(forCustomer.total).toBe(ORDERS / CUSTOMERS);
    expect(forCustomer.rows[0]?.id).toBe(41);

    const lastPage = store.cache.list('orders', {
      filter: { order_type: 'subscription' },
      offset: ORDERS / 4 - 2,
      limit: 10,
    });
    expect(lastPage.total).toBe(ORDERS / 4);
    expect(lastPage.rows).toHaveLength(2);
  });

  it('sort by total and find one invoice by search', () => {
    const top = store.cache.list('orders', { sort: { field: 'total', direction: 'desc' }, limit: 1 });
    expect(top.rows[0]?.entity.total_amount).toBe('499.99');
    const found = store.cache.list('orders', { search: 'INV-0087654' });
    expect(found.rows.map((r) => r.id)).toEqual([87654]);
    // A prefix search: given77 also matches Given770–Given779.
    expect(store.cache.list('orders', { search: 'given77', limit: 1 }).total).toBe((ORDERS / CUSTOMERS) * 11);
    expect(store.cache.list('orders', { search: 'c77@example.com', limit: 1 }).total).toBe(ORDERS / CUSTOMERS);
  });

  it('counts orders per status for the status chips, leaving the status filter itself out', () => {
    const counts = store.cache.countBy('orders', 'status', { filter: { status: 'paused', order_type: 'subscription' } });
    let total = 0;
    for (const [status, n] of counts) {
      const index = ORDER_STATUSES.indexOf(status as (typeof ORDER_STATUSES)[number]);
      let want = 0;
      for (let i = 1; i <= ORDERS; i++) if (i % 4 === 0 && i % ORDER_STATUSES.length === index) want++;
      expect(n, status).toBe(want);
      total += n;
    }
    expect(total).toBe(ORDERS / 4);
  });

  it('exports all 100k orders as CSV in list order with names, emails and human labels', async () => {
    const started = performance.now();
    const { csv, rows } = await ordersCsv(store, { sort: { field: 'created_at', direction: 'desc' } }, [
      'invoice_id',
      'customer_name',
      'customer_email',
      'products',
      'type',
      'status',
      'total',
    ]);
    const ms = performance.now() - started;
    const lines = csv.trimEnd().split('\r\n');
    expect(rows).toBe(ORDERS);
    expect(lines).toHaveLength(ORDERS + 1);
    expect(lines[0]).toBe('Invoice ID,Customer name,Customer email,Products,Type,Status,Total');
    // The newest order: id 100000, customer (100000 % 1000) + 1 = 1, a subscription.
    expect(lines[1]).toBe(`INV-0100000,Given1 Family1,c1@example.com,Product 1,Subscription,${codeLabel(ORDER_STATUSES[ORDERS % ORDER_STATUSES.length])},0.00`);
    expect(lines[ORDERS]).toMatch(/^INV-0000001,Given2 Family2,c2@example.com,Product 1,Single payment,/);
    // Filtered: exactly the rows the list counts.
    const paused = await ordersCsv(store, { filter: { status: 'paused' } }, ['order_id', 'status']);
    expect(paused.rows).toBe(store.cache.list('orders', { filter: { status: 'paused' }, limit: 1 }).total);
    expect(new Set(paused.csv.trimEnd().split('\r\n').slice(1).map((l) => l.split(',')[1]))).toEqual(new Set(['Paused']));
    console.info(`ordersCsv: ${ORDERS} orders in ${Math.round(ms)} ms`);
  });

  it('a full re-sync of an unchanged page only marks it seen', () => {
    const run = store.syncLog.recordSync({ collection: 'orders', full: true });
    const again = store.cache.upsertMany(
      'orders',
      Array.from({ length: BATCH }, (_, k) => order(k + 1)),
      { run },
    );
    expect(again).toEqual({ written: 0, unchanged: BATCH, keptPending: [] });
    // Only the re-sent page was seen by this run; a removeMissing would keep exactly those.
    expect(store.cache.list('orders').total).toBe(ORDERS);
  });
});
