/**
 * Searching the cache: a narrow term is ranked by relevance; a broad one (thousands of matches)
 * lists the newest matches first and still counts every match. Real encrypted file.
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
