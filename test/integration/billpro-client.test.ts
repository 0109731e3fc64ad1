/**
 * The BillPro client against the real sandbox over loopback HTTP: every endpoint, every error
 * class, the retry rules, and that the token never leaks into an error.
 */
import { createServer } from 'node:net';
import { inspect } from 'node:util';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { BillProClient, isListOrdersUnsupported } from '../../electron/core/billpro/client.ts';
import type { BillProClientOptions } from '../../electron/core/billpro/client.ts';
import type {
  Customer,
  CustomerInput,
  Order,
  Product,
  PurchaseType,
} from '../../electron/common/wire.ts';
import { DEFAULT_PAGE_SIZE } from '../../electron/common/endpoints.ts';
import { DeskError } from '../../electron/common/errors.ts';
import { MERCHANT_PROFILES } from '../../electron/sandbox/profiles.ts';
import { startSandbox } from '../../electron/sandbox/server.ts';
import type { RunningSandbox } from '../../electron/sandbox/server.ts';

const SIZES = { products: 30, customers: 40, orders: 55 };
/** Backoff small enough that three attempts cost milliseconds. */
const FAST: BillProClientOptions = { backoffBaseMs: 5, backoffCapMs: 20, timeoutMs: 3_000 };

let sandbox: RunningSandbox;

interface Stats {
  customers: number;
  orders: number;
  duplicateEmails: number;
  duplicateInvoiceIds: number;
  requests: { total: number; byMethod: Record<string, number> };
}

interface Fault {
  kind: '5xx' | 'reset' | 'reset_after' | 'timeout' | '429' | 'html' | 'malformed' | 'latency';
  rate?: number;
  count?: number;
  method?: 'GET' | 'POST' | 'PUT';
  path?: string;
  latencyMs?: number;
  retryAfterSeconds?: number;
}

function token(index: number): string {
  const entry = sandbox.tokens[index];
  if (!entry) throw new Error(`the sandbox has no token ${index}`);
  return entry.token;
}

function client(
  options: BillProClientOptions = {},
  tokenIndex = 0,
  profileId: number | null = null,
): BillProClient {
  return new BillProClient(
    { baseUrl: sandbox.baseUrl, token: token(tokenIndex), profileId },
    { ...FAST, ...options },
  );
}

async function control(method: string, path: string, body?: unknown): Promise<unknown> {
  const response = await fetch(`${sandbox.controlUrl}${path}`, {
    method,
    headers: { authorization: `Bearer ${token(0)}`, 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`control ${method} ${path} → ${response.status} ${text}`);
  return text ? (JSON.parse(text) as unknown) : null;
}

const fault = (spec: Fault): Promise<unknown> => control('POST', '/faults', spec);
const stats = async (profileId = 1): Promise<Stats> =>
  (await control('GET', `/stats?profile_id=${profileId}`)) as Stats;

async function rejection(promise: Promise<unknown>): Promise<DeskError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof DeskError) return error;
    throw error;
  }
  throw new Error('expected the request to fail');
}

/** A port on loopback that nothing listens on. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
}

let uniqueness = 0;
function newCustomer(overrides: Partial<CustomerInput> = {}): CustomerInput {
  uniqueness += 1;
  return {
    first_name: 'Dana',
    last_name: 'Borys',
    email: `dana.borys+${Date.now()}.${uniqueness}@example.com`,
    date_of_birth: '12/05/1995',
    phone: '+447911123456',
    organisation: {
      name: 'TEST1',
      registration_number: '081234567',
      web_url: null,
      vat: 'GB0123456789',
      description: null,
    },
    addresses: {
      billing_address: {
        street: '28 Milsom St',
        city: 'Bath',
        state: 'Avon',
        country: 'GB',
        postal_code: 'BA1 1DG',
      },
      shipping_address: {
        street: '1 Quay St',
        city: 'Bristol',
        state: null,
        country: 'GB',
        postal_code: 'BS1 4DJ',
      },
    },
    ...overrides,
  };
}

const products: Product[] = [];
let someCustomer: Customer;

function productOfType(type: PurchaseType): Product {
  const found = products.find((p) => p.product_type === type && p.product_status === 'active');
  if (!found) throw new Error(`the sandbox seed has no active ${type} product`);
  return found;
}

async function createOrder(type: PurchaseType, api = client()): Promise<Order> {
  const product = productOfType(type);
  uniqueness += 1;
  return api.createOrder(type, {
    currency: product.currency,
    customer_id: someCustomer.id,
    invoice_id: `T${Date.now().toString(36)}${uniqueness}`.toUpperCase(),
    order_products: [{ product_id: product.id, qty: 1 }],
  });
}

/** An order the sandbox has taken the initial payment of, so it is live. */
async function liveOrder(type: PurchaseType): Promise<Order> {
  const order = await createOrder(type);
  await control('POST', `/orders/${order.id}/pay`, { outcome: 'approve' });
  return client().getOrder(order.id);
}

