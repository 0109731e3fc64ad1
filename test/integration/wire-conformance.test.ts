/**
 * Conformance: the client and a sync read each plausible variant of BillPro's answers over real
 * HTTP (sandbox wire variations) exactly as they read the seed's shapes — same amounts, same
 * instants, same counts — or refuse loudly. Nothing is ever silently wrong.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BillProClient } from '../../electron/core/billpro/client.ts';
import { setAsideOf } from '../../electron/core/billpro/envelope.ts';
import type { Customer, Order, Product } from '../../electron/common/wire.ts';
import { toMinorUnits } from '../../electron/common/money.ts';
import { Desk } from '../../electron/core/desk.ts';
import { KeytarSecretStore } from '../../electron/core/secrets.ts';
import { startSandbox, type RunningSandbox, type WireVariations } from '../../electron/sandbox/server.ts';
import { caller } from '../support/sync-batch.ts';

const SIZES = { seed: 5, products: 30, customers: 30, orders: 40, quiet: true } as const;
const secrets = new KeytarSecretStore();
const running: RunningSandbox[] = [];
const desks: Desk[] = [];
const dirs: string[] = [];

interface Everything {
  products: Product[];
  customers: Customer[];
  orders: Order[];
}

async function readAll(client: BillProClient): Promise<Everything> {
  const all: Everything = { products: [], customers: [], orders: [] };
  for await (const page of client.listProductsPages()) all.products.push(...page.items);
  for await (const page of client.listCustomersPages()) all.customers.push(...page.items);
  for await (const page of client.listOrdersPages()) all.orders.push(...page.items);
  return all;
}

async function sandboxWith(wire: WireVariations, extra: { notFoundStatus?: 404 | 422 } = {}): Promise<RunningSandbox> {
  const sandbox = await startSandbox({ port: 0, ...SIZES, ...extra, wire });
  running.push(sandbox);
  return sandbox;
}

async function deskOn(sandbox: RunningSandbox) {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'desk-wire-'));
  dirs.push(dir);
  const desk = await Desk.create({
    dataDir: dir,
    secrets,
    mode: 'web',
    version: 'test',
    platform: process.platform,
    tuning: { requestTimeoutMs: 5_000, probeIntervalMs: 60_000, syncIntervalMs: 600_000 },
  });
  desks.push(desk);
  const call = caller(desk);
  const { id: profileId } = await call('profiles.add', {
    name: 'Wire',
    environment: 'custom',
    baseUrl: sandbox.baseUrl,
    token: sandbox.tokens[0]!.token,
  });
  return { call, profileId };
}

/**
 * What must be equal: every amount in minor units (`"20.00"` and `20` are the same money), every
 * other value as read. Payment links name their sandbox's port, which differs per sandbox.
 */
function canon(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canon);
  if (typeof value === 'string') {
    if (/^\d+\.\d+$/.test(value) || /^\d+$/.test(value)) return { minor: toMinorUnits(value) };
    return value.replace(/^http:\/\/127\.0\.0\.1:\d+/, 'ORIGIN');
  }
  if (typeof value !== 'object' || value === null) return value;
  const out: Record<string, unknown> = {};
  for (const [key, inner] of Object.entries(value)) if (key !== 'payment_link_field') out[key] = canon(inner);
  return out;
}
const comparable = (orders: Order[]) => canon(orders);

let baseline: Everything;

beforeAll(async () => {
  const sandbox = await sandboxWith({});
  baseline = await readAll(new BillProClient({ baseUrl: sandbox.baseUrl, token: sandbox.tokens[0]!.token }));
  expect(baseline.products).toHaveLength(30);
  expect(baseline.orders.length).toBeGreaterThan(25);
});

