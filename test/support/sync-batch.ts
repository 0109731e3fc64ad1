/**
 * What the sync tests share: driving a Desk through its contract, queueing a mixed batch of
 * mutations from what the cache holds, and proving at the sandbox that every one of them landed
 * exactly once. Used in-process by the fault tests and inside test/support/desk-child.ts by the
 * `kill -9` test, so both count the same way.
 */
import path from 'node:path';
import type { MethodInput, MethodName, MethodOutput, Result } from '../../electron/common/contract.ts';
import { BillProClient } from '../../electron/core/billpro/client.ts';
import type { Customer, Order } from '../../electron/common/wire.ts';
import type { Desk } from '../../electron/core/desk.ts';
import { cacheKeyAccount, type SecretStore } from '../../electron/core/secrets.ts';
import { openStore, type OutboxCounts } from '../../electron/core/store/index.ts';
import { Rng } from '../../electron/sandbox/prng.ts';

export type Call = <M extends MethodName>(name: M, input: MethodInput<M>) => Promise<MethodOutput<M>>;

/** A contract call that throws on a failed Result (the message carries the Desk's code). */
export function caller(desk: Desk): Call {
  return async (name, input) => {
    const result = (await desk.dispatch(name, input)) as Result<MethodOutput<typeof name>>;
    if (!result.ok) {
      throw new Error(`${name} failed: ${result.error.code} ${result.error.message}`);
    }
    return result.value;
  };
}

export interface BatchSizes {
  newCustomers: number;
  /** Orders for customers created in the same batch (their customer_id is a temp id when queued). */
  ordersForNew: number;
  ordersForExisting: number;
  cancels: number;
  skips: number;
}

/** Everything the batch asked for, so the sandbox can be checked against it. */
export interface BatchPlan {
  profileId: string;
  newCustomers: { email: string; tempId: number }[];
  ordersForNew: { invoiceId: string; email: string; tempCustomerId: number; tempId: number }[];
  ordersForExisting: { invoiceId: string; customerId: number; tempId: number }[];
  cancels: { orderId: number }[];
  skips: { paymentId: number; orderId: number }[];
  total: number;
}

type Op = 'customer' | 'orderForNew' | 'orderForExisting' | 'cancel' | 'skip';

/**
 * Queues the batch in a random (seeded) interleaving. An order for a new customer is queued after
 * that customer's create, as a person would do it. Call it while BillPro cannot be reached, so
 * nothing is sent before the whole batch is queued.
 */
