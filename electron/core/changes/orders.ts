/**
 * Order changes: create (billpro-api.md §2.3) and the manage actions — cancel, pause, resume,
 * renew checkout (§2.5–2.6). An order's natural key is its merchant invoice id: every order the
 * Desk creates gets one, so an unknown outcome is settled by looking for it.
 */
import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import { DeskError } from '../../common/errors.ts';
import { formatMinorUnits, toMinorUnits } from '../../common/money.ts';
import { orderNameInSentence } from '../../common/names.ts';
import { OrderInput, PurchaseType, type Order, type OrderStatus } from '../../common/wire.ts';
import { isListOrdersUnsupported, type BillProClient } from '../billpro/client.ts';
import type { Cache } from '../store/cache.ts';
import { CachedId } from '../store/collections.ts';
import { editableField, findInPages, readPath, type ChangeKind } from './change.ts';
import { requireRow } from './rows.ts';

/** Waiting for a first payment: cancelling cancels. */
export const PRELIMINARY: readonly OrderStatus[] = ['draft', 'pending', 'rejected'];
/** Running: BillPro's cancel call completes them ("Mark as complete"). */
export const LIVE: readonly OrderStatus[] = ['active', 'failed', 'suspended', 'paused', 'review'];
export const FINAL: readonly OrderStatus[] = ['cancelled', 'complete'];

/** An order create's body; `customer_id` may be the temp id of a customer created offline. */
export const OrderCreatePayload = z.object({
  order_type: PurchaseType,
  order: OrderInput.extend({ customer_id: CachedId }),
});
export type OrderCreatePayload = z.output<typeof OrderCreatePayload>;

/** Pause, resume and renew checkout send no body (billpro-api.md §2.5–2.6). */
export const NoPayload = z.object({});
export type NoPayload = z.output<typeof NoPayload>;

/**
 * Cancel sends no body either; the Desk keeps what the person asked for, because BillPro's one
 * call cancels a preliminary order but completes a live one. Entries stored before this was kept
 * have `{}`.
 */
export const CancelPayload = z.object({ becomes: z.enum(['cancelled', 'complete']).optional() });
export type CancelPayload = z.output<typeof CancelPayload>;

function nameOf(cache: Cache, id: number): string {
  return orderNameInSentence({ id, invoice_id: cache.get('orders', id)?.entity.invoice_id ?? null });
}

export const orderCreate: ChangeKind<typeof OrderCreatePayload> = {
  payload: OrderCreatePayload,
  collection: 'orders',
  create: true,
  naturalKey: (payload) => payload.order.invoice_id ?? null,
  ref: { collection: 'customers', path: '$.order.customer_id', id: (payload) => payload.order.customer_id },
  label: ({ payload, targetId }) => `Create ${orderNameInSentence({ id: targetId, invoice_id: payload.order.invoice_id ?? null })}`,
  fields: (payload) => {
    const fields = [editableField(payload, ['order', 'invoice_id'], 'omit'), editableField(payload, ['order', 'note'], 'omit')];
    if (readPath(payload, ['order', 'initial_amount']) !== undefined) fields.push(editableField(payload, ['order', 'initial_amount'], 'omit'));
    payload.order.order_products.forEach((product, i) => {
      const prefix = `Product ${i + 1} (#${product.product_id}) · `;
      fields.push(editableField(payload, ['order', 'order_products', i, 'qty'], 'omit', prefix));
      fields.push(editableField(payload, ['order', 'order_products', i, 'amount'], 'omit', prefix));
    });
    return fields;
  },
  send: (client, { payload }) => {
    if (payload.order.customer_id < 0) {
      throw new DeskError('BAD_INPUT', 'This order is for a customer BillPro has not confirmed yet.');
    }
    return client.createOrder(payload.order_type, payload.order);
  },
  lookup: async (client, _cache, { payload, naturalKey }) => {
    const invoice = naturalKey ?? payload.order.invoice_id ?? null;
    if (!invoice) return { landed: null };
    try {
      return { landed: await findInPages(client.listOrdersPages(), (o) => o.invoice_id === invoice) };
    } catch (error) {
      if (!isListOrdersUnsupported(error)) throw error;
      return {
        cannotTell: `Desk cannot tell whether BillPro received order ${invoice}: look for it in BillPro before retrying, or discard this change.`,
      };
    }
  },
  // A new order brings its scheduled payments with it.
  landedCollections: ['orders', 'scheduledPayments'],
};

/** A manage action: no body, sent to the order's id; landed when the order reached `reached`. */
function manageAction<S extends z.ZodType<object>>(
  payload: S,
  label: (name: string, payload: z.output<S>) => string,
  send: (client: BillProClient, id: number) => Promise<Order>,
  reached: ((order: Order) => boolean) | null,
): ChangeKind<S> {
  return {
    payload,
    collection: 'orders',
    create: false,
    naturalKey: () => null,
    label: ({ payload: p, targetId }, cache) => label(nameOf(cache, targetId), p),
    fields: () => [],
    send: (client, { targetId }) => send(client, targetId),
    lookup: async (client, _cache, { targetId }) => {
      // Without a state to check (renew checkout), sending again is harmless: a fresh checkout id.
      if (!reached) return { landed: null };
      const order = await client.getOrder(targetId);
      return { landed: reached(order) ? order : null };
    },
    landedCollections: ['orders', 'scheduledPayments'],
  };
}

