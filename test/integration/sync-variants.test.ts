/**
 * The sync against BillPros that differ from the one we assume (issue 10): other page sizes, the
 * other list order, a server that ignores `page`, a rate limit, and answers past every bound.
 * Each runs the real SyncEngine (client, budget, store on a real file) against the sandbox over
 * loopback HTTP and proves: every row cached, none removed wrongly, requests bounded.
 */
import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { BillProClient } from '../../electron/core/billpro/client.ts';
import type { AttemptReport } from '../../electron/core/billpro/transport.ts';
import { openStore, type Store } from '../../electron/core/store/index.ts';
import { RequestBudget } from '../../electron/core/sync/budget.ts';
import { SyncEngine } from '../../electron/core/sync/engine.ts';
import { SyncPlan } from '../../electron/core/sync/plan.ts';
import { startSandbox, type RunningSandbox, type SandboxOptions } from '../../electron/sandbox/server.ts';
import { sandboxStats } from '../support/sync-batch.ts';

const SIZES = { products: 45, customers: 130, orders: 90 };
const cleanups: (() => Promise<void> | void)[] = [];

afterAll(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
});

interface Rig {
  sandbox: RunningSandbox;
  token: string;
  store: Store;
  engine: SyncEngine;
  plan: SyncPlan;
  clock: { now: number };
  requests: () => Promise<{ total: number; limited: number; byEndpoint: Record<string, number> }>;
  reports: unknown[];
}

async function rig(options: SandboxOptions, existing?: { store: Store; plan: SyncPlan }): Promise<Rig> {
  const sandbox = await startSandbox({ port: 0, seed: 5, ...SIZES, quiet: true, ...options });
  cleanups.push(() => sandbox.close());
  const token = sandbox.tokens[0]!.token;
  let store = existing?.store;
  if (!store) {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'desk-variants-'));
    store = openStore({ file: path.join(dir, 'cache.db'), encryptionKey: randomBytes(32).toString('hex') });
    const opened = store;
    cleanups.push(() => {
      opened.close();
      rmSync(dir, { recursive: true, force: true });
    });
  }
  const plan = existing?.plan ?? new SyncPlan(null);
  const clock = { now: Date.parse('2026-12-01T09:00:00Z') };
  const budget = new RequestBudget({ now: () => Date.now() });
  const onAttempt = (a: AttemptReport) => budget.note(a);
  const connection = { baseUrl: sandbox.baseUrl, token };
  const client = new BillProClient(connection, { timeoutMs: 5_000, backoffBaseMs: 20, backoffCapMs: 100, onAttempt });
  const probeClient = new BillProClient(connection, { timeoutMs: 2_000, maxAttempts: 1, onAttempt });
  const reports: unknown[] = [];
  const engine = new SyncEngine({
    store,
    client,
    probeClient,
    budget,
    plan,
    now: () => clock.now,
    report: (error) => reports.push(error),
    online: () => true,
    onProgress: () => undefined,
    onData: () => undefined,
    onRemovals: () => undefined,
  });
  cleanups.push(() => engine.close());
  const requests = async () => (await sandboxStats(sandbox.controlUrl, token)).requests;
  return { sandbox, token, store, engine, plan, clock, requests, reports };
}

function counts(store: Store) {
  return {
    products: store.cache.countSynced('products'),
    customers: store.cache.countSynced('customers'),
    orders: store.cache.countSynced('orders'),
  };
}

/** List requests a full pull may need: every page, one empty page per window, and the size estimate. */
function listRequestBound(rows: number, pageSize: number): number {
  return Math.ceil(rows / pageSize) + 4 + 16;
}

async function createCustomerAtBillPro(r: Rig, email: string): Promise<number> {
  const client = new BillProClient({ baseUrl: r.sandbox.baseUrl, token: r.token });
  const created = await client.createCustomer({ first_name: 'New', last_name: 'AtBillPro', email });
  return created.id;
}

