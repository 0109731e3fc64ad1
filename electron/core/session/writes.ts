/**
 * Writes: each change goes to the outbox in the same transaction as its optimistic change to the
 * cache, then out to BillPro. When BillPro is reachable the caller waits briefly for the answer,
 * so a refusal (a 422 with field messages) goes straight back to the form that made it; offline,
 * the change waits in the outbox and the row carries a pending badge.
 */
import { randomBytes } from 'node:crypto';
import type { CustomerRow, OrderRow, ScheduledPaymentRow } from '../../common/contract.ts';
import type {
  Customer,
  CustomerAddress,
  CustomerInput,
  Order,
  OrderInput,
  OrderStatus,
  PurchaseType,
  ScheduledPaymentUpdate,
} from '../../common/wire.ts';
import { DeskError } from '../../common/errors.ts';
import type { CachedRow, Collection, NewOutboxEntry } from '../store/index.ts';
import type { Pusher } from '../sync/pusher.ts';
import { refreshStale, type SessionContext } from './context.ts';
import { customerRow, orderRow, paymentRow } from './rows.ts';

const PRELIMINARY: readonly OrderStatus[] = ['draft', 'pending', 'rejected'];
const FINAL: readonly OrderStatus[] = ['cancelled', 'complete'];
const UPDATABLE_PAYMENT = new Set(['scheduled', 'soft-declined', 'hard-declined', 'paused']);

export class SessionWrites {
  constructor(
    private readonly ctx: SessionContext,
    private readonly pusher: Pusher,
  ) {}

  async createCustomer(input: CustomerInput): Promise<CustomerRow> {
    const tempId = this.ctx.store.cache.newTempId();
    const now = new Date().toISOString();
    const entity: Customer = {
      id: tempId,
      customer_id: '',
      ...customerFields(input),
      created_at: now,
      updated_at: now,
    };
    const row = await this.mutate({ kind: 'customer.create', payload: input, targetId: tempId }, () => {
      this.ctx.store.cache.upsertMany('customers', [entity], { force: true });
    });
    return customerRow(row as CachedRow<'customers'>);
  }

  async updateCustomer(id: number, input: CustomerInput): Promise<CustomerRow> {
    const current = this.requireRow('customers', id);
    const entity: Customer = {
      ...current.entity,
      ...customerFields(input),
      updated_at: new Date().toISOString(),
    };
    const row = await this.mutate({ kind: 'customer.update', payload: input, targetId: current.id }, () => {
      this.ctx.store.cache.upsertMany('customers', [entity], { force: true });
    });
    return customerRow(row as CachedRow<'customers'>);
  }