beforeAll(async () => {
  sandbox = await startSandbox({ port: 0, seed: 11, quiet: true, ...SIZES });
  const api = client();
  for await (const page of api.listProductsPages()) products.push(...page.items);
  const [first] = await api.listCustomers();
  if (!first) throw new Error('the sandbox seed has no customers');
  someCustomer = first;
});

afterEach(async () => {
  await control('DELETE', '/faults');
});

afterAll(async () => {
  await sandbox?.close();
});

describe('products', () => {
  it('lists every page with the iterator and stops after the short last page', async () => {
    expect(products).toHaveLength(SIZES.products);
    expect(new Set(products.map((p) => p.id)).size).toBe(SIZES.products);
    const seen: number[] = [];
    for await (const page of client().listProductsPages()) seen.push(page.page, page.items.length);
    expect(seen).toEqual([1, DEFAULT_PAGE_SIZE, 2, SIZES.products - DEFAULT_PAGE_SIZE]);
  });

  it('resumes from a start page', async () => {
    const pages: number[] = [];
    for await (const page of client().listProductsPages({ startPage: 2 })) pages.push(page.page);
    expect(pages).toEqual([2]);
  });

  it('gets one product by id', async () => {
    const listed = products[3];
    if (!listed) throw new Error('no product');
    expect(await client().getProduct(listed.id)).toEqual(listed);
  });
});

describe('customers', () => {
  it('lists, filters by the merchant customer_id and gets by id', async () => {
    const api = client();
    const page = await api.listCustomers({ page: 1 });
    expect(page).toHaveLength(DEFAULT_PAGE_SIZE);
    const filtered = await api.listCustomers({ customerId: someCustomer.customer_id });
    expect(filtered.map((c) => c.id)).toContain(someCustomer.id);
    expect(await api.listCustomers({ customerId: 'NOSUCHID00' })).toEqual([]);
    expect(await api.getCustomer(someCustomer.id)).toEqual(someCustomer);
    let total = 0;
    for await (const p of api.listCustomersPages()) total += p.items.length;
    expect(total).toBe((await stats()).customers);
  });

  it('creates a customer and updates one field without losing an address', async () => {
    const api = client();
    const created = await api.createCustomer(newCustomer());
    expect(created.customer_id).toMatch(/^[A-Za-z0-9]{10}$/);
    expect(created.addresses.map((a) => a.address_type).sort()).toEqual(['billing', 'shipping']);

    const updated = await api.patchCustomer(created.id, {
      last_name: 'Smith',
      addresses: {
        billing_address: {
          street: '2 New Rd',
          city: 'Bath',
          state: null,
          country: 'GB',
          postal_code: 'BA2 2AA',
        },
      },
    });
    expect(updated.last_name).toBe('Smith');
    const reread = await api.getCustomer(created.id);
    expect(reread.addresses.find((a) => a.address_type === 'billing')?.street).toBe('2 New Rd');
    expect(reread.addresses.find((a) => a.address_type === 'shipping')?.street).toBe('1 Quay St');
  });

  it("returns BillPro's field errors verbatim for the seed's invalid phone", async () => {
    const before = await stats();
    const error = await rejection(client().createCustomer(newCustomer({ phone: '+44770000000000' })));
    expect(error.code).toBe('VALIDATION');
    expect(error.status).toBe(422);
    expect(error.fields).toEqual({ phone: ['is invalid'] });
    expect((await stats()).customers).toBe(before.customers);
  });
});

