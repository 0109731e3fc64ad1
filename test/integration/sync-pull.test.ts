/**
 * Pull sync through the Desk's contract against a real sandbox: progress events, a pull cut off
 * half-way that resumes from the page it saved, changes and removals at BillPro reflected in the
 * cache, reads answered from the cache while BillPro is off the network, and a cache file that
 * holds no customer data in the clear.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EventEnvelope, EventPayload } from '../../electron/common/contract.ts';
import { BillProClient } from '../../electron/core/billpro/client.ts';
import type { Customer } from '../../electron/common/wire.ts';
import { Desk } from '../../electron/core/desk.ts';
import { cacheKeyAccount, KeytarSecretStore } from '../../electron/core/secrets.ts';
import { openStore } from '../../electron/core/store/index.ts';
import { startSandbox, type RunningSandbox } from '../../electron/sandbox/server.ts';
import { startNetSwitch, type NetSwitch } from '../support/net-switch.ts';
import { addFaults, caller, clearFaults, sandboxStats, until, type Call } from '../support/sync-batch.ts';

const PROBE_MS = 100;
const secrets = new KeytarSecretStore();
let sandbox: RunningSandbox;
let network: NetSwitch;
let baseUrl: string;
let token: string;
let client: BillProClient;
const dataDirs: string[] = [];
const desks: Desk[] = [];

beforeAll(async () => {
  sandbox = await startSandbox({ port: 0, seed: 9, products: 30, customers: 300, orders: 150, quiet: true });
  network = await startNetSwitch(sandbox.port);
  baseUrl = `http://127.0.0.1:${network.port}/api/v1`;
  token = sandbox.tokens[0]!.token;
  client = new BillProClient({ baseUrl: sandbox.baseUrl, token });
});

afterAll(async () => {
  for (const desk of desks) await desk.close();
  await network.close();
  await sandbox.close();
  for (const dir of dataDirs) rmSync(dir, { recursive: true, force: true });
});

interface Opened {
  desk: Desk;
  call: Call;
  dataDir: string;
  events: EventEnvelope[];
}

async function openDesk(dataDir?: string): Promise<Opened> {
  const dir = dataDir ?? mkdtempSync(path.join(os.tmpdir(), 'desk-pull-'));
  if (!dataDir) dataDirs.push(dir);
  const desk = await Desk.create({
    dataDir: dir,
    secrets,
    mode: 'web',
    version: 'test',
    platform: process.platform,
    tuning: { requestTimeoutMs: 3_000, probeIntervalMs: PROBE_MS, syncIntervalMs: 60_000 },
  });
  desks.push(desk);
  const events: EventEnvelope[] = [];
  desk.onEvent((e) => events.push(e));
  return { desk, call: caller(desk), dataDir: dir, events };
}

function payloads<E extends 'progress' | 'connectivity' | 'dataRefreshed'>(
  events: EventEnvelope[],
  name: E,
): EventPayload<E>[] {
  return events.filter((e) => e.event === name).map((e) => e.payload as EventPayload<E>);
}

async function allCustomers(): Promise<Customer[]> {
  const all: Customer[] = [];
  for await (const page of client.listCustomersPages()) all.push(...page.items);
  return all;
}

function cacheFile(dataDir: string, profileId: string): string {
  return path.join(dataDir, 'profiles', profileId, 'cache.db');
}

/** Opens the profile's cache as the Desk does (key from the keychain), for a look at what it stored. */
async function withStore<T>(
  dataDir: string,
  profileId: string,
  look: (store: ReturnType<typeof openStore>) => T,
): Promise<T> {
  const key = await secrets.get(cacheKeyAccount(profileId));
  const store = openStore({ file: cacheFile(dataDir, profileId), encryptionKey: key! });
  try {
    return look(store);
  } finally {
    store.close();
  }
}

