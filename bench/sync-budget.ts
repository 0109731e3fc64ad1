/**
 * Sync budget figure (issue 10): what a steady-state hour costs BillPro, against one full pull.
 *
 * The real SyncEngine (client, budget, store on a real file, probes) runs against the sandbox on
 * loopback. It first pulls everything (the requests of one full pull, counted by the sandbox),
 * then plays one hour on an injected clock: `tick()` once per simulated second, as the app's
 * 1 s timer does. Meanwhile an order and a customer are created at BillPro every 6 minutes
 * (through the API, as the merchant's own systems would, from minute 3), and each is timed, in simulated
 * seconds, until it is in the Desk's cache. An "opened" order (changed at BillPro first) is
 * timed in real milliseconds until the cache shows the change.
 *
 * Only the Desk's requests are counted in the hour: the sandbox counts every /api/v1 request,
 * and the creations and changes made "at BillPro" here (POSTs) are subtracted.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { BillProClient } from '../electron/core/billpro/client.ts';
import type { AttemptReport } from '../electron/core/billpro/transport.ts';
import { openStore } from '../electron/core/store/index.ts';
import { RequestBudget } from '../electron/core/sync/budget.ts';
import { SyncEngine } from '../electron/core/sync/engine.ts';
import { SyncPlan } from '../electron/core/sync/plan.ts';
import { startSandbox } from '../electron/sandbox/server.ts';
import { round } from './stats.ts';

export interface SyncBudgetFigures {
  orders: number;
  customers: number;
  products: number;
  /** Requests of the first (full) sync, as counted by the sandbox. */
  fullPullRequests: number;
  fullPullByEndpoint: Record<string, number>;
  fullPullSeconds: number;
  /** The Desk's requests in one simulated steady-state hour (no reconciliation due). */
  steadyHourRequests: number;
  steadyHourByEndpoint: Record<string, number>;
  /** steadyHourRequests ÷ fullPullRequests. Goal ≤ 0.05. */
  steadyHourShare: number;
  /** The daily reconciliation spread over 24 h, added to the steady hour (for the record). */
  withDailyReconciliationShare: number;
  /** Simulated seconds from creation at BillPro to the row in the cache. */
  newRecordSeconds: { orders: number[]; customers: number[]; max: number };
  /** Real ms for an opened order changed at BillPro to be fresh in the cache (median of the opens). */
  openedRecordFreshMs: number;
  probeSilenceSeconds: number;
  simulatedSeconds: number;
  realSeconds: number;
}

interface Counter {
  total: number;
  byMethod: Record<string, number>;
  byEndpoint: Record<string, number>;
}