describe('orders', () => {
  it('lists all orders page by page and gets one', async () => {
    const api = client();
    const seen: Order[] = [];
    for await (const page of api.listOrdersPages()) seen.push(...page.items);
    expect(seen.length).toBe((await stats()).orders);
    const first = seen[0];
    if (!first) throw new Error('no orders');
    expect((await api.getOrder(first.id)).id).toBe(first.id);
  });

  it.each(['single_payment', 'instalment', 'subscription', 'metered'] as const)(
    'creates a %s order through its own endpoint',
    async (type) => {
      const order = await createOrder(type);
      expect(order.order_type).toBe(type);
      expect(order.status).toBe('pending');
      expect(order.customer_id).toBe(someCustomer.id);
      expect((await client().getOrder(order.id)).order_type).toBe(type);
    },
  );

  it('cancels a pending order, and refuses to cancel it twice with the server words', async () => {
    const api = client();
    const order = await createOrder('single_payment');
    expect((await api.cancelOrder(order.id)).status).toBe('cancelled');
    const again = await rejection(api.cancelOrder(order.id));
    expect(again.code).toBe('CONFLICT');
    expect(again.message).toMatch(/^BillPro refused to change order \d+: .+/);
  });

  it('pauses and resumes an active subscription', async () => {
    const api = client();
    const order = await liveOrder('subscription');
    expect(order.status).toBe('active');
    expect((await api.pauseOrder(order.id)).status).toBe('paused');
    expect((await api.resumeOrder(order.id)).status).toBe('active');
    expect((await api.cancelOrder(order.id)).status).toBe('complete');
  });

  it('renews the checkout of an order', async () => {
    const order = await createOrder('single_payment');
    const renewal = await client().renewCheckout(order.id);
    expect(renewal.order_id).toBe(order.id);
    expect(renewal.checkout_id).not.toBe('');
    expect((await client().getOrder(order.id)).checkout_id).toBe(renewal.checkout_id);
  });

  it("keeps BillPro's words when a Stripe merchant cannot renew a checkout", async () => {
    const stripe = MERCHANT_PROFILES.find((p) => p.processor === 'stripe');
    const tokenIndex = sandbox.tokens.findIndex((t) => stripe && t.profiles.includes(stripe.id));
    if (!stripe || tokenIndex < 0) throw new Error('the sandbox has no Stripe merchant');
    const api = client({}, tokenIndex, stripe.id);
    const [order] = await api.listOrders();
    if (!order) throw new Error('the Stripe merchant has no orders');
    const error = await rejection(api.renewCheckout(order.id));
    expect(['BAD_INPUT', 'CONFLICT']).toContain(error.code);
    expect(error.message).toMatch(/Stripe/);
  });
});

describe('scheduled payments', () => {
  it('skips, cancels and changes the amount of instalments', async () => {
    const api = client();
    const order = await liveOrder('instalment');
    const payments = await api.listScheduledPayments(order.id);
    const [first, second, third] = payments.filter((p) => p.status === 'scheduled');
    if (!first || !second || !third) throw new Error('expected at least three scheduled instalments');
    expect((await api.updateScheduledPayment(first.id, { status: 'skipped' })).status).toBe('skipped');
    expect((await api.updateScheduledPayment(second.id, { status: 'cancelled' })).status).toBe('cancelled');
    expect((await api.updateScheduledPayment(third.id, { amount: '12.34' })).amount).toBe('12.34');
  });

  it('reschedules a declined payment and changes the interval of a subscription', async () => {
    const api = client();
    const order = await liveOrder('subscription');
    const [next] = await api.listScheduledPayments(order.id);
    if (!next) throw new Error('an active subscription has its next payment scheduled');
    await control('POST', `/scheduled_payments/${next.id}/collect`, { outcome: 'soft-decline' });
    const declined = (await api.listScheduledPayments(order.id)).find((p) => p.id === next.id);
    expect(declined?.status).toBe('soft-declined');

    const retryAt = new Date(Date.parse(next.scheduled_at) + 3 * 86_400_000).toISOString();
    const rescheduled = await api.updateScheduledPayment(next.id, {
      status: 'scheduled',
      scheduled_at: retryAt,
    });
    expect(rescheduled.status).toBe('scheduled');
    expect(Date.parse(rescheduled.scheduled_at)).toBe(Date.parse(retryAt));

    // BillPro changes the billing cycle on the last scheduled payment (§2.7).
    const last = (await api.listScheduledPayments(order.id)).reduce((a, b) =>
      b.scheduled_at > a.scheduled_at ? b : a,
    );
    const changed = await api.updateScheduledPayment(last.id, {
      scheduled_interval: 4,
      scheduled_duration_unit: 'WEEK',
    });
    expect(changed.scheduled_interval).toBe(4);
    expect(changed.scheduled_duration_unit).toBe('WEEK');
  });
});