export async function enqueueMixedBatch(
  call: Call,
  profileId: string,
  sizes: BatchSizes,
  seed: number,
  tag: string,
): Promise<BatchPlan> {
  const rng = new Rng(seed, `batch-${tag}`);
  const products = await call('products.list', {
    profileId,
    type: 'single_payment',
    status: 'active',
    limit: 50,
  });
  const customers = await call('customers.list', { profileId, limit: 1000 });
  const pending = await call('orders.list', { profileId, status: ['pending'], limit: 1000 });
  const active = await call('orders.list', { profileId, status: ['active'], limit: 1000 });
  const existing = customers.rows.filter((c) => c.id > 0);
  if (products.rows.length === 0 || existing.length === 0)
    throw new Error('the cache holds no products or customers');
  if (pending.rows.length < sizes.cancels)
    throw new Error(`only ${pending.rows.length} pending orders to cancel`);

  // One still-scheduled payment from each of several active orders.
  const skippable: { paymentId: number; orderId: number }[] = [];
  for (const order of active.rows) {
    if (skippable.length >= sizes.skips) break;
    const payments = await call('payments.list', { profileId, orderId: order.id });
    const payment = payments.rows.find((p) => p.status === 'scheduled');
    if (payment) skippable.push({ paymentId: payment.id, orderId: order.id });
  }
  if (skippable.length < sizes.skips) throw new Error(`only ${skippable.length} scheduled payments to skip`);

  const plan: BatchPlan = {
    profileId,
    newCustomers: [],
    ordersForNew: [],
    ordersForExisting: [],
    cancels: [],
    skips: [],
    total: 0,
  };
  const remaining: Record<Op, number> = {
    customer: sizes.newCustomers,
    orderForNew: sizes.ordersForNew,
    orderForExisting: sizes.ordersForExisting,
    cancel: sizes.cancels,
    skip: sizes.skips,
  };
  const cancelTargets = [...pending.rows];
  let n = 0;
  for (;;) {
    const open = (Object.keys(remaining) as Op[]).filter(
      (op) =>
        remaining[op] > 0 && (op !== 'orderForNew' || plan.newCustomers.length > plan.ordersForNew.length),
    );
    if (open.length === 0) break;
    const op = rng.pick(open);
    remaining[op] -= 1;
    n += 1;
    const product = rng.pick(products.rows);
    const order = (customerId: number, invoiceId: string | undefined) => ({
      currency: product.currency,
      customer_id: customerId,
      ...(invoiceId === undefined ? {} : { invoice_id: invoiceId }),
      order_products: [{ product_id: product.id, qty: rng.int(1, 3) }],
      note: `sync test ${tag} #${n}`,
    });
    // Half the orders get their invoice_id from the Desk, half from the person.
    const invoice = () => (rng.chance(0.5) ? `INV-${tag}-${n}` : undefined);
    switch (op) {
      case 'customer': {
        const email = `sync-${tag}-${n}@example.com`.toLowerCase();
        const row = await call('customers.create', {
          profileId,
          customer: {
            first_name: `Quinn${n}`,
            last_name: `Marlowe-${tag}`,
            email,
            phone: '+447911123456',
            addresses: {
              billing_address: {
                street: `${n} Milsom St`,
                city: 'Bath',
                state: 'Avon',
                country: 'GB',
                postal_code: 'BA1 1DG',
              },
            },
          },
        });
        plan.newCustomers.push({ email, tempId: row.id });
        break;
      }
      case 'orderForNew': {
        const customer = plan.newCustomers[plan.ordersForNew.length]!;
        const row = await call('orders.create', {
          profileId,
          purchaseType: 'single_payment',
          order: order(customer.tempId, invoice()),
        });
        plan.ordersForNew.push({
          invoiceId: row.invoice_id!,
          email: customer.email,
          tempCustomerId: customer.tempId,
          tempId: row.id,
        });
        break;
      }
      case 'orderForExisting': {
        const customer = rng.pick(existing);
        const row = await call('orders.create', {
          profileId,
          purchaseType: 'single_payment',
          order: order(customer.id, invoice()),
        });
        plan.ordersForExisting.push({ invoiceId: row.invoice_id!, customerId: customer.id, tempId: row.id });
        break;
      }
      case 'cancel': {
        const target = cancelTargets.splice(rng.int(0, cancelTargets.length - 1), 1)[0]!;
        await call('orders.cancel', { profileId, id: target.id });
        plan.cancels.push({ orderId: target.id });
        break;
      }
      case 'skip': {
        const target = skippable[plan.skips.length]!;
        await call('payments.skip', { profileId, id: target.paymentId });
        plan.skips.push(target);
        break;
      }
    }
  }
  plan.total = n;
  return plan;
}

export interface Verdict {
  mutations: number;
  /** Mutations found exactly once and as asked. */
  landed: number;
  /** Natural keys (email / invoice_id) found more than once. */
  duplicates: string[];
  /** Mutations not found at the sandbox (or not applied). */
  lost: string[];
  /** Landed, but wrong (an order for a new customer that points at someone else). */
  wrong: string[];
}

