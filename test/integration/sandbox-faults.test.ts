/**
 * Fault injection: each kind over a real socket, whether the request was processed (the
 * difference between "safe to retry" and "outcome unknown"), the count/rate/method/path
 * filters, and the request counters tests use to prove "exactly once".
 */
import { request } from 'node:http';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox, type RunningSandbox } from '../../electron/sandbox/server.ts';
import { SandboxHttp } from './sandbox-http.ts';

interface Stats {
  customers: number;
  orders: number;
  duplicateEmails: string[];
  duplicateInvoiceIds: string[];
  requests: { total: number; byMethod: Record<string, number>; byEndpoint: Record<string, number> };
}

let sandbox: RunningSandbox;
let http: SandboxHttp;
let emails = 0;

const stats = () => http.control<Stats>('GET', '/stats?profile_id=1');
const fault = (spec: Record<string, unknown>) => http.control<{ id: number }>('POST', '/faults', spec);
const newCustomer = () => {
  emails += 1;
  return { customer: { first_name: 'Fault', last_name: 'Test', email: `fault.${emails}@example.com` } };
};

beforeAll(async () => {
  sandbox = await startSandbox({ port: 0, seed: 3, products: 5, customers: 10, orders: 10 });
  http = new SandboxHttp(sandbox);
});

afterEach(async () => {
  await http.control('DELETE', '/faults');
});

afterAll(async () => {
  await sandbox?.close();
});

describe('faults answered before processing', () => {
  it('5xx: 503 with an ErrorBody, nothing created, for `count` requests only', async () => {
    await fault({ kind: '5xx', count: 2, method: 'POST', path: '/customers' });
    const before = await stats();
    for (let i = 0; i < 2; i++) {
      const response = await http.api('POST', '/customers', { body: newCustomer() });
      expect(response.status).toBe(503);
      expect(response.json).toEqual({ error: 'Service unavailable' });
    }
    expect((await stats()).customers).toBe(before.customers);
    expect((await http.api('POST', '/customers', { body: newCustomer() })).status).toBe(200);
    const after = await stats();
    expect(after.customers).toBe(before.customers + 1);
    expect(after.requests.byMethod.POST).toBe((before.requests.byMethod.POST ?? 0) + 3);
    expect(after.requests.byEndpoint.createCustomer).toBe(
      (before.requests.byEndpoint.createCustomer ?? 0) + 3,
    );
  });

  it('reset: the connection drops and nothing is created', async () => {
    await fault({ kind: 'reset', count: 1, method: 'POST', path: '/customers' });
    const before = await stats();
    await expect(http.api('POST', '/customers', { body: newCustomer() })).rejects.toThrow();
    expect((await stats()).customers).toBe(before.customers);
  });

  it('429: Retry-After and an ErrorBody, nothing created', async () => {
    await fault({ kind: '429', count: 1, path: '/customers', retryAfterSeconds: 7 });
    const before = await stats();
    const response = await http.api('POST', '/customers', { body: newCustomer() });
    expect(response.status).toBe(429);
    expect(response.headers.get('retry-after')).toBe('7');
    expect(response.json).toEqual({ error: 'Too many requests' });
    expect((await stats()).customers).toBe(before.customers);
  });

  it('html: a 502 HTML error page like a proxy’s', async () => {
    await fault({ kind: 'html', count: 1 });
    const response = await http.api('GET', '/products');
    expect(response.status).toBe(502);
    expect(response.headers.get('content-type')).toMatch(/^text\/html/);
    expect(response.text).toContain('<html');
    expect(response.json).toBeUndefined();
  });
});

describe('faults after processing', () => {
  it('reset_after: the customer is created but no answer comes back', async () => {
    await fault({ kind: 'reset_after', count: 1, method: 'POST', path: '/customers' });
    const before = await stats();
    const body = newCustomer();
    await expect(http.api('POST', '/customers', { body })).rejects.toThrow();
    expect((await stats()).customers).toBe(before.customers + 1);
    // Looking it up by its natural key finds it, and sending it again is refused.
    const found = await http.ok<{ email: string }[]>(
      'GET',
      `/customers?email=${encodeURIComponent(body.customer.email)}`,
    );
    expect(found).toHaveLength(1);
    expect((await http.api('POST', '/customers', { body })).json).toEqual({
      email: ['has already been taken'],
    });
  });

  it('timeout: the answer is withheld for latencyMs, then sent', async () => {
    await fault({ kind: 'timeout', count: 1, path: '/products', latencyMs: 300 });
    const started = performance.now();
    const response = await http.api('GET', '/products');
    expect(performance.now() - started).toBeGreaterThanOrEqual(290);
    expect(response.status).toBe(200);
  });

  it('timeout: a client that gives up sees no answer, yet the write happened', async () => {
    await fault({ kind: 'timeout', count: 1, method: 'POST', path: '/customers' });
    const before = await stats();
    const controller = new AbortController();
    const pending = http.api('POST', '/customers', { body: newCustomer(), signal: controller.signal });
    setTimeout(() => controller.abort(), 200);
    await expect(pending).rejects.toThrow();
    expect((await stats()).customers).toBe(before.customers + 1);
  });

  it('malformed: a 200 whose JSON is cut off, after processing', async () => {
    await fault({ kind: 'malformed', count: 1, method: 'POST', path: '/customers' });
    const before = await stats();
    const response = await http.api('POST', '/customers', { body: newCustomer() });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^application\/json/);
    expect(() => JSON.parse(response.text) as unknown).toThrow();
    expect((await stats()).customers).toBe(before.customers + 1);
  });

  it('latency: a slow but normal answer', async () => {
    await fault({ kind: 'latency', count: 1, latencyMs: 250 });
    const started = performance.now();
    const response = await http.api('GET', '/products');
    expect(performance.now() - started).toBeGreaterThanOrEqual(240);
    expect(response.status).toBe(200);
    expect(Array.isArray(response.json)).toBe(true);
  });
});