describe('profiles and tokens', () => {
  it('sends profile_id on GET, POST and PUT for a token that reaches several profiles', async () => {
    const api = client({}, 1, 1);
    const before = await stats(1);
    const created = await api.createCustomer(newCustomer());
    await api.updateCustomer(created.id, { ...newCustomer(), email: `moved.${created.id}@example.com` });
    const order = await createOrder('single_payment', api);
    expect((await api.cancelOrder(order.id)).status).toBe('cancelled');
    expect((await stats(1)).customers).toBe(before.customers + 1);
  });

  it('asks for a profile ID when the token reaches several profiles and none is set', async () => {
    const api = client({}, 1, null);
    for (const request of [api.listProducts(), api.createCustomer(newCustomer())]) {
      const error = await rejection(request);
      expect(error.code).toBe('PROFILE_REQUIRED');
      expect(error.message).toContain('profile ID');
    }
  });

  it('reports a profile the token cannot reach as FORBIDDEN', async () => {
    const error = await rejection(client({}, 0, 2).listProducts());
    expect(error.code).toBe('FORBIDDEN');
    expect(error.status).toBe(403);
  });

  it('reports a revoked or mistyped token as AUTH_INVALID', async () => {
    const api = new BillProClient({ baseUrl: sandbox.baseUrl, token: 'not-a-real-token-0000' }, FAST);
    const error = await rejection(api.listProducts());
    expect(error.code).toBe('AUTH_INVALID');
    expect(error.message).toBe(
      'BillPro refused the API token: it may have been revoked or mistyped. Replace the token in Settings.',
    );
  });
});

describe('not found', () => {
  it('maps 404 to NOT_FOUND', async () => {
    const error = await rejection(client().getOrder(987_654_321));
    expect(error).toMatchObject({ code: 'NOT_FOUND', status: 404 });
    expect(error.message).toContain('order 987654321');
  });

  it('maps a 422 "not found" to NOT_FOUND, as the audit says BillPro answers', async () => {
    const other = await startSandbox({
      port: 0,
      seed: 3,
      quiet: true,
      products: 2,
      customers: 2,
      orders: 2,
      notFoundStatus: 422,
    });
    try {
      const api = new BillProClient({ baseUrl: other.baseUrl, token: other.tokens[0]?.token ?? '' }, FAST);
      expect(await rejection(api.getCustomer(987_654_321))).toMatchObject({ code: 'NOT_FOUND', status: 422 });
    } finally {
      await other.close();
    }
  });

  it('flags a BillPro without a list-orders endpoint so the Desk can fall back', async () => {
    const other = await startSandbox({
      port: 0,
      seed: 3,
      quiet: true,
      products: 2,
      customers: 2,
      orders: 2,
      listOrders: false,
    });
    try {
      const api = new BillProClient({ baseUrl: other.baseUrl, token: other.tokens[0]?.token ?? '' }, FAST);
      const error = await rejection(api.listOrders());
      expect(error).toMatchObject({ code: 'NOT_FOUND', status: 404 });
      expect(isListOrdersUnsupported(error)).toBe(true);
      const pages = api.listOrdersPages();
      expect(isListOrdersUnsupported(await rejection(pages.next()))).toBe(true);
      // Other not-found answers are not mistaken for it.
      expect(isListOrdersUnsupported(await rejection(api.getOrder(987_654_321)))).toBe(false);
    } finally {
      await other.close();
    }
  });
});