describe('pull sync', () => {
  let main: Opened;
  let profileId: string;

  it('reports progress per collection and lands every row BillPro lists', async () => {
    main = await openDesk();
    ({ id: profileId } = await main.call('profiles.add', {
      name: 'Pull',
      environment: 'custom',
      baseUrl,
      token,
    }));
    await main.call('sync.now', { profileId });

    const progress = payloads(main.events, 'progress').filter((p) => p.profileId === profileId);
    const stats = await sandboxStats(sandbox.controlUrl, token);
    for (const collection of ['products', 'customers', 'orders'] as const) {
      const done = progress.filter((p) => p.collection === collection && !p.finished).map((p) => p.done);
      expect(done.length, `${collection} progress events`).toBeGreaterThan(0);
      expect(done).toEqual([...done].sort((a, b) => a - b)); // counts only go up
    }
    expect(progress.filter((p) => p.collection === 'customers').at(-1)?.done).toBe(stats.customers);
    expect(progress.filter((p) => p.collection === 'scheduled_payments').length).toBeGreaterThan(0);
    expect(progress.at(-1)).toMatchObject({ finished: true, collection: null });
    const refreshed = payloads(main.events, 'dataRefreshed').flatMap((p) => p.collections);
    expect(new Set(refreshed)).toEqual(new Set(['products', 'customers', 'orders', 'scheduled_payments']));
    // A first sync tells the screens once the first pages of a list are in the cache, not only
    // when the whole list is: 300 customers (12 pages, windows of 4) announce before their pull ends.
    const mine = main.events.filter((e) => (e.payload as { profileId?: string }).profileId === profileId);
    const firstCustomers = mine.findIndex(
      (e) => e.event === 'dataRefreshed' && (e.payload as EventPayload<'dataRefreshed'>).collections.includes('customers'),
    );
    const lastCustomersProgress = mine.findLastIndex((e) => {
      const p = e.payload as EventPayload<'progress'>;
      return e.event === 'progress' && p.collection === 'customers' && !p.finished;
    });
    expect(firstCustomers).toBeGreaterThan(-1);
    expect(firstCustomers).toBeLessThan(lastCustomersProgress);

    expect((await main.call('customers.list', { profileId, limit: 1 })).total).toBe(stats.customers);
    expect((await main.call('orders.list', { profileId, limit: 1 })).total).toBe(stats.orders);
    expect((await main.call('products.list', { profileId, limit: 1 })).total).toBe(30);
    const history = (await main.call('sync.history', { profileId })).entries;
    expect(history.filter((h) => h.full && h.error === null).map((h) => h.collection)).toEqual(
      expect.arrayContaining(['products', 'customers', 'orders']),
    );
  });

  it('reflects an order cancelled and a customer renamed at BillPro after the next sync', async () => {
    const order = (await main.call('orders.list', { profileId, status: ['pending'], limit: 1 })).rows[0]!;
    const customer = (await main.call('customers.list', { profileId, limit: 1 })).rows[0]!;
    await client.cancelOrder(order.id);
    await client.patchCustomer(customer.id, { last_name: 'Renamed-At-BillPro' });
    expect((await main.call('orders.get', { profileId, id: order.id })).status).toBe('pending'); // not synced yet

    await main.call('sync.now', { profileId });
    expect((await main.call('orders.get', { profileId, id: order.id })).status).toBe('cancelled');
    expect(
      (await main.call('orders.list', { profileId, status: ['cancelled'], limit: 1000 })).rows.map(
        (o) => o.id,
      ),
    ).toContain(order.id);
    const found = await main.call('customers.list', { profileId, search: 'Renamed-At-BillPro' });
    expect(found.rows.map((c) => c.id)).toEqual([customer.id]);
  });

  it('drops rows BillPro no longer lists on a full pull, and keeps rows created here that wait to be sent', async () => {
    // The sandbox cannot delete a customer, so the cache is given rows BillPro never listed: the
    // state a cache is in after a customer and an order were removed at BillPro since the last sync.
    await main.desk.close();
    await withStore(main.dataDir, profileId, (store) => {
      const [template] = store.cache.list('customers', { limit: 1 }).rows;
      const [order] = store.cache.list('orders', { limit: 1 }).rows;
      store.cache.upsertMany('customers', [
        { ...template!.entity, id: 990_001, email: 'gone@example.com', last_name: 'Removed' },
      ]);
      store.cache.upsertMany('orders', [{ ...order!.entity, id: 990_002, invoice_id: 'REMOVED-AT-BILLPRO' }]);
    });
    main = await openDesk(main.dataDir);
    expect((await main.call('customers.get', { profileId, id: 990_001 })).last_name).toBe('Removed');

    await network.off();
    const local = await main.call('customers.create', {
      profileId,
      customer: { first_name: 'Local', last_name: 'Only', email: 'local.only@example.com' },
    });
    await network.on();
    // Hold the create back (BillPro answers it with a 503 until then) while the full pull runs.
    await addFaults(sandbox.controlUrl, token, [{ kind: '5xx', method: 'POST', path: '/customers' }]);
    await until(async () => {
      const status = await main.call('sync.status', { profileId });
      return status.connectivity === 'online' && !status.syncing;
    }, 'a sync after coming back online');
    await main.call('sync.now', { profileId });

    await expect(main.call('customers.get', { profileId, id: 990_001 })).rejects.toThrow(/NOT_FOUND/);
    expect((await main.call('orders.list', { profileId, search: 'REMOVED-AT-BILLPRO' })).total).toBe(0);
    const kept = await main.call('customers.get', { profileId, id: local.id });
    expect(kept).toMatchObject({ email: 'local.only@example.com', pending: 1 });

    await clearFaults(sandbox.controlUrl, token);
    await until(
      async () => (await main.call('sync.status', { profileId })).pending === 0,
      'the local customer to be sent',
      15_000,
    );
    expect((await allCustomers()).filter((c) => c.email === 'local.only@example.com')).toHaveLength(1);
  });

  it('answers reads from the cache while BillPro is off the network, and comes back online by itself', async () => {
    const cachedOrder = (await main.call('orders.list', { profileId, limit: 1 })).rows[0]!;
    main.events.length = 0;
    await network.off();

    const failed = await main.desk.dispatch('sync.now', { profileId });
    expect(failed).toMatchObject({ ok: false, error: { code: 'NETWORK' } });
    const started = performance.now();
    const customers = await main.call('customers.list', { profileId, limit: 50 });
    const order = await main.call('orders.get', { profileId, id: cachedOrder.id });
    const readMs = performance.now() - started;
    expect(customers.rows).toHaveLength(50);
    expect(customers.syncedAt).not.toBeNull();
    expect(order.id).toBe(cachedOrder.id);
    expect(readMs).toBeLessThan(250); // from the cache, not waiting on the network
    expect((await main.call('sync.status', { profileId })).connectivity).toBe('unreachable');

    await network.on();
    await until(
      () =>
        payloads(main.events, 'connectivity').some((c) => c.profileId === profileId && c.state === 'online'),
      'the probe to find BillPro again',
      5_000,
    );
    const states = payloads(main.events, 'connectivity')
      .filter((c) => c.profileId === profileId)
      .map((c) => c.state);
    expect(states.indexOf('unreachable')).toBeGreaterThanOrEqual(0);
    expect(states.lastIndexOf('online')).toBeGreaterThan(states.indexOf('unreachable'));
    await main.call('sync.now', { profileId });
  });

  it('resumes a pull cut off half-way from the page it saved, and still gets every row', async () => {
    const second = await openDesk();
    const { id } = await second.call('profiles.add', {
      name: 'Resume',
      environment: 'custom',
      baseUrl,
      token,
    });
    // Slow customer pages, so the pull is still on them when the app quits.
    await addFaults(sandbox.controlUrl, token, [
      { kind: 'latency', method: 'GET', path: '/customers', latencyMs: 150 },
    ]);
    second.desk.onEvent(({ event, payload }) => {
      const p = payload as EventPayload<'progress'>;
      if (event === 'progress' && p.collection === 'customers' && p.done > 0) void second.desk.close();
    });
    await second.desk.dispatch('sync.now', { profileId: id });
    await second.desk.close();
    await clearFaults(sandbox.controlUrl, token);

    const total = (await allCustomers()).length;
    const saved = await withStore(second.dataDir, id, (store) => ({
      state: store.cache.syncState('customers'),
      cached: store.cache.list('customers', { limit: 1 }).total,
    }));
    expect(saved.state.nextPage).toBeGreaterThan(1);
    expect(saved.cached).toBe((saved.state.nextPage! - 1) * 25);
    expect(saved.cached).toBeLessThan(total);

    const resumed = await openDesk(second.dataDir);
    await resumed.call('sync.now', { profileId: id });
    const runs = (await resumed.call('sync.history', { profileId: id })).entries.filter(
      (h) => h.collection === 'customers',
    );
    const resumedRun = runs.find((h) => !h.full && h.error === null);
    console.log(
      `[sync-pull] interrupted after ${saved.cached} of ${total} customers; resumed at page ${saved.state.nextPage} ` +
        `and fetched ${resumedRun?.rows ?? '?'} rows in ${resumedRun?.pages ?? '?'} pages`,
    );
    expect(resumedRun).toMatchObject({ rows: total - saved.cached });
    expect((await resumed.call('customers.list', { profileId: id, limit: 1 })).total).toBe(total);
  });
});

