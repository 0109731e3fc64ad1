/**
 * The BillPro sandbox's contract with the Desk: BillPro-shaped JSON at the documented paths,
 * the documented example bodies, auth and profile rules, pagination, determinism and the CLI.
 * Everything goes over real loopback HTTP.
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { createInterface } from 'node:readline';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_PAGE_SIZE } from '../../electron/common/endpoints.ts';
import {
  Customer,
  ErrorBody,
  Order,
  Product,
  ValidationErrorBody,
} from '../../electron/common/wire.ts';
import { startSandbox, type RunningSandbox } from '../../electron/sandbox/server.ts';
import { SandboxHttp, shapeOf } from './sandbox-http.ts';

const fixture = (name: string): unknown =>
  JSON.parse(readFileSync(new URL(`../fixtures/${name}`, import.meta.url), 'utf8')) as unknown;

const SIZES = { products: 30, customers: 60, orders: 80 };
let sandbox: RunningSandbox;
let http: SandboxHttp;

beforeAll(async () => {
  sandbox = await startSandbox({ port: 0, seed: 7, ...SIZES });
  http = new SandboxHttp(sandbox);
});

afterAll(async () => {
  await sandbox?.close();
});

/** The seed's customer body. The stored docs obfuscated its email, so a real address stands in. */
function seedCustomerBody(email = 'dana.borys@example.com'): { customer: Record<string, unknown> } {
  const body = fixture('customer-create.seed.json') as { customer: Record<string, unknown> };
  return { customer: { ...body.customer, email } };
}

describe('products', () => {
  it('lists the first page as a bare JSON array of BillPro products', async () => {
    const response = await http.api('GET', '/products?page=1');
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^application\/json/);
    expect(Array.isArray(response.json)).toBe(true);
    const items = response.json as unknown[];
    expect(items).toHaveLength(DEFAULT_PAGE_SIZE);
    for (const item of items) expect(Product.safeParse(item).success).toBe(true);
  });

  it('answers with the shape of the documented product list example', async () => {
    const [documented] = fixture('product-list.seed.json') as Record<string, unknown>[];
    const items = (await http.ok<Record<string, unknown>[]>('GET', '/products?page=1')) ?? [];
    // Product 1 is modelled on the documented example: same keys, same types, same values.
    const first = items[0]!;
    const documentedShape = shapeOf(documented) as Record<string, unknown>;
    const firstShape = shapeOf(first) as Record<string, unknown>;
    for (const [key, type] of Object.entries(documentedShape))
      expect([key, firstShape[key]]).toEqual([key, type]);
    // Exactly the documented product: no key more (no name, fee, split_number), none less.
    expect(first).toEqual(documented);
    // Every product carries every documented key, with the documented type or null.
    for (const item of items) {
      const shape = shapeOf(item) as Record<string, unknown>;
      for (const [key, type] of Object.entries(documentedShape)) {
        expect(key in item).toBe(true);
        if (shape[key] !== 'null') {
          if (typeof type === 'object')
            expect(Object.keys(shape[key] as object)).toEqual(expect.arrayContaining(['name', 'created_at']));
          else expect([key, shape[key]]).toEqual([key, type]);
        }
      }
    }
  });

  it('gets one product by id and answers 404 for an unknown one', async () => {
    const list = await http.ok<{ id: number }[]>('GET', '/products?page=1');
    const one = await http.ok('GET', `/products/${list[3]!.id}`);
    expect(one).toEqual(list[3]);
    const missing = await http.api('GET', '/products/99999999');
    expect(missing.status).toBe(404);
    expect(missing.json).toEqual({ error: 'Not found' });
  });

  it('filters by the merchant product_id', async () => {
    const list = await http.ok<{ product_id: string }[]>('GET', '/products?page=1');
    const target = list[5]!.product_id;
    const found = await http.ok<{ product_id: string }[]>('GET', `/products?product_id=${target}`);
    expect(found.map((p) => p.product_id)).toEqual([target]);
  });
});