describe('transient failures and retries', () => {
  it('retries a GET through 5xx answers until the faults are used up', async () => {
    await fault({ kind: '5xx', count: 2, method: 'GET', path: '/products' });
    const before = await stats();
    expect(await client().listProducts(1)).toHaveLength(DEFAULT_PAGE_SIZE);
    expect((await stats()).requests.byMethod.GET).toBe((before.requests.byMethod.GET ?? 0) + 3);
  });

  it('gives up on a GET after maxAttempts 5xx answers', async () => {
    await fault({ kind: '5xx', count: 5, method: 'GET', path: '/products' });
    const error = await rejection(client({ maxAttempts: 2 }).listProducts(1));
    expect(error).toMatchObject({ code: 'SERVER', status: 503, outcomeUnknown: false });
  });

  it('never retries a POST on 5xx, and says its outcome is unknown', async () => {
    await fault({ kind: '5xx', count: 1, method: 'POST', path: '/orders/create_single_order' });
    const before = await stats();
    const error = await rejection(createOrder('single_payment'));
    expect(error).toMatchObject({ code: 'SERVER', outcomeUnknown: true });
    const after = await stats();
    expect(after.requests.byMethod.POST).toBe((before.requests.byMethod.POST ?? 0) + 1);
    expect(after.orders).toBe(before.orders);
  });

  it('honours Retry-After on a 429 for a GET', async () => {
    await fault({ kind: '429', count: 1, method: 'GET', path: '/orders/', retryAfterSeconds: 1 });
    const started = Date.now();
    const order = await client().getOrder(someOrderId());
    expect(order.id).toBe(someOrderId());
    expect(Date.now() - started).toBeGreaterThanOrEqual(950);
  });

  it('does not retry a POST on 429 and passes Retry-After on', async () => {
    await fault({ kind: '429', count: 1, method: 'POST', path: '/customers', retryAfterSeconds: 7 });
    const before = await stats();
    const error = await rejection(client().createCustomer(newCustomer()));
    expect(error).toMatchObject({ code: 'RATE_LIMITED', retryAfterMs: 7000, outcomeUnknown: false });
    expect((await stats()).customers).toBe(before.customers);
  });

  it('retries a GET whose connection was reset', async () => {
    await fault({ kind: 'reset', count: 1, method: 'GET', path: '/products' });
    expect(await client().listProducts(2)).toHaveLength(SIZES.products - DEFAULT_PAGE_SIZE);
  });

  it('reports a reset after a POST was processed as NETWORK with outcome unknown', async () => {
    await fault({ kind: 'reset_after', count: 1, method: 'POST', path: '/customers' });
    const before = await stats();
    const error = await rejection(client().createCustomer(newCustomer()));
    expect(error).toMatchObject({ code: 'NETWORK', outcomeUnknown: true });
    // It did happen: the reason the outbox must look before sending again.
    expect((await stats()).customers).toBe(before.customers + 1);
  });

  it('reports a refused connection as NETWORK that certainly did not save anything', async () => {
    const port = await closedPort();
    const api = new BillProClient({ baseUrl: `http://127.0.0.1:${port}/api/v1`, token: token(0) }, FAST);
    const error = await rejection(api.createCustomer(newCustomer()));
    expect(error).toMatchObject({ code: 'NETWORK', outcomeUnknown: false });
    expect(error.message).toContain(`127.0.0.1:${port}`);
  });

  it('times out a withheld answer; a PUT then has an unknown outcome', async () => {
    await fault({ kind: 'timeout', count: 2, path: '/orders/', latencyMs: 1_500 });
    const api = client({ timeoutMs: 250, maxAttempts: 1 });
    const read = await rejection(api.getOrder(someOrderId()));
    expect(read).toMatchObject({ code: 'TIMEOUT', outcomeUnknown: false });
    const write = await rejection(api.pauseOrder(someOrderId()));
    expect(write).toMatchObject({ code: 'TIMEOUT', outcomeUnknown: true });
    // A GET that timed out once is simply asked again.
    await fault({ kind: 'timeout', count: 1, method: 'GET', path: '/orders/', latencyMs: 1_500 });
    expect((await client({ timeoutMs: 250 }).getOrder(someOrderId())).id).toBe(someOrderId());
  });

  it('reports malformed JSON readably, and a GET retry gets a good answer', async () => {
    await fault({ kind: 'malformed', count: 1, method: 'GET', path: '/products' });
    const error = await rejection(client({ maxAttempts: 1 }).listProducts());
    expect(error.code).toBe('SERVER');
    expect(error.message).toMatch(/^BillPro answered with something Desk could not read/);
    await fault({ kind: 'malformed', count: 1, method: 'GET', path: '/products' });
    expect(await client().listProducts()).toHaveLength(DEFAULT_PAGE_SIZE);
  });

  it('reports an HTML error page as SERVER', async () => {
    await fault({ kind: 'html', count: 5, method: 'GET', path: '/customers' });
    const error = await rejection(client({ maxAttempts: 1 }).listCustomers());
    expect(error).toMatchObject({ code: 'SERVER', status: 502 });
  });

  it('stops at once when the caller aborts, with the AbortError', async () => {
    await fault({ kind: 'latency', count: 1, method: 'GET', path: '/products', latencyMs: 2_000 });
    const controller = new AbortController();
    const started = Date.now();
    setTimeout(() => controller.abort(), 50);
    const error = await client()
      .listProducts(1, { signal: controller.signal })
      .catch((e: unknown) => e);
    expect(Date.now() - started).toBeLessThan(1_000);
    expect(error).toBeInstanceOf(DOMException);
    expect((error as DOMException).name).toBe('AbortError');
  });

  it('stops at once when the caller aborts during a backoff wait', async () => {
    await fault({ kind: '429', count: 1, method: 'GET', path: '/products', retryAfterSeconds: 5 });
    const controller = new AbortController();
    const started = Date.now();
    setTimeout(() => controller.abort(), 150);
    const error = await client()
      .listProducts(1, { signal: controller.signal })
      .catch((e: unknown) => e);
    expect(Date.now() - started).toBeLessThan(1_000);
    expect((error as DOMException).name).toBe('AbortError');
  });
});

