/**
 * The Desk as the renderer sees it — every call through `dispatch`, as IPC and the web host make
 * it — against a real sandbox over loopback, the real keychain (the private gnome-keyring of the
 * test run) and a real encrypted cache on disk.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EventEnvelope, MethodInput, MethodName, MethodOutput, ProfilesState, Result } from '../../electron/common/contract.ts';
import { Desk } from '../../electron/core/desk.ts';
import { ProfilesStore } from '../../renderer/src/lib/profiles-store.svelte.ts';
import { KeytarSecretStore, SECRET_SERVICE, tokenAccount } from '../../electron/core/secrets.ts';
import { SandboxLauncher } from '../../electron/sandbox/launcher.ts';
import { startSandbox, type RunningSandbox } from '../../electron/sandbox/server.ts';

let sandbox: RunningSandbox;
let dataDir: string;
let desk: Desk;
const events: EventEnvelope[] = [];
const secrets = new KeytarSecretStore();
const results: unknown[] = [];

async function open(): Promise<Desk> {
  const opened = await Desk.create({
    dataDir,
    secrets,
    mode: 'web',
    version: 'test',
    platform: process.platform,
    tuning: { requestTimeoutMs: 5_000, probeIntervalMs: 200 },
    launchers: { sandbox: new SandboxLauncher() },
  });
  opened.onEvent((e) => events.push(e));
  return opened;
}

async function call<M extends MethodName>(name: M, input: MethodInput<M>): Promise<Result<MethodOutput<M>>> {
  const result = (await desk.dispatch(name, input)) as Result<MethodOutput<M>>;
  results.push(result);
  return result;
}

async function ok<M extends MethodName>(name: M, input: MethodInput<M>): Promise<MethodOutput<M>> {
  const result = await call(name, input);
  if (!result.ok) throw new Error(`${name} failed: ${result.error.code} ${result.error.message}`);
  return result.value;
}

const seedCustomer = {
  first_name: 'Dana',
  last_name: 'Borys',
  date_of_birth: '12/05/1995',
  email: 'dana.borys@example.com',
  phone: '+44770000000000',
  organisation: { name: 'TEST1', registration_number: '081234567', web_url: 'https://staging.billing.gg', vat: 'GB0123456789', description: 'Mutual society' },
  addresses: {
    billing_address: { street: '28 Milsom St', city: 'Bath', state: 'Avon', country: 'GB', postal_code: 'BA1 1DG' },
    shipping_address: { street: '28 Milsom St', city: 'Bath', state: 'Avon', country: 'GB', postal_code: 'BA1 1DG' },
  },
};

beforeAll(async () => {
  sandbox = await startSandbox({ port: 0, quiet: true });
  dataDir = mkdtempSync(path.join(os.tmpdir(), 'desk-data-'));
  desk = await open();
});

afterAll(async () => {
  await desk.close();
  await sandbox.close();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('Desk over the contract', () => {
  let sandboxProfile = '';
  let secondProfile = '';

  it('starts with no profiles, and "Try the sandbox" adds an active one whose token is in the keychain', async () => {
    expect((await ok('profiles.list', {})).profiles).toEqual([]);
    const state = await ok('profiles.trySandbox', {});
    expect(state.profiles).toHaveLength(1);
    sandboxProfile = state.activeId!;
    expect(state.profiles[0]).toMatchObject({ environment: 'sandbox', name: 'BillPro sandbox' });
    const stored = await secrets.get(tokenAccount(sandboxProfile));
    expect(stored).toMatch(/^[0-9a-f]{59}$/);
  });

  it('syncs and lists products, customers and orders from the cache', async () => {
    await ok('sync.now', { profileId: sandboxProfile });
    const products = await ok('products.list', { profileId: sandboxProfile, limit: 10 });
    expect(products.total).toBeGreaterThan(10);
    expect(products.rows).toHaveLength(10);
    expect(products.syncedAt).not.toBeNull();
    const customers = await ok('customers.list', { profileId: sandboxProfile, limit: 5 });
    expect(customers.total).toBeGreaterThan(0);
    const orders = await ok('orders.list', { profileId: sandboxProfile, limit: 5, status: ['active'] });
    expect(orders.rows.every((o) => o.status === 'active')).toBe(true);
    // Each order on a page names its customer as that customer's own record does (the page reads
    // the names in one go; an email stands in for a customer without a name).
    const page = await ok('orders.list', { profileId: sandboxProfile, limit: 100 });
    expect(new Set(page.rows.map((o) => o.customer_id)).size).toBeGreaterThan(10);
    for (const order of page.rows) {
      const customer = await ok('customers.get', { profileId: sandboxProfile, id: order.customer_id });
      expect(order.customer_name).toBe(`${customer.first_name} ${customer.last_name}`.trim() || customer.email);
    }
    const status = await ok('sync.status', { profileId: sandboxProfile });
    expect(status.connectivity).toBe('online');
    // Sync history names collections as every event does (one vocabulary: scheduled_payments).
    const history = await ok('sync.history', { profileId: sandboxProfile, limit: 50 });
    expect(new Set(history.entries.map((h) => h.collection))).toEqual(
      new Set(['products', 'customers', 'orders', 'scheduled_payments']),
    );
  });

  it('streams the Orders CSV byte for byte as the one-answer export, with the row count first; refuses bad input like dispatch', async () => {
    const input = { profileId: sandboxProfile, status: ['active' as const], columns: ['order_id' as const, 'customer_name' as const, 'products' as const] };
    const whole = await ok('orders.exportCsv', input);
    const opened = await desk.openStream('orders.exportCsv', input);
    if (!opened.ok) throw new Error(opened.error.message);
    expect(opened.rows).toBe(whole.rows);
    const pieces: string[] = [];
    for await (const piece of opened.chunks) pieces.push(piece);
    expect(pieces.join('')).toBe(whole.csv);
    const bad = await desk.openStream('orders.exportCsv', { profileId: sandboxProfile, columns: [] });
    expect(bad).toMatchObject({ ok: false, error: { code: 'BAD_INPUT' } });
    expect(bad).toEqual(await call('orders.exportCsv', { profileId: sandboxProfile, columns: [] }));
  });

  it('explains each connection failure when adding a profile', async () => {
    const bad = await call('profiles.add', { name: 'Bad', environment: 'custom', baseUrl: sandbox.baseUrl, token: 'f'.repeat(59) });
    expect(bad.ok).toBe(false);
    if (!bad.ok) expect(bad.error).toMatchObject({ code: 'AUTH_INVALID', message: expect.stringMatching(/did not accept this API token/) });

    const multi = sandbox.tokens[1]!;
    const needsProfile = await call('profiles.add', { name: 'Multi', environment: 'custom', baseUrl: sandbox.baseUrl, token: multi.token });
    expect(needsProfile.ok).toBe(false);
    if (!needsProfile.ok) expect(needsProfile.error.code).toBe('PROFILE_REQUIRED');

    const unreachable = await call('profiles.add', { name: 'Gone', environment: 'custom', baseUrl: 'http://127.0.0.1:9/api/v1', token: multi.token });
    expect(unreachable.ok).toBe(false);
    if (!unreachable.ok) expect(unreachable.error.code).toBe('NETWORK');

    const invalid = await call('profiles.add', { name: '', environment: 'custom', baseUrl: 'not a url', token: 'x' } as never);
    expect(invalid.ok).toBe(false);
    if (!invalid.ok) {
      expect(invalid.error.code).toBe('BAD_INPUT');
      expect(Object.keys(invalid.error.fields ?? {})).toEqual(expect.arrayContaining(['baseUrl', 'token', 'name']));
    }
    expect((await ok('profiles.list', {})).profiles).toHaveLength(1);
  });

  it('adds a second profile with a BillPro profile id and switches between them', async () => {
    const multi = sandbox.tokens[1]!;
    const added = await ok('profiles.add', {
      name: 'Northwind',
      environment: 'custom',
      baseUrl: sandbox.baseUrl,
      token: multi.token,
      billproProfileId: 2,
    });
    secondProfile = added.id;
    expect(added.billproProfileId).toBe(2);
    const switched = await ok('profiles.setActive', { id: secondProfile });
    expect(switched.activeId).toBe(secondProfile);
    await ok('sync.now', { profileId: secondProfile });
    const theirs = await ok('customers.list', { profileId: secondProfile, limit: 1000 });
    const ours = await ok('customers.list', { profileId: sandboxProfile, limit: 1000 });
    const overlap = theirs.rows.filter((c) => ours.rows.some((o) => o.id === c.id)); // BillPro ids are unique across the platform
    expect(overlap).toEqual([]); // each merchant's data stays its own
  });

  it('two quick switches: the one clicked last wins, even when the first one\'s event arrives after it', async () => {
    // The renderer's profile store, wired to this Desk; the Desk's events are held back and
    // delivered when the test says, as the browser's separate event channel may do.
    const listeners = new Map<string, Set<(payload: unknown) => void>>();
    const held: EventEnvelope[] = [];
    const stopHolding = desk.onEvent((e) => held.push(e));
    const store = new ProfilesStore({
      call: async (name, input) => {
        const result = await desk.dispatch(name, input);
        if (!result.ok) throw new Error(result.error.message);
        return result.value as never;
      },
      on: (event, listener) => {
        const set = listeners.get(event) ?? new Set();
        set.add(listener as (payload: unknown) => void);
        listeners.set(event, set);
        return () => set.delete(listener as (payload: unknown) => void);
      },
    });
    try {
      await store.load();
      await store.setActive(sandboxProfile);
      // Switch away and back without waiting: the second click must not be dropped as "already active".
      await Promise.all([store.setActive(secondProfile), store.setActive(sandboxProfile)]);
      expect(store.state.activeId).toBe(sandboxProfile);
      expect((await ok('profiles.list', {})).activeId).toBe(sandboxProfile);

      // A switch's event that arrives after a later switch's answer does not undo that switch.
      held.length = 0;
      await store.setActive(secondProfile);
      const late = held.find((e) => e.event === 'profilesChanged' && (e.payload as ProfilesState).activeId === secondProfile);
      expect(late).toBeDefined();
      await store.setActive(sandboxProfile);
      for (const listener of listeners.get('profilesChanged') ?? []) listener(late!.payload);
      expect(store.state.activeId).toBe(sandboxProfile);
      expect(store.active?.id).toBe(sandboxProfile);
    } finally {
      stopHolding();
      await ok('profiles.setActive', { id: secondProfile }); // as the tests below expect it
    }
  });

  it('shows BillPro\'s 422 beside the field, queues nothing, then saves the fixed customer', async () => {
    const refused = await call('customers.create', { profileId: sandboxProfile, customer: seedCustomer });
    expect(refused.ok).toBe(false);
    if (!refused.ok) {
      expect(refused.error.code).toBe('VALIDATION');
      expect(refused.error.fields).toEqual({ phone: ['is invalid'] });
    }
    expect((await ok('outbox.list', { profileId: sandboxProfile })).entries.filter((e) => e.state !== 'discarded' && e.state !== 'done')).toEqual([]);

    const saved = await ok('customers.create', {
      profileId: sandboxProfile,
      customer: { ...seedCustomer, phone: '+447911123456' },
    });
    expect(saved.id).toBeGreaterThan(0);
    expect(saved.customer_id).toMatch(/^[A-Z0-9]{10}$/);
    expect(saved.pending).toBe(0);
    const found = await ok('customers.list', { profileId: sandboxProfile, search: 'dana.borys' });
    expect(found.rows.map((c) => c.id)).toContain(saved.id);
  });

  it('creates an order and cancels it, with the cache following BillPro', async () => {
    const customers = await ok('customers.list', { profileId: sandboxProfile, limit: 1 });
    const products = await ok('products.list', { profileId: sandboxProfile, type: 'single_payment', status: 'active', limit: 1 });
    const product = products.rows[0]!;
    const order = await ok('orders.create', {
      profileId: sandboxProfile,
      purchaseType: 'single_payment',
      order: { currency: product.currency, customer_id: customers.rows[0]!.id, order_products: [{ product_id: product.id, qty: 2 }] },
    });
    expect(order.id).toBeGreaterThan(0);
    expect(order.status).toBe('pending');
    expect(order.invoice_id).toMatch(/^BPD-/);
    expect(order.payment_link).toBeTruthy();
    const cancelled = await ok('orders.cancel', { profileId: sandboxProfile, id: order.id });
    expect(cancelled.status).toBe('cancelled');
    const again = await call('orders.cancel', { profileId: sandboxProfile, id: order.id });
    expect(again.ok).toBe(false);
    if (!again.ok) expect(again.error.code).toBe('CONFLICT');
  });

  it('never lets a token out: no reply and no event carries one', () => {
    const tokens = [...sandbox.tokens.map((t) => t.token), 'f'.repeat(59)];
    const seen = JSON.stringify([results, events]);
    for (const token of tokens) expect(seen).not.toContain(token);
  });

  it('stays logged in: a restarted Desk has both profiles, their tokens and the cached rows, offline', async () => {
    await desk.close();
    await sandbox.close();
    desk = await open();
    const state = await ok('profiles.list', {});
    expect(state.profiles.map((p) => p.name).sort()).toEqual(['BillPro sandbox', 'Northwind']);
    expect(state.activeId).toBe(secondProfile);
    const cached = await ok('customers.list', { profileId: secondProfile, limit: 5 });
    expect(cached.total).toBeGreaterThan(0);
    const listed = execFileSync('secret-tool', ['search', '--all', 'service', SECRET_SERVICE], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    expect(listed.length).toBeGreaterThan(0);
    sandbox = await startSandbox({ port: 0, quiet: true }); // for afterAll
  });

  it('removing a profile deletes its keychain entries and local data', async () => {
    await ok('profiles.remove', { id: secondProfile });
    expect(await secrets.get(tokenAccount(secondProfile))).toBeNull();
    const state = await ok('profiles.list', {});
    expect(state.profiles.map((p) => p.id)).not.toContain(secondProfile);
  });
});
