/**
 * Offline-first writes through the Desk's contract, against a sandbox that goes away and comes
 * back on the same address: temporary ids while offline, rewritten when BillPro answers; and a
 * rejected token that keeps the queue until the person supplies a new one.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EventEnvelope, EventPayload, OutboxEntrySummary } from '../../electron/common/contract.ts';
import { BillProClient } from '../../electron/core/billpro/client.ts';
import { Desk } from '../../electron/core/desk.ts';
import { KeytarSecretStore, tokenAccount } from '../../electron/core/secrets.ts';
import { startSandbox, type RunningSandbox, type SandboxOptions } from '../../electron/sandbox/server.ts';
import { startNetSwitch, type NetSwitch } from '../support/net-switch.ts';
import { caller, sandboxStats, until, writeRequests, type Call } from '../support/sync-batch.ts';

const SANDBOX: SandboxOptions = { seed: 3, products: 8, customers: 20, orders: 60, quiet: true };
const PROBE_MS = 100;
const secrets = new KeytarSecretStore();

let sandbox: RunningSandbox;
/** BillPro as the Desk reaches it: through a relay the tests switch off and on. */
let network: NetSwitch;
let baseUrl: string;
let dataDir: string;
let desk: Desk;
let call: Call;
let profileId: string;
let token: string;
const events: EventEnvelope[] = [];

async function openDesk(): Promise<void> {
  desk = await Desk.create({
    dataDir,
    secrets,
    mode: 'web',
    version: 'test',
    platform: process.platform,
    tuning: { requestTimeoutMs: 2_000, probeIntervalMs: PROBE_MS, syncIntervalMs: 60_000 },
  });
  desk.onEvent((e) => events.push(e));
  call = caller(desk);
}

const connectivity = (): string[] =>
  events.flatMap((e) => {
    if (e.event !== 'connectivity') return [];
    const payload = e.payload as EventPayload<'connectivity'>;
    return payload.profileId === profileId ? [payload.state] : [];
  });

beforeAll(async () => {
  sandbox = await startSandbox({ ...SANDBOX, port: 0 });
  token = sandbox.tokens[0]!.token;
  network = await startNetSwitch(sandbox.port);
  baseUrl = `http://127.0.0.1:${network.port}/api/v1`;
  dataDir = mkdtempSync(path.join(os.tmpdir(), 'desk-offline-'));
  await openDesk();
  ({ id: profileId } = await call('profiles.add', {
    name: 'Offline',
    environment: 'custom',
    baseUrl,
    token,
  }));
  await call('sync.now', { profileId });
});

afterAll(async () => {
  await desk.close();
  await network.close();
  await sandbox.close();
  rmSync(dataDir, { recursive: true, force: true });
});

/** Takes BillPro off the network (connections refused); `back()` brings it back, state intact. */
async function goOffline(): Promise<{ back(): Promise<void> }> {
  await network.off();
  return { back: () => network.on() };
}

describe('offline-created rows', () => {
  it('get temp ids, then real ids once BillPro has them, with the order pointing at the real customer', async () => {
    const product = (
      await call('products.list', { profileId, type: 'single_payment', status: 'active', limit: 1 })
    ).rows[0]!;
    const offline = await goOffline();

    const customer = await call('customers.create', {
      profileId,
      customer: {
        first_name: 'Ines',
        last_name: 'Okafor',
        email: 'ines.okafor@example.com',
        phone: '+447911123456',
      },
    });
    expect(customer).toMatchObject({ localOnly: true, pending: 1 });
    expect(customer.id).toBeLessThan(0);
    const order = await call('orders.create', {
      profileId,
      purchaseType: 'single_payment',
      order: {
        currency: product.currency,
        customer_id: customer.id,
        order_products: [{ product_id: product.id, qty: 2 }],
      },
    });
    expect(order.id).toBeLessThan(0);
    expect(order).toMatchObject({ customer_id: customer.id, localOnly: true, pending: 1, status: 'pending' });
    // Edited again before it ever reached BillPro: queued behind its create.
    await call('customers.update', {
      profileId,
      id: customer.id,
      customer: {
        first_name: 'Inès',
        last_name: 'Okafor',
        email: 'ines.okafor@example.com',
        phone: '+447911123456',
      },
    });
    const listed = await call('orders.list', { profileId, customerId: customer.id });
    expect(listed.rows.map((o) => o.id)).toEqual([order.id]);

    // A while offline with the Desk open: the queue must not be pushed into long backoffs meanwhile.
    await new Promise((resolve) => setTimeout(resolve, 2_500));
    const waiting = await call('sync.status', { profileId });
    expect(waiting).toMatchObject({ pending: 3, needsAttention: 0, connectivity: 'unreachable' });

    await offline.back();
    const backAt = Date.now();
    await until(
      async () => (await call('sync.status', { profileId })).pending === 0,
      'the outbox to drain',
      15_000,
      20,
    );
    const drainMs = Date.now() - backAt;
    console.log(
      `[sync-offline-ids] queue drained ${drainMs} ms after BillPro came back (probe every ${PROBE_MS} ms)`,
    );

    // The temp ids still open the rows, which now carry BillPro's ids.
    const landed = await call('customers.get', { profileId, id: customer.id });
    expect(landed.id).toBeGreaterThan(0);
    expect(landed).toMatchObject({ localOnly: false, pending: 0, first_name: 'Inès' });
    const placed = await call('orders.get', { profileId, id: order.id });
    expect(placed.id).toBeGreaterThan(0);
    expect(placed).toMatchObject({ customer_id: landed.id, localOnly: false, pending: 0 });
    expect((await call('orders.list', { profileId, customerId: landed.id })).rows.map((o) => o.id)).toEqual([
      placed.id,
    ]);

    const { entries } = await call('outbox.list', { profileId });
    const create = entries.find((e) => e.kind === 'order.create')!;
    expect(create).toMatchObject({ state: 'done', targetId: placed.id });
    expect((create.payload as { order: { customer_id: number } }).order.customer_id).toBe(landed.id);
    expect(entries.every((e) => e.state === 'done')).toBe(true);

    const client = new BillProClient({ baseUrl: sandbox.baseUrl, token });
    const atBillPro = await client.getOrder(placed.id);
    expect(atBillPro.customer_id).toBe(landed.id);
    expect((await client.getCustomer(landed.id)).first_name).toBe('Inès');
    expect((await sandboxStats(sandbox.controlUrl, token)).duplicateEmails).toEqual([]);
    // Back online, the queue goes out at once rather than after the backoff its offline attempts earned.
    expect(drainMs).toBeLessThan(2_000);
  }, 30_000);
});

