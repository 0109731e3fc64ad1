/**
 * Cached rows as the renderer shows them (the contract's row schemas): the entity with its
 * pending badge and whether BillPro has it yet; an order also carries its customer's name.
 */
import type { CustomerRow, OrderRow, ProductRow, ScheduledPaymentRow } from '../../common/contract.ts';
import type { CachedRow, Collection, Store } from '../store/index.ts';

export function productRow(row: CachedRow<'products'>): ProductRow {
  return { ...row.entity, pending: row.pending, localOnly: row.local };
}

export function customerRow(row: CachedRow<'customers'>): CustomerRow {
  return { ...row.entity, id: row.id, pending: row.pending, localOnly: row.local };
}

export function paymentRow(row: CachedRow<'scheduledPayments'>): ScheduledPaymentRow {
  return { ...row.entity, id: row.id, pending: row.pending, localOnly: row.local };
}

/**
 * Fills `names` (for `orderRow`) with the customers of a page of orders in one read. A customer
 * without a name (only an email) or not found this way is looked up by `orderRow` one by one.
 */
export function customerNamesOf(store: Store, rows: readonly CachedRow<'orders'>[], names: Map<number, string | null>): void {
  const ids = [...new Set(rows.map((row) => row.entity.customer_id))].filter((id) => id > 0 && !names.has(id));
  for (const [id, { first, last }] of store.cache.customerNames(ids)) {
    const name = `${first} ${last}`.trim();
    if (name) names.set(id, name);
  }
}

/** An order with its customer's name from the cache; `names` memoizes across one page. */
export function orderRow(store: Store, row: CachedRow<'orders'>, names = new Map<number, string | null>()): OrderRow {
  const customerId = row.entity.customer_id;
  if (!names.has(customerId)) {
    const customer = store.cache.get('customers', customerId)?.entity;
    names.set(customerId, customer ? `${customer.first_name} ${customer.last_name}`.trim() || customer.email : null);
  }
  return { ...row.entity, id: row.id, customer_name: names.get(customerId) ?? null, pending: row.pending, localOnly: row.local };
}

/** One page of a list with the time its collection was last pulled. */
export function page<R>(store: Store, collection: Collection, rows: R[], total: number) {
  return { rows, total, syncedAt: store.cache.syncState(collection).syncedAt };
}

/**
 * When EVERY collection was last complete: the oldest of their pull times, and null until each
 * has been pulled once — so no screen says "synced" while the first orders or scheduled
 * payments are still arriving.
 */
export function lastSyncedAt(store: Store): string | null {
  const synced = (['products', 'customers', 'orders', 'scheduledPayments'] as const).map((c) => store.cache.syncState(c).syncedAt);
  if (synced.includes(null)) return null;
  return (synced as string[]).sort()[0] ?? null;
}
