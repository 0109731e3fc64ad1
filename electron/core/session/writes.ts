/**
 * Writes: each change goes to the outbox in the same transaction as its optimistic change to the
 * cache, then out to BillPro. What a change is, the rules it must pass and the row it shows until
 * BillPro answers come from its kind (core/changes/); this file queues, sends and answers.
 * When BillPro is reachable the caller waits briefly for the answer, so a refusal (a 422 with
 * field messages) goes straight back to the form that made it; offline, the change waits in the
 * outbox and the row carries a pending badge.
 */
import type { CustomerRow, OrderRow, ScheduledPaymentRow } from '../../common/contract.ts';
import type { CustomerInput, OrderInput, PurchaseType, ScheduledPaymentUpdate } from '../../common/wire.ts';
import { DeskError } from '../../common/errors.ts';
import {
  planCustomerCreate,
  planCustomerUpdate,
  planOrderAction,
  planOrderCreate,
  planPaymentUpdate,
  type OrderAction,
} from '../changes/index.ts';
import type { CachedRow, Collection, EntityMap, NewOutboxEntry } from '../store/index.ts';
import type { Pusher } from '../sync/pusher.ts';
import { refreshStale, type SessionContext } from './context.ts';
import { customerRow, orderRow, paymentRow } from './rows.ts';

/** A change ready to queue: its outbox entry and the row to show meanwhile (null: none changes). */
interface Plan<C extends Collection> {
  entry: NewOutboxEntry;
  entity: EntityMap[C] | null;
}

export class SessionWrites {
  constructor(
    private readonly ctx: SessionContext,
    private readonly pusher: Pusher,
  ) {}

  async createCustomer(input: CustomerInput): Promise<CustomerRow> {
    return customerRow(await this.mutate('customers', planCustomerCreate(this.ctx.store.cache, input)));
  }

  async updateCustomer(id: number, input: CustomerInput): Promise<CustomerRow> {
    return customerRow(await this.mutate('customers', planCustomerUpdate(this.ctx.store.cache, id, input)));
  }

  async createOrder(purchaseType: PurchaseType, order: OrderInput & { customer_id: number }): Promise<OrderRow> {
    const row = await this.mutate('orders', planOrderCreate(this.ctx.store.cache, purchaseType, order));
    return orderRow(this.ctx.store, row);
  }

  async manageOrder(action: OrderAction, id: number): Promise<OrderRow> {
    const row = await this.mutate('orders', planOrderAction(this.ctx.store.cache, action, id));
    return orderRow(this.ctx.store, row);
  }

  async updateScheduledPayment(id: number, update: ScheduledPaymentUpdate): Promise<ScheduledPaymentRow> {
    return paymentRow(await this.mutate('scheduledPayments', planPaymentUpdate(this.ctx.store.cache, id, update)));
  }

  /**
   * Queue a change with its optimistic cache write, send it now when BillPro is reachable, and
   * answer the row as it stands. A refusal from BillPro while the person waits goes back to them.
   */
  private async mutate<C extends Collection>(collection: C, plan: Plan<C>): Promise<CachedRow<C>> {
    const { store, events, connectivity } = this.ctx;
    const queued = store.outbox.enqueue(plan.entry, () => {
      if (plan.entity) store.cache.upsertMany(collection, [plan.entity], { force: true });
    });
    events.outbox();
    events.data([collection]);
    if (connectivity.online) {
      void this.pusher.kick();
      await this.pusher.settled(queued.seq, this.ctx.tuning.requestTimeoutMs ?? 15_000);
      const after = store.outbox.get(queued.seq);
      if (after && (after.state === 'failed' || after.state === 'conflict') && after.lastError) {
        // The person is right here: their form shows BillPro's answer; nothing is left queued.
        store.outbox.discard(queued.seq);
        refreshStale(this.ctx);
        events.outbox();
        events.data([collection]);
        const { code, message, fields } = after.lastError;
        throw new DeskError(code, message, fields ? { fields } : {});
      }
    }
    const row = store.cache.get(collection, queued.targetId);
    if (!row) throw new DeskError('NOT_FOUND', 'The changed record is no longer in the cache.');
    return row;
  }
}