export const orderCancel = manageAction(
  CancelPayload,
  (name, p) => (p.becomes === 'complete' ? `Mark ${name} as complete` : `Cancel ${name}`),
  (client, id) => client.cancelOrder(id),
  (o) => o.status === 'cancelled' || o.status === 'complete',
);
export const orderPause = manageAction(NoPayload, (name) => `Pause ${name}`, (client, id) => client.pauseOrder(id), (o) => o.status === 'paused');
export const orderResume = manageAction(NoPayload, (name) => `Resume ${name}`, (client, id) => client.resumeOrder(id), (o) => o.status !== 'paused');
export const orderRenewCheckout = manageAction(
  NoPayload,
  (name) => `Renew the checkout of ${name}`,
  async (client, id) => {
    await client.renewCheckout(id);
    return client.getOrder(id);
  },
  null,
);

// ---------------------------------------------------------------- optimistic rows

/** Every order gets a merchant invoice id: it is the natural key that prevents duplicates. */
function newInvoiceId(): string {
  return `BPD-${Date.now().toString(36).toUpperCase()}-${randomBytes(3).toString('hex').toUpperCase()}`;
}

function toMoney(cents: number): string {
  return formatMinorUnits(cents);
}

/**
 * A new order: the purchase type's rules checked against the cached products, its outbox entry,
 * and the row shown until BillPro answers (totals worked out as BillPro does).
 */
export function planOrderCreate(cache: Cache, purchaseType: PurchaseType, order: OrderInput & { customer_id: number }) {
  const customer = requireRow(cache, 'customers', order.customer_id);
  if (purchaseType !== 'single_payment' && order.order_products.length !== 1) {
    throw new DeskError('VALIDATION', 'This purchase type takes exactly one product.', {
      fields: { order_products: ['must contain exactly one product for this purchase type'] },
    });
  }
  const lines = order.order_products.map((line) => {
    const product = cache.get('products', line.product_id);
    if (!product) throw new DeskError('NOT_FOUND', `Product ${line.product_id} is not in this device's copy.`);
    if (product.entity.product_type !== purchaseType) {
      throw new DeskError('VALIDATION', `Product ${product.entity.name ?? product.entity.product_id} cannot be sold as ${purchaseType}.`, {
        fields: { order_products: [`product type ${product.entity.product_type} does not match ${purchaseType} order`] },
      });
    }
    return { line, product: product.entity };
  });
  const body: OrderInput = { ...order, customer_id: customer.id, invoice_id: order.invoice_id?.trim() || newInvoiceId() };
  const tempId = cache.newTempId();
  const now = new Date().toISOString();
  const cents = (v: string | undefined | null) => toMinorUnits(v ?? '0') ?? 0;
  let discount = 0;
  let fee = 0;
  let tax = 0;
  const products = lines.map(({ line, product }) => {
    const qty = line.qty ?? null;
    const amount = line.amount ?? product.price;
    discount += cents(line.discount_amount);
    fee += cents(line.fee_amount);
    tax += cents(line.tax_amount);
    return {
      product_id: product.id,
      qty,
      amount,
      discount_amount: line.discount_amount ?? null,
      fee_amount: line.fee_amount ?? null,
      tax_amount: line.tax_amount ?? null,
      name: product.name ?? null,
    };
  });
  const entity: Order = {
    id: tempId,
    profile_id: null,
    order_type: purchaseType,
    status: 'pending',
    invoice_id: body.invoice_id ?? null,
    customer_id: customer.id,
    currency: body.currency,
    products,
    total_discount_amount: toMoney(discount),
    total_fee_amount: toMoney(fee),
    total_tax_amount: toMoney(tax),
    // Unknown until BillPro answers: a total is BillPro's figure, never Desk's reconstruction.
    total_amount: null,
    note: body.note ?? null,
    order_source: 2,
    created_at: now,
    updated_at: now,
  };
  const payload = { order_type: purchaseType, order: body as OrderInput & { customer_id: number } };
  return { entry: { kind: 'order.create' as const, payload, targetId: tempId }, entity };
}

const NO_BODY: NoPayload = {};

export type OrderAction = 'cancel' | 'pause' | 'resume' | 'renewCheckout';

/**
 * A manage action on a cached order: refused when the order's status does not allow it, else its
 * outbox entry and the order as it will read (renew checkout changes nothing the row shows).
 */
export function planOrderAction(cache: Cache, action: OrderAction, id: number) {
  const current = requireRow(cache, 'orders', id);
  const order = current.entity;
  const targetId = current.id;
  const changed = (status: OrderStatus): Order => ({ ...order, status, updated_at: new Date().toISOString() });
  switch (action) {
    case 'cancel': {
      if (FINAL.includes(order.status)) {
        throw new DeskError('CONFLICT', `This order is already ${order.status}: there is nothing to cancel.`);
      }
      const becomes: CancelPayload['becomes'] & OrderStatus = PRELIMINARY.includes(order.status) ? 'cancelled' : 'complete';
      return { entry: { kind: 'order.cancel' as const, payload: { becomes }, targetId }, entity: changed(becomes) };
    }
    case 'pause':
      if (order.order_type !== 'subscription' || order.status !== 'active') {
        throw new DeskError('CONFLICT', 'Only an active subscription can be paused.');
      }
      return { entry: { kind: 'order.pause' as const, payload: NO_BODY, targetId }, entity: changed('paused') };
    case 'resume':
      if (order.status !== 'paused') throw new DeskError('CONFLICT', 'Only a paused subscription can be resumed.');
      return { entry: { kind: 'order.resume' as const, payload: NO_BODY, targetId }, entity: changed('active') };
    case 'renewCheckout':
      return { entry: { kind: 'order.renewCheckout' as const, payload: NO_BODY, targetId }, entity: null };
  }
}