describe('authentication and merchant profiles', () => {
  it('answers 401 with an ErrorBody for a wrong, malformed or missing token', async () => {
    for (const options of [
      { authorization: 'Bearer 0000not-a-token' },
      { authorization: http.token(0) },
      { token: null },
    ]) {
      const response = await http.api('GET', '/products?page=1', options);
      expect(response.status).toBe(401);
      expect(ErrorBody.parse(response.json)).toEqual({ error: 'Unauthorized' });
    }
  });

  it('hands out three 59-character hex tokens with the documented profile layout', () => {
    expect(sandbox.tokens.map((t) => t.profiles)).toEqual([[1], [1, 2], [3]]);
    for (const { token } of sandbox.tokens) expect(token).toMatch(/^[0-9a-f]{59}$/);
  });

  it('requires profile_id from a token that reaches several profiles', async () => {
    const response = await http.api('GET', '/products', { token: 1 });
    expect(response.status).toBe(400);
    expect(response.json).toEqual({
      error: 'profile_id is required: this API user can access more than one merchant profile',
    });
    const post = await http.api('POST', '/customers', { token: 1, body: seedCustomerBody('x@example.com') });
    expect(post.status).toBe(400);
  });

  it('answers 403 for a profile the token cannot reach, and defaults a single-profile token', async () => {
    const forbidden = await http.api('GET', '/products', { token: 0, profileId: 2 });
    expect(forbidden.status).toBe(403);
    expect(forbidden.json).toEqual({ error: 'You do not have access to this merchant profile' });
    expect((await http.api('GET', '/products', { token: 2, profileId: 1 })).status).toBe(403);
    expect((await http.api('GET', '/products', { token: 0, profileId: 1 })).status).toBe(200);
    const lumen = await http.ok<{ currency: string }[]>('GET', '/products', { token: 2 });
    expect(new Set(lumen.map((p) => p.currency))).toEqual(new Set(['USD']));
  });

  it('keeps each profile’s data separate', async () => {
    const northwind = await http.ok<{ id: number; currency: string }[]>('GET', '/products', {
      token: 1,
      profileId: 2,
    });
    expect(new Set(northwind.map((p) => p.currency))).toEqual(new Set(['EUR']));
    const examply = await http.ok<{ id: number }[]>('GET', '/products', { token: 1, profileId: 1 });
    expect(northwind.some((p) => examply.some((q) => q.id === p.id))).toBe(false);
    // A profile-2 product is not found through profile 1.
    const crossed = await http.api('GET', `/products/${northwind[0]!.id}`, { token: 1, profileId: 1 });
    expect(crossed.status).toBe(404);
  });

  it('keeps control endpoints behind a sandbox token and off /api/v1', async () => {
    const noToken = await http.raw('GET', `${sandbox.controlUrl}/stats`, { token: null });
    expect(noToken.status).toBe(401);
    expect((await http.api('GET', '/__sandbox/stats')).status).toBe(404);
  });
});