/** Reads everything back from the sandbox and checks each mutation of the plan. */
export async function verifyAtSandbox(baseUrl: string, token: string, plan: BatchPlan): Promise<Verdict> {
  const client = new BillProClient({ baseUrl, token }, { timeoutMs: 10_000 });
  const customers: Customer[] = [];
  for await (const page of client.listCustomersPages()) customers.push(...page.items);
  const orders: Order[] = [];
  for await (const page of client.listOrdersPages()) orders.push(...page.items);
  const byEmail = groupBy(customers, (c) => c.email.trim().toLowerCase());
  const byInvoice = groupBy(orders, (o) => o.invoice_id ?? '');
  const verdict: Verdict = { mutations: plan.total, landed: 0, duplicates: [], lost: [], wrong: [] };

  const one = <T>(groups: Map<string, T[]>, key: string, what: string): T | null => {
    const found = groups.get(key) ?? [];
    if (found.length === 0) verdict.lost.push(`${what} ${key}`);
    if (found.length > 1) verdict.duplicates.push(`${what} ${key} ×${found.length}`);
    return found.length === 1 ? found[0]! : null;
  };

  for (const { email } of plan.newCustomers) if (one(byEmail, email, 'customer')) verdict.landed += 1;
  for (const o of plan.ordersForNew) {
    const order = one(byInvoice, o.invoiceId, 'order');
    const customer = byEmail.get(o.email)?.[0];
    if (!order) continue;
    if (!customer || order.customer_id !== customer.id)
      verdict.wrong.push(`order ${o.invoiceId} is not for ${o.email}`);
    else verdict.landed += 1;
  }
  for (const o of plan.ordersForExisting) {
    const order = one(byInvoice, o.invoiceId, 'order');
    if (!order) continue;
    if (order.customer_id !== o.customerId)
      verdict.wrong.push(`order ${o.invoiceId} is not for customer ${o.customerId}`);
    else verdict.landed += 1;
  }
  for (const { orderId } of plan.cancels) {
    const order = await client.getOrder(orderId);
    if (order.status === 'cancelled') verdict.landed += 1;
    else verdict.lost.push(`cancel of order ${orderId} (it is ${order.status})`);
  }
  for (const { paymentId, orderId } of plan.skips) {
    const payment = (await client.listScheduledPayments(orderId)).find((p) => p.id === paymentId);
    if (payment?.status === 'skipped') verdict.landed += 1;
    else verdict.lost.push(`skip of scheduled payment ${paymentId} (it is ${payment?.status ?? 'gone'})`);
  }
  return verdict;
}

function groupBy<T>(items: readonly T[], key: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const k = key(item);
    const list = groups.get(k);
    if (list) list.push(item);
    else groups.set(k, [item]);
  }
  return groups;
}

// ---------------------------------------------------------------- sandbox controls

export interface SandboxStats {
  customers: number;
  orders: number;
  duplicateEmails: string[];
  duplicateInvoiceIds: string[];
  requests: { total: number; limited: number; byMethod: Record<string, number>; byEndpoint: Record<string, number> };
}

export async function control(
  controlUrl: string,
  token: string,
  method: string,
  route: string,
  body?: unknown,
): Promise<unknown> {
  const response = await fetch(`${controlUrl}${route}`, {
    method,
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  if (!response.ok)
    throw new Error(`sandbox control ${method} ${route} answered ${response.status}: ${text}`);
  return JSON.parse(text) as unknown;
}

export async function addFaults(controlUrl: string, token: string, faults: readonly object[]): Promise<void> {
  for (const fault of faults) await control(controlUrl, token, 'POST', '/faults', fault);
}

export async function clearFaults(controlUrl: string, token: string): Promise<void> {
  await control(controlUrl, token, 'DELETE', '/faults');
}

export async function sandboxStats(controlUrl: string, token: string): Promise<SandboxStats> {
  return (await control(controlUrl, token, 'GET', '/stats')) as SandboxStats;
}

export function writeRequests(stats: SandboxStats): number {
  return (stats.requests.byMethod.POST ?? 0) + (stats.requests.byMethod.PUT ?? 0);
}

// ---------------------------------------------------------------- the outbox on disk

/** Opens a profile's cache with the key from the keychain, as the Desk does, and counts its outbox. */
export async function outboxOnDisk(
  dataDir: string,
  profileId: string,
  secrets: SecretStore,
): Promise<OutboxCounts> {
  const key = await secrets.get(cacheKeyAccount(profileId));
  if (!key) throw new Error('no cache key in the keychain');
  const store = openStore({
    file: path.join(dataDir, 'profiles', profileId, 'cache.db'),
    encryptionKey: key,
  });
  try {
    return store.outbox.counts();
  } finally {
    store.close();
  }
}

/** Resolves when `check` answers true, polling every `everyMs`; rejects with `what` after `timeoutMs`. */
export async function until(
  check: () => boolean | Promise<boolean>,
  what: string,
  timeoutMs = 10_000,
  everyMs = 25,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check()) return;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
}