afterAll(async () => {
  for (const desk of desks) await desk.close();
  for (const sandbox of running) await sandbox.close();
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

const VARIANTS: [string, WireVariations][] = [
  ['a {"data": …} envelope', { envelope: 'data' }],
  ['ids as strings', { stringIds: true }],
  ['amounts as numbers', { numberAmounts: true }],
  ['timestamps without a zone', { zonelessTimestamps: true }],
  ['timestamps with an offset', { offsetTimestamps: true }],
  ['the payment link named payment_url', { paymentLinkField: 'payment_url' }],
  ['all of these at once', { envelope: 'data', stringIds: true, numberAmounts: true, zonelessTimestamps: true, paymentLinkField: 'payment_url' }],
];

describe.each(VARIANTS)('BillPro answering with %s', (_, wire) => {
  it('is read exactly as the seed shapes are: same amounts, instants, links and counts', async () => {
    const sandbox = await sandboxWith(wire);
    const read = await readAll(new BillProClient({ baseUrl: sandbox.baseUrl, token: sandbox.tokens[0]!.token }));
    expect(canon(read.products)).toEqual(canon(baseline.products));
    expect(canon(read.customers)).toEqual(canon(baseline.customers));
    expect(comparable(read.orders)).toEqual(comparable(baseline.orders));
    expect(read.orders.filter((o) => o.payment_link).length).toBe(baseline.orders.filter((o) => o.payment_link).length);
  });

  it('syncs into the Desk with the same counts, totals and times', async () => {
    const sandbox = await sandboxWith(wire);
    const { call, profileId } = await deskOn(sandbox);
    await call('sync.now', { profileId });
    expect((await call('products.list', { profileId, limit: 1 })).total).toBe(baseline.products.length);
    expect((await call('customers.list', { profileId, limit: 1 })).total).toBe(baseline.customers.length);
    expect((await call('orders.list', { profileId, limit: 1 })).total).toBe(baseline.orders.length);
    const expected = baseline.orders.find((o) => o.payment_link && o.total_amount)!;
    const row = await call('orders.get', { profileId, id: expected.id });
    expect(canon([row.total_amount, row.created_at, row.payment_link])).toEqual(canon([expected.total_amount, expected.created_at, expected.payment_link]));
    expect(row.created_at).toBe(expected.created_at);
    expect((await call('sync.readProblems', { profileId })).problems).toEqual([]);
  });
});

describe('answers Desk must not guess at', () => {
  it('an order without total_amount has an unknown total, never one rebuilt from its lines', async () => {
    const sandbox = await sandboxWith({ omitTotalAmount: true });
    const { call, profileId } = await deskOn(sandbox);
    await call('sync.now', { profileId });
    const withDiscount = baseline.orders.find((o) => o.total_to_pay === null || o.total_to_pay === undefined);
    const target = withDiscount ?? baseline.orders[0]!;
    const row = await call('orders.get', { profileId, id: target.id });
    expect(row.total_amount ?? null).toBeNull();
    expect(row.total_to_pay ?? null).toBe(target.total_to_pay ?? null);
    // The dashboard's order value leaves out what it was not given, and says how many.
    const summary = await call('dashboard.summary', { profileId, months: 36 });
    const counted = summary.valueByMonth.reduce((n, m) => n + m.orders, 0);
    const without = summary.valueByMonth.reduce((n, m) => n + m.withoutTotal, 0);
    const expectedWithout = baseline.orders.filter((o) => o.status !== 'cancelled' && (o.total_to_pay === null || o.total_to_pay === undefined)).length;
    expect(expectedWithout).toBeGreaterThan(0);
    expect(without).toBe(expectedWithout);
    expect(counted).toBeGreaterThanOrEqual(without);
  });

  it.each([
    ['422 "Bad Request"', 'bad-request'],
    ["422 Rails \"Couldn't find\"", 'rails'],
  ] as const)('recognises not-found as %s', async (_, body) => {
    const sandbox = await sandboxWith({ notFoundBody: body }, { notFoundStatus: 422 });
    const client = new BillProClient({ baseUrl: sandbox.baseUrl, token: sandbox.tokens[0]!.token });
    await expect(client.getOrder(2_000_000_000)).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(client.getCustomer(2_000_000_000)).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });

  it('sets aside an unreadable record, keeps its cached copy, stores the rest and reports its shape without values', async () => {
    const sandbox = await sandboxWith({});
    const { call, profileId } = await deskOn(sandbox);
    await call('sync.now', { profileId });
    const victim = baseline.products[3]!;
    const before = await call('products.get', { profileId, id: victim.id });

    // BillPro now sends that product with a price in exponent notation: Desk must not guess.
    const response = await fetch(`${sandbox.controlUrl}/wire`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${sandbox.tokens[0]!.token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ breakRecords: { ids: [victim.id], field: 'price', value: '4.4e1' } }),
    });
    expect(response.status).toBe(200);
    const page = await new BillProClient({ baseUrl: sandbox.baseUrl, token: sandbox.tokens[0]!.token }).listProducts(1);
    expect(page).toHaveLength(24);
    expect(setAsideOf(page).map((p) => [p.id, p.issues[0]?.startsWith('price')])).toEqual([[victim.id, true]]);

    await call('sync.now', { profileId });
    expect((await call('products.list', { profileId, limit: 1 })).total).toBe(baseline.products.length);
    expect((await call('products.get', { profileId, id: victim.id })).price).toBe(before.price);
    const { problems, counts } = await call('sync.readProblems', { profileId });
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatchObject({ endpoint: 'listProducts', id: victim.id, index: 3, assumptions: ['money.decimal'] });
    expect(JSON.parse(problems[0]!.shape)).toMatchObject({ id: 'number', price: 'string', currency: 'string' });
    expect(problems[0]!.shape).not.toContain(victim.product_id);
    expect(problems[0]!.shape).not.toContain('4.4e1');
    expect(counts).toEqual([{ assumption: 'money.decimal', count: 1 }]);
  });

  it('refuses a page of which nothing can be read, loudly, and keeps the whole cache', async () => {
    const sandbox = await sandboxWith({});
    const { call, profileId } = await deskOn(sandbox);
    await call('sync.now', { profileId });
    await fetch(`${sandbox.controlUrl}/wire`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${sandbox.tokens[0]!.token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ breakRecords: { ids: baseline.customers.map((c) => c.id), field: 'created_at', value: '12/02/2024' } }),
    });
    await expect(call('sync.now', { profileId })).rejects.toThrow(/could not read/);
    expect((await call('customers.list', { profileId, limit: 1 })).total).toBe(baseline.customers.length);
  });
});