describe('sync against sandbox variations', () => {
  for (const variant of [
    { name: 'pages of 20', options: { pageSize: 20 }, pageSize: 20 },
    { name: 'pages of 50', options: { pageSize: 50 }, pageSize: 50 },
    { name: 'newest first', options: { listOrder: 'newest_first' as const }, pageSize: 25 },
  ]) {
    it(`${variant.name}: caches every row, learns the list order, and brings a new customer in with one request`, async () => {
      const r = await rig(variant.options);
      await r.engine.syncEverything();
      expect(counts(r.store)).toEqual(SIZES);
      const requests = await r.requests();
      for (const [endpoint, rows] of [
        ['listProducts', SIZES.products],
        ['listCustomers', SIZES.customers],
        ['listOrders', SIZES.orders],
      ] as const) {
        expect(requests.byEndpoint[endpoint], endpoint).toBeLessThanOrEqual(listRequestBound(rows, variant.pageSize));
      }
      const order = variant.options.listOrder ?? 'oldest_first';
      expect(r.plan.facts('customers')).toMatchObject({ order, pageSize: variant.pageSize, count: SIZES.customers });

      // Steady state: a customer created at BillPro arrives with the next head refresh, cheaply.
      const id = await createCustomerAtBillPro(r, `variant.${variant.pageSize}.${order}@example.com`);
      const before = (await r.requests()).byEndpoint.listCustomers ?? 0;
      r.clock.now += r.engine.timing.headIntervalMs;
      await r.engine.tick();
      expect(r.store.cache.has('customers', id)).toBe(true);
      const used = ((await r.requests()).byEndpoint.listCustomers ?? 0) - before;
      expect(used).toBeGreaterThanOrEqual(1);
      expect(used).toBeLessThanOrEqual(2);
      // Nothing was removed by any of it.
      expect(r.store.cache.countSynced('customers')).toBe(SIZES.customers + 1);
    }, 60_000);
  }

  it('a server that ignores `page`: the pull stops at page 2 with a clear error, the cache as it was', async () => {
    const good = await rig({});
    await good.engine.syncEverything();
    const before = counts(good.store);
    const bad = await rig({ ignorePage: true }, { store: good.store, plan: good.plan });
    bad.clock.now = good.clock.now + 25 * 3_600_000; // a day later: the daily reconciliation
    await expect(bad.engine.syncEverything()).rejects.toThrow(/same products for page 2 as for page 1/);
    expect(counts(good.store)).toEqual(before);
    const requests = await bad.requests();
    expect(requests.total).toBeLessThanOrEqual(8);
    // The failed reconciliation is not started again at every tick: it waits (30 s, then longer).
    for (let i = 0; i < 5; i++) {
      bad.clock.now += 1_000;
      await bad.engine.tick();
    }
    const after = await bad.requests();
    expect((after.byEndpoint.listProducts ?? 0) - (requests.byEndpoint.listProducts ?? 0)).toBeLessThanOrEqual(2);
  }, 60_000);

  it('a rate limit (429 past N requests a minute): waits as told, every row cached, no request storm', async () => {
    const sizes = { products: 30, customers: 30, orders: 20 };
    const r = await rig({ ...sizes, rateLimitPerMinute: 15 });
    await r.engine.syncEverything();
    expect(counts(r.store)).toEqual(sizes);
    const requests = await r.requests();
    expect(requests.limited).toBeGreaterThan(0);
    // Each refused request is followed by a wait, not by more requests.
    const served = requests.total - requests.limited;
    expect(requests.limited).toBeLessThanOrEqual(served);
    expect(r.engine.pendingRemovals()).toEqual([]);
  }, 180_000);

  it('removes a few rows BillPro no longer lists after checking each by id, never a row with changes waiting', async () => {
    const r = await rig({});
    await r.engine.syncEverything();
    const [template] = r.store.cache.list('customers', { limit: 1 }).rows;
    r.store.cache.upsertMany('customers', [
      { ...template!.entity, id: 880_001, email: 'gone.1@example.com' },
      { ...template!.entity, id: 880_002, email: 'gone.2@example.com' },
    ]);
    // A real customer with a change waiting to be sent, which the list will not show either.
    r.store.cache.upsertMany('customers', [{ ...template!.entity, id: 880_003, email: 'pending@example.com' }]);
    r.store.outbox.enqueue(
      { kind: 'customer.update', payload: { first_name: 'P', last_name: 'Q', email: 'pending@example.com' }, targetId: 880_003 },
      () => undefined,
    );
    r.clock.now += 25 * 3_600_000;
    const outcome = await r.engine.syncEverything();
    expect(outcome.removed.customers).toBe(2);
    expect(r.store.cache.has('customers', 880_001)).toBe(false);
    expect(r.store.cache.has('customers', 880_003)).toBe(true);
    expect(r.store.cache.countSynced('customers')).toBe(SIZES.customers + 1);
  }, 60_000);

  it('holds a removal of more than 10 % for the operator: declined keeps every row, confirmed removes only those', async () => {
    const r = await rig({});
    await r.engine.syncEverything();
    const [template] = r.store.cache.list('orders', { limit: 1 }).rows;
    const ghosts = Array.from({ length: 20 }, (_, i) => ({ ...template!.entity, id: 770_000 + i, invoice_id: `GONE-${i}` }));
    r.store.cache.upsertMany('orders', ghosts);
    r.clock.now += 25 * 3_600_000;
    const outcome = await r.engine.syncEverything();
    expect(outcome.removed.orders ?? 0).toBe(0);
    expect(r.store.cache.countSynced('orders')).toBe(SIZES.orders + 20);
    const [pending] = r.engine.pendingRemovals();
    expect(pending).toMatchObject({ collection: 'orders', ids: ghosts.map((g) => g.id), listed: SIZES.orders });
    expect(pending!.reason).toMatch(/no longer shows 20 of the 110 cached/);

    expect(r.engine.decideRemoval('orders', false)).toBe(0);
    expect(r.store.cache.countSynced('orders')).toBe(SIZES.orders + 20);
    expect(r.engine.pendingRemovals()).toEqual([]);

    r.clock.now += 25 * 3_600_000;
    await r.engine.syncEverything();
    expect(r.engine.decideRemoval('orders', true)).toBe(20);
    expect(r.store.cache.countSynced('orders')).toBe(SIZES.orders);
  }, 60_000);

  it('a page with more rows than any page can have is refused, the cache as it was', async () => {
    const r = await rig({ pageSize: 1_500, products: 1_600, customers: 10, orders: 10 });
    await expect(r.engine.syncEverything()).rejects.toThrow(/1,500 products on page 1, more than the 1,000/);
    expect(counts(r.store)).toEqual({ products: 0, customers: 0, orders: 0 });
  }, 60_000);

  it('a list that runs on far past twice its known size stops at the page limit, the cache as it was', async () => {
    const small = await rig({ products: 10, customers: 10, orders: 10 });
    await small.engine.syncEverything();
    const before = counts(small.store);
    // The same profile, now answering 1,200 products (48 pages; the limit from 10 rows in pages of at most 10 is 2 × 10 ÷ 10 + 20 = 22).
    const grown = await rig({ products: 1_200, customers: 10, orders: 10 }, { store: small.store, plan: small.plan });
    grown.clock.now = small.clock.now + 25 * 3_600_000;
    await expect(grown.engine.syncEverything()).rejects.toThrow(/went on past page 22,/);
    // Nothing removed; rows of the pages before the limit are BillPro's and stay, page 22 is not written.
    expect(small.store.cache.countSynced('customers')).toBe(before.customers);
    expect(small.store.cache.countSynced('orders')).toBe(before.orders);
    expect(small.store.cache.countSynced('products')).toBeLessThanOrEqual(22 * 25);
    expect((await grown.requests()).byEndpoint.listProducts).toBeLessThanOrEqual(22 + 4);
  }, 60_000);
});