describe('customers', () => {
  it('refuses the seed’s example customer with exactly {"phone":["is invalid"]}', async () => {
    const response = await http.api('POST', '/customers', { body: seedCustomerBody() });
    expect(response.status).toBe(422);
    expect(response.json).toEqual(fixture('customer-invalid-phone.seed.json'));
    expect(ValidationErrorBody.safeParse(response.json).success).toBe(true);
  });

  it('also refuses the docs’ obfuscated email verbatim', async () => {
    const body = fixture('customer-create.seed.json');
    const response = await http.api('POST', '/customers', { body });
    expect(response.json).toEqual({ email: ['is invalid'], phone: ['is invalid'] });
  });

  it('creates the seed’s customer once the phone is valid for GB, with ids and timestamps', async () => {
    const body = seedCustomerBody('dana.borys+created@example.com');
    body.customer.phone = '+44 7400 123456';
    const created = await http.ok<Record<string, unknown>>('POST', '/customers', { body });
    const customer = Customer.parse(created);
    expect(customer.customer_id).toMatch(/^[A-Z0-9]{10}$/);
    expect(customer.phone).toBe('+447400123456');
    expect(customer.organisation?.created_at).toBeTruthy();
    expect(customer.addresses.map((a) => a.address_type).sort()).toEqual(['billing', 'shipping']);
    expect(await http.ok('GET', `/customers/${customer.id}`)).toEqual(created);
  });

  it('accepts the bare body as well as the root-keyed one', async () => {
    const { customer } = seedCustomerBody('bare.body@example.com');
    const created = await http.ok<{ email: string }>('POST', '/customers', {
      body: { ...customer, phone: null },
    });
    expect(created.email).toBe('bare.body@example.com');
  });

  it('reports blank, malformed and duplicate fields in Rails’ words', async () => {
    const blank = await http.api('POST', '/customers', {
      body: { customer: { first_name: ' ', last_name: 'X' } },
    });
    expect(blank.status).toBe(422);
    expect(blank.json).toEqual({ first_name: ["can't be blank"], email: ["can't be blank"] });

    const malformed = await http.api('POST', '/customers', {
      body: {
        customer: {
          first_name: 'A',
          last_name: 'B',
          email: 'not-an-email',
          date_of_birth: '31/02/1990',
          addresses: {
            billing_address: { street: '1 Main St', city: 'Springfield', country: 'XX', postal_code: '1' },
          },
        },
      },
    });
    expect(malformed.json).toEqual({
      email: ['is invalid'],
      date_of_birth: ['is invalid'],
      'addresses.billing_address.country': ['is invalid'],
    });

    const existing = (await http.ok<{ email: string }[]>('GET', '/customers?page=1'))[0]!;
    const duplicate = await http.api('POST', '/customers', {
      body: { customer: { first_name: 'A', last_name: 'B', email: existing.email.toUpperCase() } },
    });
    expect(duplicate.json).toEqual({ email: ['has already been taken'] });
    // Emails are unique per merchant, not across merchants.
    const elsewhere = await http.api('POST', '/customers', {
      token: 2,
      body: { customer: { first_name: 'A', last_name: 'B', email: existing.email } },
    });
    expect(elsewhere.status).toBe(200);
  });

  it('validates the phone with the billing country, or its own prefix without one', async () => {
    const withCountry = (phone: string, country?: string) => ({
      customer: {
        first_name: 'P',
        last_name: 'Q',
        email: `p.q.${phone.replace(/\D/g, '')}.${country ?? 'none'}@example.com`,
        phone,
        ...(country
          ? { addresses: { billing_address: { street: '1 A St', city: 'C', country, postal_code: '1' } } }
          : {}),
      },
    });
    expect((await http.api('POST', '/customers', { body: withCountry('07400 123456', 'GB') })).status).toBe(
      200,
    );
    expect((await http.api('POST', '/customers', { body: withCountry('07400 123456') })).json).toEqual({
      phone: ['is invalid'],
    });
    expect((await http.api('POST', '/customers', { body: withCountry('+33 6 12 34 56 78') })).status).toBe(
      200,
    );
    expect((await http.api('POST', '/customers', { body: withCountry('612345678', 'ES') })).status).toBe(200);
  });

  it('replaces the whole address set on PUT and refuses a new customer_id', async () => {
    const body = seedCustomerBody('put.replace@example.com');
    body.customer.phone = '+447400654321';
    const created = Customer.parse(await http.ok('POST', '/customers', { body }));

    const onlyBilling = {
      customer: {
        first_name: 'Dana',
        addresses: {
          billing_address: {
            street: '2 New Rd',
            city: 'Bath',
            state: null,
            country: 'GB',
            postal_code: 'BA2 3AB',
          },
        },
      },
    };
    const updated = Customer.parse(await http.ok('PUT', `/customers/${created.id}`, { body: onlyBilling }));
    expect(updated.addresses).toHaveLength(1);
    expect(updated.addresses[0]).toMatchObject({ address_type: 'billing', street: '2 New Rd' });
    // Each supplied address is saved as a new one.
    expect(created.addresses.map((a) => a.id)).not.toContain(updated.addresses[0]!.id);
    expect(updated.email).toBe('put.replace@example.com');

    const noAddresses = Customer.parse(
      await http.ok('PUT', `/customers/${created.id}`, { body: { customer: { last_name: 'Borys-Smith' } } }),
    );
    expect(noAddresses.addresses).toEqual([]);
    expect(noAddresses.last_name).toBe('Borys-Smith');

    const renamed = await http.api('PUT', `/customers/${created.id}`, {
      body: { customer: { customer_id: 'ABCDEFGHIJ' } },
    });
    expect(renamed.status).toBe(422);
    expect(renamed.json).toEqual({ customer_id: ['cannot be changed'] });
  });

  it('filters the list by merchant customer_id and by email', async () => {
    const [first] = await http.ok<{ id: number; customer_id: string; email: string }[]>(
      'GET',
      '/customers?page=1',
    );
    const byMerchantId = await http.ok<{ id: number }[]>(
      'GET',
      `/customers?customer_id=${first!.customer_id}`,
    );
    expect(byMerchantId.map((c) => c.id)).toContain(first!.id);
    const byEmail = await http.ok<{ id: number }[]>(
      'GET',
      `/customers?email=${encodeURIComponent(first!.email)}`,
    );
    expect(byEmail.map((c) => c.id)).toEqual([first!.id]);
    expect(await http.ok('GET', '/customers?customer_id=NOSUCHID00')).toEqual([]);
  });
});

