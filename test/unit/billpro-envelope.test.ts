import { describe, expect, it } from 'vitest';
import { DeskError } from '../../electron/common/errors.ts';
import {
  isPersistentReadFailure,
  readList,
  readOne,
  readOneOrAcknowledgement,
  unwrapEnvelope,
} from '../../electron/core/billpro/envelope.ts';
import type { ReadContext, SuccessReply } from '../../electron/core/billpro/envelope.ts';
import { Order, Product } from '../../electron/common/wire.ts';

// The seed's documented product list body, verbatim.
const SEED_PRODUCT = {
  id: 1,
  product_id: 'E2824181D8',
  currency: 'GBP',
  price: '44.99',
  product_type: 'subscription',
  product_status: 'active',
  lock_price: true,
  lock_payment_config: false,
  product_group: 'Memberships',
  scheduled_interval: '1',
  scheduled_unit: 'MONTH',
  fee_for_initial_payment_only: true,
  discount_for_initial_payment_only: true,
  deposit_amount: '42.74',
  created_at: '2024-02-12T15:12:37.314Z',
  discount: { name: 'Discount 5%', percentage: '5.00', description: 'Five Percent New Customer Discount' },
  tax: { name: 'VAT Spain', percentage: '21.00', description: 'Spain Value Added Tax 21%' },
};

const ORDER = {
  id: 1001,
  profile_id: 1,
  order_type: 'subscription',
  status: 'pending',
  invoice_id: 'W58XGHF',
  customer_id: 42,
  monthly_amount: 20,
  products: [{ product_id: 7, qty: 1, amount: '20.00' }],
};

const ctx: ReadContext = { subject: 'order 1001', write: false, redact: (t) => t };
const json = (body: unknown, status = 200): SuccessReply => ({
  status,
  text: JSON.stringify(body),
  contentType: 'application/json; charset=utf-8',
});

function caught(fn: () => unknown): DeskError {
  try {
    fn();
  } catch (error) {
    if (error instanceof DeskError) return error;
    throw error;
  }
  throw new Error('expected a DeskError');
}

describe('unwrapEnvelope', () => {
  it('reads a bare list, a root-keyed list and a data list alike', () => {
    expect(unwrapEnvelope([SEED_PRODUCT], 'listProducts', 'list')).toEqual([SEED_PRODUCT]);
    expect(unwrapEnvelope({ products: [SEED_PRODUCT] }, 'listProducts', 'list')).toEqual([SEED_PRODUCT]);
    expect(unwrapEnvelope({ data: [SEED_PRODUCT], meta: { page: 1 } }, 'listProducts', 'list')).toEqual([
      SEED_PRODUCT,
    ]);
  });

  it('reads a bare resource, a root-keyed one and a data one alike', () => {
    expect(unwrapEnvelope(ORDER, 'getOrder', 'one')).toBe(ORDER);
    expect(unwrapEnvelope({ order: ORDER }, 'getOrder', 'one')).toBe(ORDER);
    expect(unwrapEnvelope({ data: ORDER }, 'cancelOrder', 'one')).toBe(ORDER);
  });
});

describe('readOne / readList', () => {
  it('parses the seed product list and normalises money and whole numbers', () => {
    const [product] = readList(json([SEED_PRODUCT]), 'listProducts', Product, ctx);
    expect(product?.price).toBe('44.99');
    expect(product?.scheduled_interval).toBe(1);
    const order = readOne(json({ order: ORDER }), 'getOrder', Order, ctx);
    expect(order.monthly_amount).toBe('20');
    expect(order.products[0]?.qty).toBe(1);
  });

  it('turns malformed JSON into a SERVER error a person can act on, worth retrying', () => {
    const error = caught(() =>
      readOne(
        { status: 200, text: '{"id": 1001, "status": "pen', contentType: 'application/json' },
        'getOrder',
        Order,
        ctx,
      ),
    );
    expect(error.code).toBe('SERVER');
    expect(error.message).toMatch(
      /^BillPro answered with something Desk could not read for order 1001: .*not valid JSON/,
    );
    expect(isPersistentReadFailure(error)).toBe(false);
  });

  it('recognises an HTML page where JSON was expected', () => {
    const error = caught(() =>
      readList(
        { status: 200, text: '<!doctype html><h1>Welcome</h1>', contentType: 'text/html' },
        'listProducts',
        Product,
        ctx,
      ),
    );
    expect(error.code).toBe('SERVER');
    expect(error.message).toMatch(/web page instead of data\. Check the API base URL/);
  });

  it('names the wrong field when types do not match, and does not retry that', () => {
    const error = caught(() => readOne(json({ ...ORDER, status: 42 }), 'getOrder', Order, ctx));
    expect(error.code).toBe('SERVER');
    expect(error.message).toContain('status');
    expect(isPersistentReadFailure(error)).toBe(true);
    const listError = caught(() => readList(json({ ok: true }), 'listOrders', Order, ctx));
    expect(listError.message).toContain('a list was expected');
  });

  it('flags an unreadable answer to a write as outcome unknown (it did happen)', () => {
    const error = caught(() =>
      readOne({ status: 201, text: '{"id":', contentType: 'application/json' }, 'createSingleOrder', Order, {
        ...ctx,
        write: true,
      }),
    );
    expect(error.outcomeUnknown).toBe(true);
    expect(error.message).toContain('probably saved');
  });

  it('treats an empty or id-less answer to a state change as an acknowledgement', () => {
    const empty: SuccessReply = { status: 200, text: '', contentType: '' };
    expect(readOneOrAcknowledgement(empty, 'cancelOrder', Order, ctx)).toBeNull();
    expect(readOneOrAcknowledgement(json({ success: true }), 'cancelOrder', Order, ctx)).toBeNull();
    expect(
      readOneOrAcknowledgement(json({ order: { ...ORDER, status: 'cancelled' } }), 'cancelOrder', Order, ctx)
        ?.status,
    ).toBe('cancelled');
  });
});
