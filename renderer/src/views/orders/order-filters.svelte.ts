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

import { DATE_PRESETS, presetRange, type DatePreset } from './date-presets.ts';
export { DATE_PRESETS, localDay, presetRange, type DatePreset } from './date-presets.ts';

export class OrderFilters {
  search = $state('');
  statuses = $state<OrderStatus[]>([]);
  type = $state<'' | PurchaseType>('');
  createdFrom = $state('');
  createdTo = $state('');
  customer = $state.raw<{ id: number; name: string } | null>(null);
  sort = $state<OrderSortKey>('newest');

  /** How many filters narrow the list, the search text included. */
  get count(): number {
    return (
      (this.search.trim() ? 1 : 0) +
      (this.statuses.length ? 1 : 0) +
      (this.type ? 1 : 0) +
      (this.createdFrom || this.createdTo ? 1 : 0) +
      (this.customer ? 1 : 0)
    );
  }

  /** The preset the created dates equal, if any. */
  get preset(): DatePreset | null {
    for (const preset of Object.keys(DATE_PRESETS) as DatePreset[]) {
      const range = presetRange(preset);
      if (range.from === this.createdFrom && range.to === this.createdTo) return preset;
    }
    return null;
  }

  applyPreset(preset: DatePreset): void {
    if (this.preset === preset) {
      this.createdFrom = '';
      this.createdTo = '';
      return;
    }
    const range = presetRange(preset);
    this.createdFrom = range.from;
    this.createdTo = range.to;
  }

  /** Words for a file name: what the list is narrowed to (`active-subscription-2026-10-01-to-2026-10-31`). */
  describe(): string {
    const parts = [
      ...this.statuses,
      this.type,
      this.customer ? `customer-${this.customer.name}` : '',
      this.createdFrom || this.createdTo ? `${this.createdFrom || 'start'}-to-${this.createdTo || 'now'}` : '',
      this.search.trim() ? `search-${this.search.trim()}` : '',
    ].filter(Boolean);
    return parts.join(' ');
  }

  toggleStatus(status: OrderStatus): void {
    this.statuses = this.statuses.includes(status)
      ? this.statuses.filter((s) => s !== status)
      : ORDER_STATUSES.filter((s) => s === status || this.statuses.includes(s));
  }

  /** Everything back to the whole list: the search text too. */
  clear(): void {
    this.search = '';
    this.statuses = [];
    this.type = '';
    this.createdFrom = '';
    this.createdTo = '';
    this.customer = null;
  }

  /** The filters as address parameters (see router.svelte.ts); defaults are left out. */
  toParams(): Record<string, string> {
    return {
      q: this.search,
      status: this.statuses.join(','),
      type: this.type,
      from: this.createdFrom,
      to: this.createdTo,
      customer: this.customer ? String(this.customer.id) : '',
      customerName: this.customer?.name ?? '',
      sort: this.sort === 'newest' ? '' : this.sort,
    };
  }

  /** Takes the filters from address parameters; anything unknown or malformed is ignored. */
  readParams(params: Readonly<Record<string, string>>): void {
    const day = (value: string | undefined) => (value && /^\d{4}-\d{2}-\d{2}$/.test(value) ? value : '');
    this.search = params.q ?? '';
    const wanted = (params.status ?? '').split(',');
    this.statuses = ORDER_STATUSES.filter((s) => wanted.includes(s));
    this.type = (PURCHASE_TYPES as readonly string[]).includes(params.type ?? '') ? (params.type as PurchaseType) : '';
    this.createdFrom = day(params.from);
    this.createdTo = day(params.to);
    const customer = Number(params.customer);
    this.customer = params.customer && Number.isInteger(customer) ? { id: customer, name: params.customerName || `#${customer}` } : null;
    this.sort = params.sort && params.sort in ORDER_SORTS ? (params.sort as OrderSortKey) : 'newest';
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
