/**
 * Reads answer from the cache at once; a fresher copy is fetched behind them and a
 * `dataRefreshed` event tells the renderer when it lands. A record this device has never seen
 * is asked of BillPro while the person waits.
 */
import type { z } from 'zod';
import type { CustomerRow, Methods, OrderRow, ProductRow, ScheduledPaymentRow } from '../../common/contract.ts';
import { ORDER_STATUSES } from '../../common/enums.ts';
import { DeskError, isDeskError } from '../../common/errors.ts';
import type { OrderStatus } from '../../common/wire.ts';
import { ordersCsv, ordersCsvChunks } from '../orders-csv.ts';
import type { CachedRow } from '../store/index.ts';
import type { SessionContext } from './context.ts';
import { customerNamesOf, customerRow, lastSyncedAt, orderRow, page, paymentRow, productRow } from './rows.ts';

type Input<M extends keyof Methods> = z.output<Methods[M]['input']>;

/** The store query behind the Orders list, its chip counts and its export. */
function orderQuery(input: Input<'orders.list'> | Input<'orders.statusCounts'> | Input<'orders.exportCsv'>) {
  const created =
    input.createdFrom || input.createdTo
      ? { created_at: { ...(input.createdFrom ? { from: input.createdFrom } : {}), ...(input.createdTo ? { to: input.createdTo } : {}) } }
      : {};
  return {
    filter: {
      ...(input.status?.length ? { status: input.status } : {}),
      ...(input.type ? { order_type: input.type } : {}),
      ...(input.customerId !== undefined ? { customer_id: input.customerId } : {}),
      ...created,
    },
    ...(input.search ? { search: input.search } : {}),
    ...(input.sort ? { sort: { field: input.sort.by, direction: input.sort.dir } } : {}),
  };
}

export class SessionReads {
  constructor(private readonly ctx: SessionContext) {}

  listProducts(input: Input<'products.list'>) {
    const { store } = this.ctx;
    const result = store.cache.list('products', {
      filter: {
        ...(input.type ? { product_type: input.type } : {}),
        ...(input.status ? { product_status: input.status } : {}),
        ...(input.group ? { product_group: input.group } : {}),
      },
      ...(input.search ? { search: input.search } : {}),
      ...(input.sort ? { sort: { field: input.sort.by, direction: input.sort.dir } } : {}),
      limit: input.limit,
      offset: input.offset,
    });
    return page(store, 'products', result.rows.map(productRow), result.total);
  }

  productGroups(): string[] {
    return this.ctx.store.productGroups();
  }

  async getProduct(id: number): Promise<ProductRow> {
    return productRow(await this.getOrFetch('products', id, () => this.ctx.client.getProduct(id)));
  }

  listCustomers(input: Input<'customers.list'>) {
    const { store } = this.ctx;
    const result = store.cache.list('customers', {
      ...(input.search ? { search: input.search } : {}),
      ...(input.sort ? { sort: { field: input.sort.by, direction: input.sort.dir } } : {}),
      limit: input.limit,
      offset: input.offset,
    });
    return page(store, 'customers', result.rows.map(customerRow), result.total);
  }

  async getCustomer(id: number): Promise<CustomerRow> {
    return customerRow(await this.getOrFetch('customers', id, () => this.ctx.client.getCustomer(id)));
  }

  listOrders(input: Input<'orders.list'>) {
    const { store } = this.ctx;
    const result = store.cache.list('orders', { ...orderQuery(input), limit: input.limit, offset: input.offset });
    const names = new Map<number, string | null>();
    customerNamesOf(store, result.rows, names);
    return page(store, 'orders', result.rows.map((row) => orderRow(store, row, names)), result.total);
  }

  orderStatusCounts(input: Input<'orders.statusCounts'>): { counts: { status: OrderStatus; count: number }[] } {
    const { sort: _sort, ...query } = orderQuery(input);
    const counts = this.ctx.store.cache.countBy('orders', 'status', query);
    return { counts: ORDER_STATUSES.map((status) => ({ status, count: counts.get(status) ?? 0 })) };
  }

  /** Built in chunks with the event loop free between them (orders-csv.ts). */
  exportOrdersCsv(input: Input<'orders.exportCsv'>): Promise<{ csv: string; rows: number }> {
    return ordersCsv(this.ctx.store, orderQuery(input), input.columns);
  }

  /**
   * The same export as pieces of text (header first, then one per chunk of rows), byte for byte
   * the text `exportOrdersCsv` joins; `onRows` hears the row count once the snapshot is taken.
   */
  streamOrdersCsv(
    input: Input<'orders.exportCsv'>,
    onRows: (rows: number) => void,
    signal?: AbortSignal,
  ): AsyncGenerator<string, unknown, undefined> {
    return ordersCsvChunks(this.ctx.store, orderQuery(input), input.columns, { onRows, ...(signal ? { signal } : {}) });
  }

  async getOrder(id: number): Promise<OrderRow> {
    return orderRow(this.ctx.store, await this.getOrFetch('orders', id, () => this.ctx.client.getOrder(id)));
  }

  listScheduledPayments(orderId: number): { rows: ScheduledPaymentRow[]; syncedAt: string | null } {
    const { store, client } = this.ctx;
    const order = store.cache.get('orders', orderId);
    const realId = order?.id ?? orderId;
    const result = store.cache.list('scheduledPayments', { filter: { order_id: realId }, limit: 1000 });
    if (realId > 0) {
      this.ctx.background.run(`payments:${realId}`, async () => {
        const payments = await client.listScheduledPayments(realId);
        const written = store.cache.upsertMany('scheduledPayments', payments);
        return written.written > 0 ? ['scheduledPayments'] : [];
      });
    }
    return {
      rows: result.rows.map(paymentRow),
      syncedAt: store.cache.syncState('scheduledPayments').syncedAt,
    };
  }

  async summary(months: number, days: number) {
    const { store } = this.ctx;
    return { ...(await store.summary(new Date(), { months, days })), syncedAt: lastSyncedAt(store) };
  }

  /** Cached row at once (refreshed in the background), else BillPro's answer. */
  private async getOrFetch<C extends 'products' | 'customers' | 'orders'>(
    collection: C,
    id: number,
    fetch: () => Promise<unknown>,
  ): Promise<CachedRow<C>> {
    const { store, connectivity } = this.ctx;
    const cached = store.cache.get(collection, id);
    if (cached) {
      if (cached.id > 0) {
        this.ctx.background.run(`${collection}:${cached.id}`, async () => {
          const fresh = await fetch();
          return store.cache.upsertMany(collection, [fresh]).written > 0 ? [collection] : [];
        });
      }
      return cached;
    }
    if (id < 0) throw new DeskError('NOT_FOUND', 'That record was discarded before it reached BillPro.');
    try {
      const fresh = await fetch();
      connectivity.report(null);
      store.cache.upsertMany(collection, [fresh]);
    } catch (error) {
      connectivity.report(error);
      if (isDeskError(error) && error.code !== 'NOT_FOUND') {
        throw new DeskError(error.code, `It is not in this device's copy yet, and ${lowerFirst(error.message)}`, {
          status: error.status,
        });
      }
      throw error;
    }
    const row = store.cache.get(collection, id);
    if (!row) throw new DeskError('NOT_FOUND', 'BillPro has no such record.');
    return row;
  }
}

function lowerFirst(text: string): string {
  return text.charAt(0).toLowerCase() + text.slice(1);
}