describe('compatibility check', () => {
  const states = (results: { id: string; state: string }[]) => Object.fromEntries(results.map((r) => [r.id, r.state]));

  it('finds every checkable assumption held against the sandbox, and its report carries shapes, no values or token', async () => {
    const sandbox = await sandboxWith({});
    const { call, profileId } = await deskOn(sandbox);
    await call('sync.now', { profileId });
    const { results, report } = await call('profiles.checkCompatibility', { profileId });
    const seen = states(results);
    for (const id of ['envelope.bare', 'pagination.page-size', 'id.integer', 'money.decimal', 'money.currency', 'money.prices-include-tax', 'time.iso8601', 'time.zoneless-is-utc', 'time.date-only-format', 'product.shape', 'customer.shape', 'order.shape', 'order.total-amount', 'order.payment-link-field', 'scheduled-payment.shape', 'endpoint.get-product', 'endpoint.list-customers', 'endpoint.list-orders', 'endpoint.scheduled-payments', 'errors.not-found'])
      expect([id, seen[id]]).toEqual([id, 'held']);
    expect(report).toContain('[HELD] envelope.bare');
    expect(report).toContain('"price":"string"');
    expect(report).not.toContain(sandbox.tokens[0]!.token);
    const shapes = report.split('Shapes of what BillPro sent')[1] ?? '';
    expect(shapes).toContain('listProducts');
    expect(shapes).not.toContain('E2824181D8');
    expect(shapes).not.toContain('44.99');
    expect(report).not.toContain('E2824181D8');
  });

  it('says what differs against a variant BillPro, and counts runtime read failures against the same ids', async () => {
    const sandbox = await sandboxWith(
      { envelope: 'data', stringIds: true, zonelessTimestamps: true, paymentLinkField: 'payment_url', omitTotalAmount: true, notFoundBody: 'bad-request' },
      { notFoundStatus: 422 },
    );
    const { call, profileId } = await deskOn(sandbox);
    await call('sync.now', { profileId });
    await fetch(`${sandbox.controlUrl}/wire`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${sandbox.tokens[0]!.token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ envelope: 'data', breakRecords: { ids: [baseline.products[2]!.id], field: 'created_at', value: '12/02/2024' } }),
    });
    await call('sync.now', { profileId });
    const { results } = await call('profiles.checkCompatibility', { profileId });
    const seen = states(results);
    expect(seen['envelope.bare']).toBe('not_held');
    expect(seen['time.iso8601']).toBe('not_held');
    expect(seen['errors.not-found']).toBe('held');
    expect(results.find((r) => r.id === 'time.iso8601')!.runtimeFailures).toBeGreaterThanOrEqual(1);

    await fetch(`${sandbox.controlUrl}/wire`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${sandbox.tokens[0]!.token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ envelope: 'data', stringIds: true, zonelessTimestamps: true, paymentLinkField: 'payment_url', omitTotalAmount: true, notFoundBody: 'bad-request' }),
    });
    const again = states((await call('profiles.checkCompatibility', { profileId })).results);
    expect(again['id.integer']).toBe('not_held');
    expect(again['time.zoneless-is-utc']).toBe('not_checked');
    expect(again['order.payment-link-field']).toBe('not_held');
    expect(again['order.total-amount']).toBe('not_held');
  });
});

describe('a BillPro without a list of orders', () => {
  it('refreshes the orders it knows one by one; one it cannot read keeps its copy and the others still refresh', async () => {
    const sandbox = await startSandbox({ port: 0, ...SIZES, listOrders: false });
    running.push(sandbox);
    const { call, profileId } = await deskOn(sandbox);
    await call('sync.now', { profileId });
    // Only orders still in play are refreshed one by one.
    const inPlay = baseline.orders.filter((o) => ['draft', 'pending', 'rejected', 'active', 'failed', 'suspended', 'paused', 'review'].includes(o.status));
    const [broken, fine] = [inPlay[0]!, inPlay[1]!];
    for (const order of [broken, fine]) await call('orders.get', { profileId, id: order.id });
    await fetch(`${sandbox.controlUrl}/wire`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${sandbox.tokens[0]!.token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ breakRecords: { ids: [broken.id], field: 'status', value: 'shipped' } }),
    });
    await call('sync.now', { profileId });
    expect((await call('orders.get', { profileId, id: broken.id })).status).toBe(broken.status);
    expect((await call('orders.get', { profileId, id: fine.id })).status).toBe(fine.status);
    const { problems } = await call('sync.readProblems', { profileId });
    expect(problems.map((p) => [p.endpoint, p.id, p.assumptions])).toContainEqual(['getOrder', broken.id, ['enum.status']]);
  });
});