let knownOrderId: number | null = null;
function someOrderId(): number {
  if (knownOrderId === null) throw new Error('no order known yet');
  return knownOrderId;
}
beforeAll(async () => {
  const [order] = await client().listOrders(1);
  if (!order) throw new Error('the sandbox seed has no orders');
  knownOrderId = order.id;
});

describe('the token never leaks', () => {
  it('appears in no error of any kind, however it is printed', async () => {
    const secret = token(0);
    const api = client({ timeoutMs: 250, maxAttempts: 1 });
    const errors: unknown[] = [];
    const collect = async (setup: Fault | null, request: () => Promise<unknown>): Promise<void> => {
      if (setup) await fault(setup);
      errors.push(await request().catch((e: unknown) => e));
      await control('DELETE', '/faults');
    };
    await collect(null, () =>
      new BillProClient({ baseUrl: sandbox.baseUrl, token: `${secret}x` }, FAST).listProducts(),
    );
    await collect(null, () => client({}, 1, null).listProducts());
    await collect(null, () => client({}, 0, 2).listProducts());
    await collect(null, () => api.getOrder(987_654_321));
    await collect(null, () => api.createCustomer(newCustomer({ phone: '+44770000000000' })));
    await collect({ kind: '429', count: 1, retryAfterSeconds: 3 }, () => api.listProducts());
    await collect({ kind: '5xx', count: 1 }, () => api.createCustomer(newCustomer()));
    await collect({ kind: 'html', count: 1 }, () => api.listProducts());
    await collect({ kind: 'malformed', count: 1 }, () => api.listProducts());
    await collect({ kind: 'reset', count: 1 }, () => api.listProducts());
    await collect({ kind: 'reset_after', count: 1 }, () => api.createCustomer(newCustomer()));
    await collect({ kind: 'timeout', count: 1, latencyMs: 1_000 }, () => api.listProducts());
    const port = await closedPort();
    await collect(null, () =>
      new BillProClient({ baseUrl: `http://127.0.0.1:${port}/api/v1`, token: secret }, FAST).listProducts(),
    );
    const aborted = new AbortController();
    aborted.abort();
    await collect(null, () => api.listProducts(1, { signal: aborted.signal }));
    await collect(
      null,
      async () => new BillProClient({ baseUrl: sandbox.baseUrl, token: `${secret}\n${secret}` }, FAST),
    );

    const codes = errors.map((e) => (e instanceof DeskError ? e.code : (e as Error).name));
    expect(codes).toEqual([
      'AUTH_INVALID',
      'PROFILE_REQUIRED',
      'FORBIDDEN',
      'NOT_FOUND',
      'VALIDATION',
      'RATE_LIMITED',
      'SERVER',
      'SERVER',
      'SERVER',
      'NETWORK',
      'NETWORK',
      'TIMEOUT',
      'NETWORK',
      'AbortError',
      'AUTH_INVALID',
    ]);
    for (const error of errors) {
      const printed = [
        String(error),
        (error as Error).message,
        (error as Error).stack ?? '',
        JSON.stringify(error),
        inspect(error, { depth: 10, showHidden: true }),
      ];
      for (const text of printed) expect(text).not.toContain(secret);
    }
  });
});