describe('a queue that waited through an outage', () => {
  it('goes out as soon as BillPro is back, not after the backoff its offline attempts earned', async () => {
    const orders = (await call('orders.list', { profileId, status: ['pending'], limit: 4 })).rows;
    expect(orders).toHaveLength(4);
    const offline = await goOffline();
    await call('sync.now', { profileId }).catch(() => undefined); // finds BillPro gone
    for (const order of orders) await call('orders.cancel', { profileId, id: order.id });
    await desk.close();

    // The app is started again while BillPro is still away, and stays open for a while.
    events.length = 0;
    await openDesk();
    await call('sync.status', { profileId });
    await new Promise((resolve) => setTimeout(resolve, 3_000));
    expect(await call('sync.status', { profileId })).toMatchObject({
      pending: 4,
      connectivity: 'unreachable',
    });

    await offline.back();
    const backAt = Date.now();
    await until(
      async () => (await call('sync.status', { profileId })).pending === 0,
      'the outbox to drain',
      15_000,
      20,
    );
    const drainMs = Date.now() - backAt;
    console.log(
      `[sync-offline-ids] 4 cancels queued across a restart and a 3 s outage drained ${drainMs} ms after BillPro came back`,
    );
    const client = new BillProClient({ baseUrl: sandbox.baseUrl, token });
    for (const order of orders) {
      expect((await client.getOrder(order.id)).status).toBe('cancelled');
      expect(await call('orders.get', { profileId, id: order.id })).toMatchObject({
        status: 'cancelled',
        pending: 0,
      });
    }
    expect((await call('sync.status', { profileId })).needsAttention).toBe(0);
    expect(drainMs).toBeLessThan(1_500);
  }, 30_000);
});

describe('a rejected token', () => {
  it('marks the profile token_rejected, keeps the queue, and drains it after the token is replaced', async () => {
    const pending = (await call('orders.list', { profileId, status: ['pending'], limit: 1 })).rows[0]!;
    const offline = await goOffline();
    await call('customers.create', {
      profileId,
      customer: { first_name: 'Tomas', last_name: 'Reyes', email: 'tomas.reyes@example.com' },
    });
    await call('orders.cancel', { profileId, id: pending.id });
    await desk.close();

    // The keychain now holds a token BillPro refuses; the Desk reopens on it.
    await secrets.set(tokenAccount(profileId), 'f'.repeat(59));
    await offline.back();
    events.length = 0;
    await openDesk();
    await call('sync.status', { profileId });
    await until(() => connectivity().includes('token_rejected'), 'token_rejected');
    const writesBefore = writeRequests(await sandboxStats(sandbox.controlUrl, token));
    await new Promise((resolve) => setTimeout(resolve, 5 * PROBE_MS));

    const kept = (
      await call('outbox.list', {
        profileId,
        states: ['pending', 'sending', 'unknown', 'failed', 'conflict'],
      })
    ).entries;
    // Still waiting to go out (`unknown`: a send was cut off when BillPro went away; it is looked
    // up before being sent again) — nothing failed, nothing dropped.
    expect(kept.map((e: OutboxEntrySummary) => e.kind)).toEqual(['customer.create', 'order.cancel']);
    expect(kept.every((e) => e.state === 'pending' || e.state === 'unknown')).toBe(true);
    expect(await call('sync.status', { profileId })).toMatchObject({
      connectivity: 'token_rejected',
      pending: 2,
      needsAttention: 0,
    });
    expect((await call('profiles.list', {})).profiles.find((p) => p.id === profileId)).toMatchObject({
      connectivity: 'token_rejected',
      pendingChanges: 2,
    });
    // The pusher stopped: it does not keep hammering BillPro with a token it refused.
    expect(writeRequests(await sandboxStats(sandbox.controlUrl, token))).toBe(writesBefore);

    await call('profiles.update', { id: profileId, connection: { environment: 'custom', baseUrl, token } });
    await until(
      async () => (await call('sync.status', { profileId })).pending === 0,
      'the outbox to drain after the new token',
    );
    const done = (await call('outbox.list', { profileId })).entries.slice(-2);
    expect(done.map((e) => e.state)).toEqual(['done', 'done']);
    expect((await call('orders.get', { profileId, id: pending.id })).status).toBe('cancelled');
    expect(connectivity().at(-1)).toBe('online');
    const serialized = JSON.stringify(events);
    expect(serialized).not.toContain(token);
    expect(serialized).not.toContain('f'.repeat(59));
  });
});