  async createOrder(purchaseType: PurchaseType, order: OrderInput & { customer_id: number }): Promise<OrderRow> {
    const customer = this.requireRow('customers', order.customer_id);
    if (purchaseType !== 'single_payment' && order.order_products.length !== 1) {
      throw new DeskError('VALIDATION', 'This purchase type takes exactly one product.', {
        fields: { order_products: ['must contain exactly one product for this purchase type'] },
      });
    }
    const lines = order.order_products.map((line) => {
      const product = this.ctx.store.cache.get('products', line.product_id);
      if (!product) throw new DeskError('NOT_FOUND', `Product ${line.product_id} is not in this device's copy.`);
      if (product.entity.product_type !== purchaseType) {
        throw new DeskError('VALIDATION', `Product ${product.entity.name ?? product.entity.product_id} cannot be sold as ${purchaseType}.`, {
          fields: { order_products: [`product type ${product.entity.product_type} does not match ${purchaseType} order`] },
        });
      }
      return { line, product: product.entity };
    });
    const body: OrderInput = { ...order, customer_id: customer.id, invoice_id: order.invoice_id?.trim() || newInvoiceId() };
    const tempId = this.ctx.store.cache.newTempId();
    const now = new Date().toISOString();
    const cents = (v: string | undefined | null) => Math.round(Number(v ?? 0) * 100);
    let subtotal = 0;
    let discount = 0;
    let fee = 0;
    let tax = 0;
    const products = lines.map(({ line, product }) => {
      const qty = line.qty ?? 1;
      const amount = line.amount ?? product.price;
      subtotal += cents(amount) * qty;
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
      total_amount: toMoney(subtotal - discount + fee + tax),
      note: body.note ?? null,
      order_source: 2,
      created_at: now,
      updated_at: now,
    };
    const row = await this.mutate(
      { kind: 'order.create', payload: { order_type: purchaseType, order: body }, targetId: tempId },
      () => {
        this.ctx.store.cache.upsertMany('orders', [entity], { force: true });
      },
    );
    return orderRow(this.ctx.store, row as CachedRow<'orders'>);
  }

  async manageOrder(action: 'cancel' | 'pause' | 'resume' | 'renewCheckout', id: number): Promise<OrderRow> {
    const current = this.requireRow('orders', id);
    const order = current.entity;
    let status: OrderStatus = order.status;
    if (action === 'cancel') {
      if (FINAL.includes(order.status)) {
        throw new DeskError('CONFLICT', `This order is already ${order.status}: there is nothing to cancel.`);
      }
      status = PRELIMINARY.includes(order.status) ? 'cancelled' : 'complete';
    } else if (action === 'pause') {
      if (order.order_type !== 'subscription' || order.status !== 'active') {
        throw new DeskError('CONFLICT', 'Only an active subscription can be paused.');
      }
      status = 'paused';
    } else if (action === 'resume') {
      if (order.status !== 'paused') throw new DeskError('CONFLICT', 'Only a paused subscription can be resumed.');
      status = 'active';
    }
    const kind = `order.${action}` as const;
    const entity: Order = { ...order, status, updated_at: new Date().toISOString() };
    const row = await this.mutate({ kind, payload: {}, targetId: current.id }, () => {
      if (action !== 'renewCheckout') this.ctx.store.cache.upsertMany('orders', [entity], { force: true });
    });
    return orderRow(this.ctx.store, row as CachedRow<'orders'>);
  }

  async updateScheduledPayment(id: number, update: ScheduledPaymentUpdate): Promise<ScheduledPaymentRow> {
    const current = this.requireRow('scheduledPayments', id);
    if (!UPDATABLE_PAYMENT.has(current.entity.status)) {
      throw new DeskError('CONFLICT', `A ${current.entity.status} payment cannot be changed.`);
    }
    if (update.scheduled_at && Date.parse(update.scheduled_at) <= Date.now()) {
      throw new DeskError('VALIDATION', 'Pick a date in the future.', { fields: { scheduled_at: ['must be in the future'] } });
    }
    const entity = { ...current.entity, ...update, updated_at: new Date().toISOString() };
    const row = await this.mutate({ kind: 'scheduledPayment.update', payload: update, targetId: current.id }, () => {
      this.ctx.store.cache.upsertMany('scheduledPayments', [entity], { force: true });
    });
    return paymentRow(row as CachedRow<'scheduledPayments'>);
  }

  /**
   * Queue a change with its optimistic cache write, send it now when BillPro is reachable, and
   * answer the row as it stands. A refusal from BillPro while the person waits goes back to them.
   */
  private async mutate(entry: NewOutboxEntry, optimistic: () => void): Promise<CachedRow<Collection>> {
    const queued = this.ctx.store.outbox.enqueue(entry, optimistic);
    const collection = queued.targetCollection;
    this.ctx.events.outbox();
    this.ctx.events.data([collection]);
    if (this.ctx.connectivity.online) {
      void this.pusher.kick();
      await this.pusher.settled(queued.seq, this.ctx.tuning.requestTimeoutMs ?? 15_000);
      const after = this.ctx.store.outbox.get(queued.seq);
      if (after && (after.state === 'failed' || after.state === 'conflict') && after.lastError) {
        // The person is right here: their form shows BillPro's answer; nothing is left queued.
        this.ctx.store.outbox.discard(queued.seq);
        refreshStale(this.ctx);
        this.ctx.events.outbox();
        this.ctx.events.data([collection]);
        const { code, message, fields } = after.lastError;
        throw new DeskError(code, message, fields ? { fields } : {});
      }
    }
    const row = this.ctx.store.cache.get(collection, queued.targetId);
    if (!row) throw new DeskError('NOT_FOUND', 'The changed record is no longer in the cache.');
    return row;
  }

  private requireRow<C extends Collection>(collection: C, id: number): CachedRow<C> {
    const row = this.ctx.store.cache.get(collection, id);
    if (!row) throw new DeskError('NOT_FOUND', "That record is not in this device's copy. Sync, then try again.");
    return row;
  }

}

/** A customer's fields as GET shows them, from the create/update body (see wire.ts). */
function customerFields(input: CustomerInput): Omit<Customer, 'id' | 'customer_id' | 'created_at' | 'updated_at'> {
  const addresses: CustomerAddress[] = [];
  if (input.addresses?.billing_address) addresses.push({ ...input.addresses.billing_address, address_type: 'billing' });
  if (input.addresses?.shipping_address) addresses.push({ ...input.addresses.shipping_address, address_type: 'shipping' });
  return {
    first_name: input.first_name,
    last_name: input.last_name,
    email: input.email,
    date_of_birth: input.date_of_birth ?? null,
    phone: input.phone ?? null,
    organisation: input.organisation ?? null,
    addresses,
  };
}

/** Every order gets a merchant invoice id: it is the natural key that prevents duplicates. */
function newInvoiceId(): string {
  return `BPD-${Date.now().toString(36).toUpperCase()}-${randomBytes(3).toString('hex').toUpperCase()}`;
}

function toMoney(cents: number): string {
  return (cents / 100).toFixed(2);
}

