/**
 * What the Orders list is narrowed to. Kept outside the list component so the filters survive a
 * trip to an order and back; the Orders view (one per profile) owns the instance.
 */
import type { MethodInput, OrderRow } from '../../../../electron/common/contract.ts';

export type OrderStatus = OrderRow['status'];
export type PurchaseType = OrderRow['order_type'];
export type OrdersQuery = Omit<MethodInput<'orders.list'>, 'offset' | 'limit'>;

// BillPro's own lists, shared with the Desk (a schema-free module, so no zod in the bundle).
import { ORDER_STATUSES, PURCHASE_TYPES } from '../../../../electron/common/enums.ts';
export { ORDER_STATUSES, PURCHASE_TYPES };

export const ORDER_SORTS = {
  newest: { label: 'Newest first', sort: { by: 'created_at', dir: 'desc' } },
  oldest: { label: 'Oldest first', sort: { by: 'created_at', dir: 'asc' } },
  'total-desc': { label: 'Total, highest first', sort: { by: 'total', dir: 'desc' } },
  'total-asc': { label: 'Total, lowest first', sort: { by: 'total', dir: 'asc' } },
  status: { label: 'Status, A to Z', sort: { by: 'status', dir: 'asc' } },
} as const satisfies Record<string, { label: string; sort: NonNullable<OrdersQuery['sort']> }>;
export type OrderSortKey = keyof typeof ORDER_SORTS;

/** A local calendar day (`YYYY-MM-DD`, as a date input gives it) as the UTC instant it starts. */
function startOfLocalDay(day: string, addDays = 0): string | undefined {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(day);
  if (!match) return undefined;
  const date = new Date(Number(match[1]), Number(match[2]) - 1, Number(match[3]) + addDays);
  return Number.isNaN(date.getTime()) ? undefined : date.toISOString();
}

export class OrderFilters {
  search = $state('');
  statuses = $state<OrderStatus[]>([]);
  type = $state<'' | PurchaseType>('');
  createdFrom = $state('');
  createdTo = $state('');
  customer = $state.raw<{ id: number; name: string } | null>(null);
  sort = $state<OrderSortKey>('newest');

  /** How many filters narrow the list (search not counted). */
  get count(): number {
    return (
      (this.statuses.length ? 1 : 0) +
      (this.type ? 1 : 0) +
      (this.createdFrom || this.createdTo ? 1 : 0) +
      (this.customer ? 1 : 0)
    );
  }

  toggleStatus(status: OrderStatus): void {
    this.statuses = this.statuses.includes(status)
      ? this.statuses.filter((s) => s !== status)
      : ORDER_STATUSES.filter((s) => s === status || this.statuses.includes(s));
  }

  clear(): void {
    this.statuses = [];
    this.type = '';
    this.createdFrom = '';
    this.createdTo = '';
    this.customer = null;
  }

  /** The `orders.list` input for these filters; the created-to day is included whole. */
  query(profileId: string): OrdersQuery {
    const search = this.search.trim();
    const from = startOfLocalDay(this.createdFrom);
    const to = startOfLocalDay(this.createdTo, 1);
    return {
      profileId,
      ...(search ? { search } : {}),
      ...(this.statuses.length ? { status: [...this.statuses] } : {}),
      ...(this.type ? { type: this.type } : {}),
      ...(this.customer ? { customerId: this.customer.id } : {}),
      ...(from ? { createdFrom: from } : {}),
      ...(to ? { createdTo: to } : {}),
      sort: { ...ORDER_SORTS[this.sort].sort },
    };
  }
}