describe('fault matching', () => {
  it('applies only to the given method and path, and never to control endpoints', async () => {
    await fault({ kind: '5xx', method: 'PUT', path: '/customers/' });
    expect((await http.api('GET', '/customers')).status).toBe(200);
    expect((await http.api('POST', '/customers', { body: newCustomer() })).status).toBe(200);
    const [first] = await http.ok<{ id: number }[]>('GET', '/customers');
    expect((await http.api('PUT', `/customers/${first!.id}`, { body: {} })).status).toBe(503);
    expect((await stats()).customers).toBeGreaterThan(0); // control still answers
    const listed = await http.control<{ kind: string }[]>('GET', '/faults');
    expect(listed.map((f) => f.kind)).toEqual(['5xx']);
    await http.control('DELETE', '/faults');
    expect((await http.api('PUT', `/customers/${first!.id}`, { body: {} })).status).not.toBe(503);
  });

  it('fires at the given rate, deterministically for a seed', async () => {
    async function pattern(target: RunningSandbox): Promise<number[]> {
      const client = new SandboxHttp(target);
      await client.control('POST', '/faults', { kind: '5xx', rate: 0.5, path: '/products' });
      const statuses: number[] = [];
      for (let i = 0; i < 40; i++) statuses.push((await client.api('GET', '/products')).status);
      await client.control('DELETE', '/faults');
      return statuses;
    }
    const twin = await startSandbox({ port: 0, seed: 3, products: 5, customers: 10, orders: 10 });
    try {
      const mine = await pattern(sandbox);
      const failures = mine.filter((s) => s === 503).length;
      expect(failures).toBeGreaterThan(5);
      expect(failures).toBeLessThan(35);
      expect(await pattern(twin)).toEqual(mine);
    } finally {
      await twin.close();
    }
    await fault({ kind: '5xx', rate: 0 });
    expect((await http.api('GET', '/products')).status).toBe(200);
  });

  it('refuses an unknown fault kind', async () => {
    const response = await http.raw('POST', `${sandbox.controlUrl}/faults`, { body: { kind: 'gremlins' } });
    expect(response.status).toBe(422);
  });
});

describe('stats and shutdown', () => {
  it('reports duplicate invoice ids, so a test can prove an order was created once', async () => {
    const [customer] = await http.ok<{ id: number }[]>('GET', '/customers');
    const products = await http.ok<
      { id: number; currency: string; product_type: string; product_status: string }[]
    >('GET', '/products');
    const single = products.find(
      (p) => p.product_type === 'single_payment' && p.product_status === 'active',
    )!;
    const body = {
      order: {
        currency: single.currency,
        customer_id: customer!.id,
        invoice_id: 'DUP-1',
        order_products: [{ product_id: single.id }],
      },
    };
    expect((await stats()).duplicateInvoiceIds).toEqual([]);
    await http.ok('POST', '/orders/create_single_order', { body });
    expect((await stats()).duplicateInvoiceIds).toEqual([]);
    await http.ok('POST', '/orders/create_single_order', { body });
    const after = await stats();
    expect(after.duplicateInvoiceIds).toEqual(['DUP-1']);
    expect(after.duplicateEmails).toEqual([]);
  });

  it('closes promptly even with a withheld answer and a keep-alive connection open', async () => {
    const other = await startSandbox({ port: 0, seed: 3, products: 2, customers: 2, orders: 2 });
    const client = new SandboxHttp(other);
    await client.control('POST', '/faults', { kind: 'timeout', path: '/products' }); // 60 s by default
    const hanging = new Promise<void>((resolve) => {
      const req = request(`${other.baseUrl}/products`, {
        headers: { authorization: `Bearer ${client.token(0)}` },
      });
      req.on('error', () => resolve());
      req.on('response', (res) => {
        res.resume();
        res.on('close', () => resolve());
      });
      req.end();
    });
    await new Promise((resolve) => setTimeout(resolve, 100));
    const started = performance.now();
    await other.close();
    await hanging;
    expect(performance.now() - started).toBeLessThan(2_000);
  });
});