describe('the cache at rest', () => {
  it('holds no customer name or email in the clear, and does not open without its key', async () => {
    const opened = await openDesk();
    const { id } = await opened.call('profiles.add', {
      name: 'At rest',
      environment: 'custom',
      baseUrl,
      token,
    });
    await opened.call('sync.now', { profileId: id });
    await opened.call('customers.create', {
      profileId: id,
      customer: {
        first_name: 'Zephyrine',
        last_name: 'Quackenbush',
        email: 'zephyrine.quackenbush@example.com',
      },
    });
    const customers = (await opened.call('customers.list', { profileId: id, limit: 1000 })).rows;
    expect(customers.length).toBeGreaterThan(100);

    // Read while the Desk is running (much of it still in the -wal), then again after it closed.
    const file = cacheFile(opened.dataDir, id);
    const raw = (): Buffer => {
      const parts = [readFileSync(file)];
      try {
        parts.push(readFileSync(`${file}-wal`));
      } catch {
        // no WAL after a clean close
      }
      return Buffer.concat(parts);
    };
    const needles = [
      'Zephyrine',
      'Quackenbush',
      'zephyrine.quackenbush@example.com',
      ...customers.slice(0, 40).flatMap((c) => [c.email, `${c.first_name} ${c.last_name}`]),
      token,
    ];
    for (const bytes of [raw(), await opened.desk.close().then(raw)]) {
      expect(bytes.length).toBeGreaterThan(4096);
      const latin = bytes.toString('latin1');
      const wide = bytes.toString('utf16le');
      expect(needles.filter((n) => latin.includes(n) || wide.includes(n))).toEqual([]);
      expect(latin.startsWith('SQLite format 3')).toBe(false);
    }

    const key = (await secrets.get(cacheKeyAccount(id)))!;
    const wrong = key.replace(/^./, (c) => (c === '0' ? '1' : '0'));
    expect(() => openStore({ file, encryptionKey: wrong })).toThrow();
    const store = openStore({ file, encryptionKey: key });
    expect(store.cache.list('customers', { search: 'Quackenbush' }).total).toBe(1);
    store.close();
  });
});
