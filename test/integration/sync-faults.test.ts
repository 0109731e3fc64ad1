/**
 * The outbox under a flaky BillPro: 30 % of requests (reads and writes) fail in one way — a 5xx
 * before processing, a connection reset after processing, an answer held back past the Desk's
 * timeout, or a 429. A queue of 40+ mixed mutations, made offline, still drains with every
 * mutation at the sandbox exactly once.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { Desk } from '../../electron/core/desk.ts';
import { cacheKeyAccount, KeytarSecretStore } from '../../electron/core/secrets.ts';
import { openStore } from '../../electron/core/store/index.ts';
import { startSandbox, type SandboxOptions } from '../../electron/sandbox/server.ts';
import { startNetSwitch } from '../support/net-switch.ts';
import {
  addFaults,
  caller,
  clearFaults,
  control,
  enqueueMixedBatch,
  sandboxStats,
  until,
  verifyAtSandbox,
  writeRequests,
  type BatchSizes,
} from '../support/sync-batch.ts';

const SANDBOX: SandboxOptions = { seed: 11, products: 8, customers: 20, orders: 80, quiet: true };
const SIZES: BatchSizes = { newCustomers: 10, ordersForNew: 10, ordersForExisting: 10, cancels: 6, skips: 6 };
const REQUEST_TIMEOUT_MS = 300;

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** A sandbox behind a switchable relay, a Desk on a fresh data folder, and a synced profile for it. */
async function openProfile(name: string, requestTimeoutMs: number) {
  const sandbox = await startSandbox({ ...SANDBOX, port: 0 });
  cleanups.push(() => sandbox.close());
  const network = await startNetSwitch(sandbox.port);
  cleanups.push(() => network.close());
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'desk-faults-'));
  cleanups.push(() => rmSync(dataDir, { recursive: true, force: true }));
  const token = sandbox.tokens[0]!.token;
  const desk = await Desk.create({
    dataDir,
    secrets: new KeytarSecretStore(),
    mode: 'web',
    version: 'test',
    platform: process.platform,
    tuning: { requestTimeoutMs, probeIntervalMs: 50, syncIntervalMs: 60_000 },
  });
  cleanups.push(() => desk.close());
  const call = caller(desk);
  const baseUrl = `http://127.0.0.1:${network.port}/api/v1`;
  const { id: profileId } = await call('profiles.add', { name, environment: 'custom', baseUrl, token });
  await call('sync.now', { profileId });
  return { sandbox, network, token, call, profileId, desk, dataDir };
}

async function pushUnder(kind: string, fault: Record<string, unknown>): Promise<void> {
  const started = Date.now();
  const { sandbox, network, token, call, profileId } = await openProfile(kind, REQUEST_TIMEOUT_MS);

  // Offline: connections are refused while the batch is queued.
  await network.off();
  const plan = await enqueueMixedBatch(call, profileId, SIZES, 7, kind.replace(/\W/g, ''));
  expect((await call('sync.status', { profileId })).pending).toBe(plan.total);

  // Back, but flaky.
  await addFaults(sandbox.controlUrl, token, [{ kind, rate: 0.3, ...fault }]);
  await network.on();
  await until(
    async () => (await call('sync.status', { profileId })).pending === 0,
    'the outbox to drain',
    30_000,
    50,
  );

  const stats = await sandboxStats(sandbox.controlUrl, token);
  const { entries } = await call('outbox.list', { profileId, limit: 500 });
  const pulls = (await call('sync.history', { profileId, limit: 500 })).entries.filter(
    (h) => h.collection === 'customers',
  ).length;
  // Read back without faults, so the count itself cannot be wrong.
  await clearFaults(sandbox.controlUrl, token);
  const verdict = await verifyAtSandbox(sandbox.baseUrl, token, plan);
  console.log(
    `[sync-faults ${kind} 30%] mutations: ${plan.total}; write requests received: ${writeRequests(stats)}; ` +
      `requests in all: ${stats.requests.total} (${pulls} pulls); duplicates: ${verdict.duplicates.length}; lost: ${verdict.lost.length}; ` +
      `wrong: ${verdict.wrong.length}; ${((Date.now() - started) / 1000).toFixed(1)} s`,
  );
  expect(
    entries
      .filter((e) => e.state !== 'done')
      .map((e) => `${e.summary}: ${e.state} ${e.lastError?.message ?? ''}`),
  ).toEqual([]);
  expect(entries).toHaveLength(plan.total);
  expect(verdict.duplicates).toEqual([]);
  expect(verdict.lost).toEqual([]);
  expect(verdict.wrong).toEqual([]);
  expect(verdict.landed).toBe(plan.total);
  expect(stats.duplicateEmails).toEqual([]);
  expect(stats.duplicateInvoiceIds).toEqual([]);
}