export async function syncBudgetBench(
  sizes: { orders: number; customers: number; products: number },
  log: (line: string) => void,
): Promise<SyncBudgetFigures> {
  const startedReal = performance.now();
  log(`sync-budget: seeding a sandbox with ${sizes.orders} orders, ${sizes.customers} customers…`);
  const sandbox = await startSandbox({ port: 0, seed: 20261201, ...sizes, quiet: true });
  const dir = mkdtempSync(path.join(os.tmpdir(), 'desk-bench-budget-'));
  const token = sandbox.tokens.find((t) => t.profiles.length === 1 && t.profiles[0] === 1)!.token;
  const store = openStore({ file: path.join(dir, 'cache.db'), encryptionKey: randomBytes(32).toString('hex') });
  const clock = { now: Date.parse('2026-12-01T09:00:00Z') };
  const stats = async (): Promise<Counter> => {
    const response = await fetch(`${sandbox.controlUrl}/stats?profile_id=1`, {
      headers: { authorization: `Bearer ${token}` },
    });
    return ((await response.json()) as { requests: Counter }).requests;
  };
  // The budget keeps real time: its window is about pacing requests now, and the first sync
  // (during which the simulated clock stands still) must not look like 8,000 requests in one minute.
  const budget = new RequestBudget();
  let engine: SyncEngine | null = null;
  const onAttempt = (attempt: AttemptReport) => {
    budget.note(attempt);
    if (attempt.status !== undefined) engine?.noteAnswer();
  };
  const connection = { baseUrl: sandbox.baseUrl, token };
  const client = new BillProClient(connection, { timeoutMs: 30_000, onAttempt });
  const probeClient = new BillProClient(connection, { timeoutMs: 3_000, maxAttempts: 1, onAttempt });
  const atBillPro = new BillProClient(connection, { timeoutMs: 30_000 });
  engine = new SyncEngine({
    store,
    client,
    probeClient,
    budget,
    plan: new SyncPlan(path.join(dir, 'sync-plan.json')),
    now: () => clock.now,
    report: () => undefined,
    online: () => true,
    onProgress: () => undefined,
    onData: () => undefined,
    onRemovals: () => undefined,
  });
  try {
    const before = await stats();
    const pullStarted = performance.now();
    log('sync-budget: the first (full) sync…');
    await engine.syncEverything();
    const fullPullSeconds = (performance.now() - pullStarted) / 1000;
    const afterPull = await stats();
    const fullPullRequests = afterPull.total - before.total;
    log(`  ${fullPullRequests} requests in ${round(fullPullSeconds, 1)} s`);

    // The merchant's own systems create records at BillPro during the hour.
    const product = store.cache.list('products', { filter: { product_type: 'single_payment', product_status: 'active' }, limit: 1 }).rows[0]!.entity;
    const someCustomer = store.cache.list('customers', { limit: 1 }).rows[0]!.entity;
    const waiting: { collection: 'orders' | 'customers'; id: number; at: number }[] = [];
    const arrived = { orders: [] as number[], customers: [] as number[] };
    let postsAtBillPro = 0;
    const hourStart = clock.now;
    const beforeHour = await stats();
    log('sync-budget: one steady-state hour on the injected clock…');
    for (let second = 1; second <= 3_600; second++) {
      clock.now = hourStart + second * 1000;
      // At 3 min, 9 min … 57 min: each has at least 3 simulated minutes left to arrive in.
      if ((second + 180) % 360 === 0) {
        const n = (second + 180) / 360;
        const customer = await atBillPro.createCustomer({
          first_name: 'Hour',
          last_name: `Customer ${n}`,
          email: `hour.customer.${n}@example.com`,
        });
        const order = await atBillPro.createOrder('single_payment', {
          currency: product.currency,
          customer_id: someCustomer.id,
          invoice_id: `HOUR-${n}`,
          order_products: [{ product_id: product.id, qty: 1, amount: product.price }],
        });
        postsAtBillPro += 2;
        waiting.push({ collection: 'customers', id: customer.id, at: clock.now });
        waiting.push({ collection: 'orders', id: order.id, at: clock.now });
      }
      await engine.tick();
      for (let i = waiting.length - 1; i >= 0; i--) {
        const w = waiting[i]!;
        if (store.cache.has(w.collection, w.id)) {
          arrived[w.collection].push((clock.now - w.at) / 1000);
          waiting.splice(i, 1);
        }
      }
    }
    const afterHour = await stats();
    const steadyHourRequests = afterHour.total - beforeHour.total - postsAtBillPro;
    const steadyHourByEndpoint = diff(afterHour.byEndpoint, beforeHour.byEndpoint);
    for (const name of ['createCustomer', 'createSingleOrder']) {
      if (steadyHourByEndpoint[name]) steadyHourByEndpoint[name] -= postsAtBillPro / 2;
      if (steadyHourByEndpoint[name] === 0) delete steadyHourByEndpoint[name];
    }
    if (waiting.length) log(`  ${waiting.length} records created at BillPro never reached the cache within the hour`);

    // Opening a record: the Desk answers from the cache and refreshes it with one GET.
    const opens: number[] = [];
    const live = store.cache.list('orders', { filter: { status: 'pending' }, limit: 5 }).rows;
    for (const row of live) {
      await atBillPro.cancelOrder(row.id);
      const t = performance.now();
      const fresh = await client.getOrder(row.id);
      store.cache.upsertMany('orders', [fresh]);
      if (store.cache.get('orders', row.id)?.entity.status !== 'cancelled') throw new Error('an opened order was not refreshed');
      opens.push(performance.now() - t);
    }
    opens.sort((a, b) => a - b);

    const all = [...arrived.orders, ...arrived.customers];
    const fullPerHour = fullPullRequests / 24;
    return {
      ...sizes,
      fullPullRequests,
      fullPullByEndpoint: diff(afterPull.byEndpoint, before.byEndpoint),
      fullPullSeconds: round(fullPullSeconds, 1),
      steadyHourRequests,
      steadyHourByEndpoint,
      steadyHourShare: round(steadyHourRequests / fullPullRequests, 4),
      withDailyReconciliationShare: round((steadyHourRequests + fullPerHour) / fullPullRequests, 4),
      newRecordSeconds: {
        orders: arrived.orders,
        customers: arrived.customers,
        max: waiting.length ? Number.POSITIVE_INFINITY : Math.max(0, ...all),
      },
      openedRecordFreshMs: round(opens[Math.floor(opens.length / 2)] ?? Number.NaN, 1),
      probeSilenceSeconds: engine.timing.probeSilenceMs / 1000,
      simulatedSeconds: 3_600,
      realSeconds: round((performance.now() - startedReal) / 1000, 0),
    };
  } finally {
    await engine.close();
    store.close();
    await sandbox.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

function diff(after: Record<string, number>, before: Record<string, number>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [key, value] of Object.entries(after)) {
    const d = value - (before[key] ?? 0);
    if (d) out[key] = d;
  }
  return out;
}