describe('answer bodies are capped', () => {
  async function serve(handler: Parameters<typeof createServer>[1]): Promise<string> {
    const server: Server = createServer(handler);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    cleanups.push(
      () =>
        new Promise<void>((resolve) => {
          server.closeAllConnections();
          server.close(() => resolve());
        }),
    );
    return `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/v1`;
  }

  it('refuses a declared Content-Length above 32 MiB without reading it, and does not ask again', async () => {
    let asked = 0;
    const baseUrl = await serve((_req, res) => {
      asked += 1;
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': String(2 * 1024 ** 3) });
      res.write('[');
      // Never finishes: the client must not wait for 2 GiB.
    });
    const client = new BillProClient({ baseUrl, token: 'test-token' }, { timeoutMs: 5_000 });
    await expect(client.listProducts(1)).rejects.toThrow(/is 2048 MiB, above the 32 MiB Desk reads in one answer/);
    expect(asked).toBe(1);
  });

  it('cuts off a streamed body without a length once it passes 32 MiB', async () => {
    const chunk = Buffer.alloc(1024 * 1024, 0x20);
    let sent = 0;
    const baseUrl = await serve((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.write('[');
      const more = (): void => {
        while (sent < 64 && !res.destroyed) {
          sent += 1;
          if (!res.write(chunk)) {
            res.once('drain', more);
            return;
          }
        }
        res.end(']');
      };
      more();
    });
    const client = new BillProClient({ baseUrl, token: 'test-token' }, { timeoutMs: 10_000 });
    const before = process.memoryUsage().rss;
    await expect(client.listProducts(1)).rejects.toThrow(/more than 32 MiB, above the 32 MiB/);
    expect(sent).toBeLessThan(64);
    expect(process.memoryUsage().rss - before).toBeLessThan(200 * 1024 * 1024);
  });
});
