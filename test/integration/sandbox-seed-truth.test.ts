/**
 * The sandbox is true to the seed: FormData and JSON both accepted (Content-Type honoured, Rails
 * bracket names), prices include tax as product 1's deposit_amount shows, instalment payments
 * are created with the order, the order's currency must be its products'; and the client's
 * requests are strict: an unknown key, qty 0, a currency that is not ISO 4217 or an over-long
 * text never leave the Desk.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BillProClient } from '../../electron/core/billpro/client.ts';
import { toMinorUnits } from '../../electron/common/money.ts';
import { OrderInput, type Customer, type Order, type Product } from '../../electron/common/wire.ts';
import { startSandbox, type RunningSandbox } from '../../electron/sandbox/server.ts';

let sandbox: RunningSandbox;
let client: BillProClient;
let products: Product[];
let customer: Customer;

beforeAll(async () => {
  sandbox = await startSandbox({ port: 0, seed: 3, products: 40, customers: 10, orders: 10 });
  client = new BillProClient({ baseUrl: sandbox.baseUrl, token: sandbox.tokens[0]!.token });
  products = [];
  for await (const page of client.listProductsPages()) products.push(...page.items);
  customer = (await client.listCustomers({ page: 1 }))[0]!;
});

afterAll(() => sandbox.close());

const api = (path: string, init: RequestInit) =>
  fetch(`${sandbox.baseUrl}${path}`, { ...init, headers: { authorization: `Bearer ${sandbox.tokens[0]!.token}`, ...init.headers } });

describe('request bodies', () => {
  it('creates the same order from JSON, urlencoded FormData and multipart FormData', async () => {
    const product = products.find((p) => p.product_type === 'single_payment' && p.product_status === 'active')!;
    const json = await api('/orders/create_single_order', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ order: { currency: product.currency, customer_id: customer.id, invoice_id: 'FORM-J', order_products: [{ product_id: product.id, qty: 2 }] } }),
    });
    const form = new URLSearchParams();
    form.append('order[currency]', product.currency);
    form.append('order[customer_id]', String(customer.id));
    form.append('order[invoice_id]', 'FORM-U');
    form.append('order[order_products][][product_id]', String(product.id));
    form.append('order[order_products][][qty]', '2');
    const urlencoded = await api('/orders/create_single_order', { method: 'POST', body: form });
    const multipartBody = new FormData();
    for (const [name, value] of form) multipartBody.append(name, name === 'order[invoice_id]' ? 'FORM-M' : value);
    const multipart = await api('/orders/create_single_order', { method: 'POST', body: multipartBody });

    const orders = [] as Order[];
    for (const response of [json, urlencoded, multipart]) {
      expect(response.status, await response.clone().text()).toBe(200);
      orders.push((await response.json()) as Order);
    }
    expect(orders.map((o) => [o.products[0]?.qty, o.total_amount, o.customer_id])).toEqual([
      [2, orders[0]!.total_amount, customer.id],
      [2, orders[0]!.total_amount, customer.id],
      [2, orders[0]!.total_amount, customer.id],
    ]);
    expect(orders.map((o) => o.invoice_id)).toEqual(['FORM-J', 'FORM-U', 'FORM-M']);
  });

  it('reads two lines of bracket names as two products, as Rails does', async () => {
    const [a, b] = products.filter((p) => p.product_type === 'single_payment' && p.product_status === 'active' && p.currency === 'GBP');
    const form = new URLSearchParams([
      ['order[currency]', 'GBP'],
      ['order[customer_id]', String(customer.id)],
      ['order[order_products][][product_id]', String(a!.id)],
      ['order[order_products][][qty]', '1'],
      ['order[order_products][][product_id]', String(b!.id)],
      ['order[order_products][][qty]', '3'],
    ]);
    const response = await api('/orders/create_single_order', { method: 'POST', body: form });
    const order = (await response.json()) as Order;
    expect(order.products.map((l) => [l.product_id, l.qty])).toEqual([[a!.id, 1], [b!.id, 3]]);
  });

  it('honours Content-Type: JSON sent as text/plain is refused, not guessed', async () => {
    const response = await api('/customers', { method: 'POST', headers: { 'content-type': 'text/plain' }, body: '{"customer":{}}' });
    expect(response.status).toBe(415);
    const asForm = await api('/customers', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: '{"customer":{"first_name":"X"}}',
    });
    expect(asForm.status).toBe(422); // read as a form: no customer fields at all
  });
});

describe('sandbox arithmetic and rules', () => {
  it('charges product 1 its documented deposit_amount: the price includes tax', async () => {
    const product1 = products[0]!;
    expect(product1).toMatchObject({ price: '44.99', deposit_amount: '42.74' });
    expect(product1.name).toBeUndefined();
    const order = await client.createOrder('subscription', { currency: 'GBP', customer_id: customer.id, order_products: [{ product_id: product1.id, qty: 1 }] });
    expect(order.total_amount).toBe('42.74');
    expect(toMinorUnits(order.total_tax_amount)).toBe(742); // 21 % inside 42.74
    expect(order.monthly_amount).toBe('44.99');
  });

  it('has products without a name, which the client reads', () => {
    expect(products.filter((p) => p.name === undefined || p.name === null).length).toBeGreaterThan(3);
  });

  it('creates every instalment payment with the order, not at activation', async () => {
    const product = products.find((p) => p.product_type === 'instalment' && p.product_status === 'active' && !p.lock_payment_config)!;
    const order = await client.createOrder('instalment', {
      currency: product.currency,
      customer_id: customer.id,
      order_products: [{ product_id: product.id, qty: 1 }],
      initial_amount: '0',
      split_number: 4,
      scheduled_unit: 'MONTH',
      scheduled_interval: 1,
    });
    expect(order.status).toBe('pending');
    const payments = await client.listScheduledPayments(order.id);
    expect(payments).toHaveLength(4);
    expect(payments.reduce((sum, p) => sum + toMinorUnits(p.amount)!, 0)).toBe(toMinorUnits(order.total_amount));
  });

  it('keeps the other reading behind an option: payments created at activation', async () => {
    const late = await startSandbox({ port: 0, seed: 3, products: 40, customers: 10, orders: 0, instalmentsAt: 'activation' });
    try {
      const lateClient = new BillProClient({ baseUrl: late.baseUrl, token: late.tokens[0]!.token });
      const product = (await lateClient.listProducts(1)).concat(await lateClient.listProducts(2)).find((p) => p.product_type === 'instalment' && p.product_status === 'active')!;
      const someone = (await lateClient.listCustomers({ page: 1 }))[0]!;
      const order = await lateClient.createOrder('instalment', { currency: product.currency, customer_id: someone.id, order_products: [{ product_id: product.id, qty: 1 }] });
      expect(await lateClient.listScheduledPayments(order.id)).toHaveLength(0);
    } finally {
      await late.close();
    }
  });

  it("refuses an order whose currency is not its product's", async () => {
    const product = products.find((p) => p.product_type === 'single_payment' && p.product_status === 'active' && p.currency === 'GBP')!;
    await expect(
      client.createOrder('single_payment', { currency: 'EUR', customer_id: customer.id, order_products: [{ product_id: product.id, qty: 1 }] }),
    ).rejects.toMatchObject({ code: 'VALIDATION', fields: { currency: [expect.stringContaining('GBP')] } });
  });
});

describe('strict requests', () => {
  const base = () => ({ currency: 'GBP', customer_id: customer.id, order_products: [{ product_id: products[1]!.id, qty: 1 }] });

  it.each([
    ['an unknown key', () => ({ ...base(), discount_code: 'X' }), 'base'],
    ['qty 0', () => ({ ...base(), order_products: [{ product_id: 1, qty: 0 }] }), 'order_products.0.qty'],
    ['qty -1', () => ({ ...base(), order_products: [{ product_id: 1, qty: -1 }] }), 'order_products.0.qty'],
    ['a currency that is not ISO 4217', () => ({ ...base(), currency: 'pounds' }), 'currency'],
    ['a negative amount', () => ({ ...base(), order_products: [{ product_id: 1, qty: 1, amount: '-5' }] }), 'order_products.0.amount'],
    ['a note longer than the form allows', () => ({ ...base(), note: 'x'.repeat(1001) }), 'note'],
    ['a start date that is not DD/MM/YYYY', () => ({ ...base(), start_date: '2026-12-01' }), 'start_date'],
  ])('never sends an order with %s', async (_, body, field) => {
    const error = await client.createOrder('single_payment', body() as OrderInput).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'BAD_INPUT' });
    expect(Object.keys((error as { fields: Record<string, string[]> }).fields)).toContain(field);
  });

  it('sends an order description instead of dropping it', async () => {
    const order = await client.createOrder('single_payment', { ...base(), description: 'Quarterly supplies' });
    expect(order.description).toBe('Quarterly supplies');
    expect(OrderInput.safeParse({ ...base(), description: 'x' }).success).toBe(true);
  });
});
