/**
 * The Orders CSV export written in chunks: the file is complete and in list order whatever the
 * chunk size, the Desk's event loop gets its turn between chunks (other calls are answered while
 * a long export runs), and the file is of the orders as they were when it started.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ordersCsv, ordersCsvChunks } from '../../electron/core/orders-csv.ts';
import { openStore, type Store } from '../../electron/core/store/index.ts';

const dir = mkdtempSync(join(tmpdir(), 'billpro-csv-'));
const ORDERS = 250;
const T0 = Date.UTC(2025, 0, 1);
let store: Store;

function order(i: number) {
  return {
    id: i,
    order_type: 'single_payment',
    status: i % 3 === 0 ? 'paused' : 'active',
    invoice_id: `INV-${String(i).padStart(4, '0')}`,
    customer_id: (i % 5) + 1,
    currency: 'EUR',
    total_amount: `${i}.00`,
    products: [{ product_id: 1, amount: '1.00', name: i % 2 ? 'Plan, "gold"' : 'Plan' }],
    // Not in id order: the list order (created_at) must win over the storage order.
    created_at: new Date(T0 + ((i * 37) % ORDERS) * 60_000).toISOString(),
  };
}

beforeAll(() => {
  store = openStore({ file: join(dir, 'csv.db'), encryptionKey: 'csv-key' });
  store.cache.upsertMany(
    'customers',
    Array.from({ length: 5 }, (_, k) => ({
      id: k + 1,
      customer_id: `CUS${k + 1}`,
      first_name: `Given${k + 1}`,
      last_name: `Family${k + 1}`,
      email: `c${k + 1}@example.com`,
      created_at: new Date(T0).toISOString(),
      updated_at: new Date(T0).toISOString(),
    })),
  );
  store.cache.upsertMany('orders', Array.from({ length: ORDERS }, (_, k) => order(k + 1)));
});

afterAll(() => {
  store?.close();
  rmSync(dir, { recursive: true, force: true });
});

const COLUMNS = ['invoice_id', 'customer_name', 'products', 'status', 'total', 'created_at'] as const;

describe('orders CSV in chunks', () => {
  it('is the same file, complete and in list order, whatever the chunk size', async () => {
    const query = { sort: { field: 'created_at' as const, direction: 'desc' as const } };
    const whole = await ordersCsv(store, query, COLUMNS, { chunkRows: ORDERS * 2 });
    for (const chunkRows of [1, 7, 100]) {
      const chunked = await ordersCsv(store, query, COLUMNS, { chunkRows });
      expect(chunked).toEqual(whole);
    }
    expect(whole.rows).toBe(ORDERS);
    const lines = whole.csv.trimEnd().split('\r\n');
    expect(lines).toHaveLength(ORDERS + 1);
    expect(lines[0]).toBe('Invoice ID,Customer name,Products,Status,Total,Created at');
    // Newest first, as the list shows them.
    const created = lines.slice(1).map((line) => line.split(',').at(-1) ?? '');
    expect(created).toEqual([...created].sort().reverse());
    expect(new Set(lines.slice(1).map((line) => line.slice(0, 8))).size).toBe(ORDERS);
    // A quoted cell survives being split across chunks.
    expect(whole.csv).toContain('"Plan, ""gold"""');
  });

  it('exports exactly the filtered orders', async () => {
    const paused = await ordersCsv(store, { filter: { status: 'paused' } }, ['order_id', 'status'], { chunkRows: 10 });
    expect(paused.rows).toBe(Math.floor(ORDERS / 3));
    expect(new Set(paused.csv.trimEnd().split('\r\n').slice(1).map((l) => l.split(',')[1]))).toEqual(new Set(['Paused']));
  });

  it('lets other work run between chunks', async () => {
    let otherTurns = 0;
    let chunks = 0;
    const ticker = setInterval(() => (otherTurns += 1), 0);
    try {
      for await (const _piece of ordersCsvChunks(store, {}, ['order_id'], {
        chunkRows: 25,
        pause: () => new Promise((resolve) => setTimeout(resolve, 1)),
      })) {
        chunks += 1;
      }
    } finally {
      clearInterval(ticker);
    }
    expect(chunks).toBe(1 + ORDERS / 25);
    expect(otherTurns).toBeGreaterThan(0);
    // And by default it yields with setImmediate: a task queued before it starts runs before it
    // ends (with no yield, only microtasks would run until the export is done). A 0 ms timer was
    // not a fair probe: Node fires it only once a millisecond has passed, and a fast run ends sooner.
    let fired = false;
    setImmediate(() => (fired = true));
    const done = await ordersCsv(store, {}, ['order_id'], { chunkRows: 50 });
    expect(done.rows).toBe(ORDERS);
    expect(fired).toBe(true);
  });

  it('is of the orders as they were when it started: later ones wait, removed ones are left out', async () => {
    const chunks = ordersCsvChunks(store, { sort: { field: 'id', direction: 'asc' } }, ['order_id'], { chunkRows: 50 });
    const header = await chunks.next();
    expect(header.value).toBe('Order ID\r\n');
    // While the export runs: an order arrives, another is removed.
    store.cache.upsertMany('orders', [order(ORDERS + 1)]);
    store.cache.remove('orders', 120);
    const pieces: string[] = [];
    for (;;) {
      const next = await chunks.next();
      if (next.done) {
        expect(next.value.rows).toBe(ORDERS - 1);
        break;
      }
      pieces.push(next.value);
    }
    const ids = pieces.join('').trimEnd().split('\r\n').map(Number);
    expect(ids).toEqual(Array.from({ length: ORDERS }, (_, k) => k + 1).filter((id) => id !== 120));
    store.cache.remove('orders', ORDERS + 1);
    store.cache.upsertMany('orders', [order(120)]);
  });

  it('stops when told to, and the next export is whole', async () => {
    const stop = new AbortController();
    const chunks = ordersCsvChunks(store, {}, ['order_id'], { chunkRows: 10, signal: stop.signal });
    await chunks.next();
    await chunks.next();
    stop.abort();
    await expect(chunks.next()).rejects.toThrow();
    const full = await ordersCsv(store, {}, ['order_id']);
    expect(full.rows).toBe(ORDERS);
  });
});