describe('the outbox drains with no duplicate and nothing lost when 30 % of requests fail', () => {
  it('with a 5xx before processing', () => pushUnder('5xx', {}), 60_000);
  it('with the connection reset after processing', () => pushUnder('reset_after', {}), 60_000);
  it(
    'with answers held back past the Desk’s timeout',
    () => pushUnder('timeout', { latencyMs: REQUEST_TIMEOUT_MS * 2 }),
    60_000,
  );
  it('with 429 Too Many Requests', () => pushUnder('429', { retryAfterSeconds: 0 }), 60_000);
});

describe('one troubled change', () => {
  it('that BillPro keeps failing with a 5xx does not hold back the changes queued after it', async () => {
    const { sandbox, network, token, call, profileId } = await openProfile('Troubled', REQUEST_TIMEOUT_MS * 3);
    const orders = (await call('orders.list', { profileId, status: ['pending'], limit: 3 })).rows;
    await network.off();
    await call('customers.create', {
      profileId,
      customer: { first_name: 'Poison', last_name: 'Pill', email: 'poison.pill@example.com' },
    });
    for (const order of orders) await call('orders.cancel', { profileId, id: order.id });
    // Every new customer now fails at BillPro; cancelling orders still works.
    await addFaults(sandbox.controlUrl, token, [{ kind: '5xx', method: 'POST', path: '/customers' }]);
    await network.on();

    await until(
      async () => (await call('sync.status', { profileId })).pending === 1,
      'the cancels to go out',
      8_000,
      50,
    );
    const { entries } = await call('outbox.list', { profileId });
    expect(entries.filter((e) => e.kind === 'order.cancel').map((e) => e.state)).toEqual([
      'done',
      'done',
      'done',
    ]);
    expect(entries.find((e) => e.kind === 'customer.create')?.state).toMatch(/pending|unknown|sending/);
  }, 30_000);

  it('whose lookup BillPro refused with a 429 is looked up again without anyone touching the app', async () => {
    const opened = await openProfile('Troubled', REQUEST_TIMEOUT_MS * 3);
    const { sandbox, token, profileId, dataDir } = opened;
    await opened.desk.close();
    // The app died while sending a new customer (its entry is `sending` on disk).
    const secrets = new KeytarSecretStore();
    const store = openStore({
      file: path.join(dataDir, 'profiles', profileId, 'cache.db'),
      encryptionKey: (await secrets.get(cacheKeyAccount(profileId)))!,
    });
    const customer = { first_name: 'Lena', last_name: 'Park', email: 'lena.park@example.com' };
    const tempId = store.cache.newTempId();
    const queued = store.outbox.enqueue({ kind: 'customer.create', payload: customer, targetId: tempId }, () => {
      store.cache.upsertMany(
        'customers',
        [
          {
            id: tempId,
            customer_id: '',
            ...customer,
            addresses: [],
            created_at: new Date().toISOString(),
            updated_at: new Date().toISOString(),
          },
        ],
        { force: true },
      );
    });
    store.outbox.markSending(queued.seq);
    store.close();

    // On restart, BillPro answers the first customer lists with 429 (and asks for a 1 s pause).
    await addFaults(sandbox.controlUrl, token, [
      { kind: '429', method: 'GET', path: '/customers', count: 9, retryAfterSeconds: 1 },
    ]);
    const desk = await Desk.create({
      dataDir,
      secrets,
      mode: 'web',
      version: 'test',
      platform: process.platform,
      tuning: { requestTimeoutMs: REQUEST_TIMEOUT_MS * 3, probeIntervalMs: 50, syncIntervalMs: 60_000 },
    });
    cleanups.push(() => desk.close());
    const call = caller(desk);
    await until(
      async () => (await call('sync.status', { profileId })).pending === 0,
      'the lookup to be tried again',
      15_000,
      50,
    );
    const { entries } = await call('outbox.list', { profileId });
    expect(entries.map((e) => e.state)).toEqual(['done']);
    const stats = await sandboxStats(sandbox.controlUrl, token);
    expect(stats.duplicateEmails).toEqual([]);
    expect((await control(sandbox.controlUrl, token, 'GET', '/faults')) as unknown[]).toEqual([]);
  }, 30_000);
});