describe('pagination', () => {
  it('pages by 25 in ascending id order and ends with an empty array', async () => {
    const stats = await http.control<{ orders: number }>('GET', '/stats?profile_id=1');
    const ids: number[] = [];
    for (let page = 1; ; page++) {
      const items = await http.ok<unknown[]>('GET', `/orders?page=${page}`);
      for (const item of items) ids.push(Order.parse(item).id);
      if (items.length < DEFAULT_PAGE_SIZE) {
        expect(await http.ok('GET', `/orders?page=${page + 1}`)).toEqual([]);
        break;
      }
    }
    expect(ids).toHaveLength(stats.orders);
    expect([...ids].sort((a, b) => a - b)).toEqual(ids);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('reads a missing or nonsense page as page 1', async () => {
    const first = await http.ok('GET', '/customers?page=1');
    expect(await http.ok('GET', '/customers')).toEqual(first);
    expect(await http.ok('GET', '/customers?page=0')).toEqual(first);
    expect(await http.ok('GET', '/customers?page=abc')).toEqual(first);
  });
});

describe('options', () => {
  it('gives the same tokens and data for the same seed, and other tokens for another seed', async () => {
    const again = await startSandbox({ port: 0, seed: 7, ...SIZES });
    const other = await startSandbox({ port: 0, seed: 8, products: 5, customers: 5, orders: 5 });
    try {
      expect(again.tokens).toEqual(sandbox.tokens);
      expect(other.tokens.map((t) => t.token)).not.toEqual(sandbox.tokens.map((t) => t.token));
      const twin = new SandboxHttp(again);
      for (const path of ['/products?page=1', '/customers?page=2', '/orders?page=1']) {
        // Payment links differ only by the port each sandbox listens on.
        const normalise = (text: string, port: number) => text.replaceAll(`127.0.0.1:${port}`, 'HOST');
        const mine = await http.api('GET', path);
        const theirs = await twin.api('GET', path);
        expect(normalise(theirs.text, again.port)).toBe(normalise(mine.text, sandbox.port));
      }
    } finally {
      await Promise.all([again.close(), other.close()]);
    }
  });

  it('answers unknown records with 422 when asked to, and can hide the order list', async () => {
    const strict = await startSandbox({
      port: 0,
      notFoundStatus: 422,
      listOrders: false,
      products: 2,
      customers: 2,
      orders: 2,
    });
    try {
      const client = new SandboxHttp(strict);
      const order = await client.api('GET', '/orders/987654321');
      expect(order.status).toBe(422);
      expect(order.json).toEqual({ error: 'Not found' });
      expect((await client.api('GET', '/orders')).status).toBe(404);
      // An unknown path is a routing error: always 404.
      expect((await client.api('GET', '/no-such-thing')).status).toBe(404);
    } finally {
      await strict.close();
    }
  });

  it('listens on 127.0.0.1 only and reports a port in use clearly', async () => {
    expect(new URL(sandbox.baseUrl).hostname).toBe('127.0.0.1');
    await expect(startSandbox({ port: sandbox.port, products: 1, customers: 1, orders: 1 })).rejects.toThrow(
      `port ${sandbox.port} on 127.0.0.1 is already in use`,
    );
  });
});

describe('cli', () => {
  function runCli(args: string[]) {
    const child = spawn(process.execPath, ['--import', 'tsx', 'electron/sandbox/cli.ts', ...args], {
      cwd: new URL('../..', import.meta.url),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    return { child, exited, stderr: () => stderr };
  }

  it('prints one JSON line with the base URL and tokens, serves it, and stops on SIGTERM', async () => {
    const { child, exited } = runCli([
      '--port',
      '0',
      '--seed',
      '7',
      '--products',
      '3',
      '--customers',
      '3',
      '--orders',
      '3',
      '--quiet',
    ]);
    const lines = createInterface({ input: child.stdout });
    const firstLine = await new Promise<string>((resolve) => lines.once('line', resolve));
    const printed = JSON.parse(firstLine) as {
      baseUrl: string;
      tokens: { token: string; profiles: number[] }[];
    };
    expect(Object.keys(printed)).toEqual(['baseUrl', 'tokens']);
    expect(printed.baseUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/api\/v1$/);
    expect(printed.baseUrl).not.toContain(':0/');
    expect(printed.tokens).toEqual(sandbox.tokens); // same seed, same tokens
    const response = await fetch(`${printed.baseUrl}/products?page=1`, {
      headers: { authorization: `Bearer ${printed.tokens[0]!.token}` },
    });
    expect(response.status).toBe(200);
    expect(await response.json()).toHaveLength(3);
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
  });

  it('pages, orders, ignores page and rate-limits as its variation flags say', async () => {
    const { child, exited } = runCli([
      '--port', '0', '--seed', '7', '--products', '45', '--customers', '3', '--orders', '3', '--quiet',
      '--page-size', '20', '--newest-first', '--ignore-page', '--rate-limit', '3',
    ]);
    const lines = createInterface({ input: child.stdout });
    const printed = JSON.parse(await new Promise<string>((resolve) => lines.once('line', resolve))) as {
      baseUrl: string;
      tokens: { token: string }[];
    };
    const get = (page: number) =>
      fetch(`${printed.baseUrl}/products?page=${page}`, { headers: { authorization: `Bearer ${printed.tokens[0]!.token}` } });
    const first = (await (await get(1)).json()) as { id: number }[];
    const second = (await (await get(2)).json()) as { id: number }[];
    expect(first).toHaveLength(20);
    expect(first[0]!.id).toBeGreaterThan(first[19]!.id); // newest first
    expect(second.map((p) => p.id)).toEqual(first.map((p) => p.id)); // page ignored
    await get(3);
    const limited = await get(4); // the fourth request in a minute
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
  });

  it('exits with a clear message when the port is taken', async () => {
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const port = (blocker.address() as { port: number }).port;
    try {
      const { exited, stderr } = runCli(['--port', String(port), '--orders', '1']);
      expect(await exited).toBe(1);
      expect(stderr()).toContain(`port ${port} on 127.0.0.1 is already in use`);
    } finally {
      await new Promise<void>((resolve) => blocker.close(() => resolve()));
    }
  });
});
