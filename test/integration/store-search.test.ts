/**
 * Searching the cache: a narrow term ranks exact matches, then prefix matches, then the rest by
 * relevance; a broad one (thousands of matches) lists the newest matches first and still counts
 * every match. Real encrypted file.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore, type Store } from '../../electron/core/store/index.ts';

let dir: string;
let store: Store;

const order = (id: number, invoice: string) => ({
  id,
  order_type: 'single_payment',
  status: 'pending',
  customer_id: 1,
  currency: 'GBP',
  invoice_id: invoice,
  total_amount: '10.00',
  products: [],
  created_at: new Date(Date.UTC(2026, 0, 1) + id * 60_000).toISOString(),
});

beforeAll(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'desk-search-'));
  store = openStore({ file: path.join(dir, 'cache.db'), encryptionKey: 'k'.repeat(64) });
  // 2,500 "ZETA" orders (a broad term) and a few "OMEGA" ones (a narrow term).
  store.cache.upsertMany('orders', Array.from({ length: 2_500 }, (_, i) => order(i + 1, `ZETA-${i + 1}`)));
  store.cache.upsertMany('orders', [order(5_001, 'OMEGA-1'), order(5_002, 'OMEGA-2'), order(5_003, 'OMEGA-ZETA')]);
});

afterAll(() => {
  store.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('cache search', () => {
  it('counts every match of a broad term and lists the newest first, page after page', () => {
    const first = store.cache.list('orders', { search: 'zeta', limit: 100 });
    expect(first.total).toBe(2_501);
    expect(first.rows.map((r) => r.id).slice(0, 3)).toEqual([5_003, 2_500, 2_499]);
    const second = store.cache.list('orders', { search: 'zeta', limit: 100, offset: 100 });
    expect(second.rows[0]!.id).toBe(2_401);
    const last = store.cache.list('orders', { search: 'zeta', limit: 100, offset: 2_500 });
    expect(last.rows.map((r) => r.id)).toEqual([1]);
  });

  it('in a chosen order, lists every match in that order, broad term or narrow, page after page', () => {
    const newest = { field: 'created_at', direction: 'desc' } as const;
    const oldest = { field: 'created_at', direction: 'asc' } as const;
    // Broad: thousands of matches, read off the sort's index.
    const broad = store.cache.list('orders', { search: 'zeta', sort: newest, limit: 100 });
    expect(broad.total).toBe(2_501);
    expect(broad.rows.map((r) => r.id).slice(0, 3)).toEqual([5_003, 2_500, 2_499]);
    const later = store.cache.list('orders', { search: 'zeta', sort: oldest, limit: 100, offset: 2_400 });
    expect(later.rows.map((r) => r.id)).toEqual([...Array.from({ length: 100 }, (_, i) => 2_401 + i)]);
    const tail = store.cache.list('orders', { search: 'zeta', sort: oldest, limit: 100, offset: 2_500 });
    expect(tail.rows.map((r) => r.id)).toEqual([5_003]);
    // Narrow: a few matches, looked up and sorted.
    const narrow = store.cache.list('orders', { search: 'omega', sort: newest, limit: 10 });
    expect(narrow.total).toBe(3);
    expect(narrow.rows.map((r) => r.id)).toEqual([5_003, 5_002, 5_001]);
    const none = store.cache.list('orders', { search: 'omega-nothing', sort: newest, limit: 10 });
    expect(none.rows).toEqual([]);
  });

  it("counts a search's matches per status, with and without another filter", () => {
    const counts = store.cache.countBy('orders', 'status', { search: 'omega' });
    expect(Object.fromEntries(counts)).toEqual({ pending: 3 });
    const broad = store.cache.countBy('orders', 'status', { search: 'zeta', filter: { order_type: 'single_payment' } });
    expect([...broad.values()].reduce((a, b) => a + b, 0)).toBe(store.cache.list('orders', { search: 'zeta', limit: 1 }).total);
  });

  it('ranks a narrow term and counts exactly its matches', () => {
    const found = store.cache.list('orders', { search: 'omega', limit: 10 });
    expect(found.total).toBe(3);
    expect(found.rows.map((r) => r.id).sort()).toEqual([5_001, 5_002, 5_003]);
  });

  it('with another filter, counts only the rows that pass it', () => {
    store.cache.upsertMany('orders', [{ ...order(6_001, 'ZETA-LIVE'), status: 'active' }]);
    const active = store.cache.list('orders', { search: 'zeta', filter: { status: 'active' }, limit: 10 });
    expect(active.total).toBe(1);
    expect(active.rows.map((r) => r.id)).toEqual([6_001]);
  });
});

describe('search ranks exact, then prefix, then the rest', () => {
  const customer = (id: number, first: string, last: string, email: string, customerId = `CUS${id}`) => ({
    id,
    customer_id: customerId,
    first_name: first,
    last_name: last,
    email,
    addresses: [],
    created_at: new Date(Date.UTC(2026, 0, 1) + id * 60_000).toISOString(),
    updated_at: new Date(Date.UTC(2026, 0, 1) + id * 60_000).toISOString(),
  });

  beforeAll(() => {
    // The newer (higher id) look-alikes would win on relevance and recency alone.
    store.cache.upsertMany('customers', [
      customer(101, 'Jack', 'Taylor', 'jack.taylor@example.co.uk'),
      customer(102, 'Jack', 'Taylor', 'jack.taylor2@example.co.uk'),
      customer(103, 'Jack', 'Taylor', 'jack.taylor22@example.com'),
      customer(104, 'Taylor', 'Jackson', 'tj@example.com'),
      customer(105, 'Ann', 'Lee', 'ann_lee@example.com'),
      customer(106, 'Ann', 'Leek', 'annxlee@example.com'),
    ]);
    store.cache.upsertMany('orders', [
      { ...order(7_001, 'INV-7'), customer_id: 102 },
      { ...order(7_002, 'INV-70'), customer_id: 101 },
      { ...order(7_003, 'INV-700'), customer_id: 103 },
    ]);
  });

  const ids = (collection: 'customers' | 'orders', search: string) =>
    store.cache.list(collection, { search, limit: 10 }).rows.map((r) => r.id);

  it('typing jack.taylor@ puts jack.taylor@… first, not jack.taylor2@…', () => {
    expect(ids('customers', 'jack.taylor@')[0]).toBe(101);
    expect(ids('customers', 'jack.taylor@example.co.uk')).toEqual([101]);
    // "jack.taylor2" is a prefix of both taylor2 and taylor22: the exact email would still come first.
    expect(ids('customers', 'jack.taylor2@example.co.uk')[0]).toBe(102);
  });

  it('an exact name comes before names it is only the start of', () => {
    const found = ids('customers', 'jack taylor');
    expect(found.slice(0, 3).sort()).toEqual([101, 102, 103]);
    // Taylor Jackson matches both words too, but his name only contains them.
    expect(found[3]).toBe(104);
  });

  it("LIKE's wildcards in what was typed are plain characters", () => {
    // `ann_lee` must not treat `_` as "any character" and rank annxlee@ as a prefix match.
    expect(ids('customers', 'ann_lee@')[0]).toBe(105);
    expect(ids('customers', 'ann_lee@example.com')).toEqual([105]);
  });

  it("orders: an exact invoice id, then its prefix matches, then by the customer's email", () => {
    expect(ids('orders', 'INV-70')[0]).toBe(7_002);
    expect(ids('orders', 'inv-7').slice(0, 1)).toEqual([7_001]);
    expect(ids('orders', 'jack.taylor@')[0]).toBe(7_002);
  });
});
