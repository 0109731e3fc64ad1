/**
 * The four cached collections: how each entity is validated, which of its fields become indexed
 * columns, what full-text search sees, and which filters and sorts the list screens may ask for.
 */
import { z } from 'zod';
import {
  Customer,
  Order,
  OrderObject,
  Product,
  ScheduledPayment,
  type OrderStatus,
  type PurchaseType,
  type ScheduledPaymentStatus,
} from '../../common/wire.ts';
import type { SqlParams, SqlValue } from './database.ts';
import { DeskError } from '../../common/errors.ts';
import { toMinorUnits } from '../../common/money.ts';
import { normaliseTimestamp } from '../../common/time.ts';
import type { SYNC_COLLECTIONS } from '../../common/contract.ts';

type SyncCollection = (typeof SYNC_COLLECTIONS)[number];

export const COLLECTIONS = ['products', 'customers', 'orders', 'scheduledPayments'] as const;
export type Collection = (typeof COLLECTIONS)[number];

export interface EntityMap {
  products: Product;
  customers: Customer;
  orders: Order;
  scheduledPayments: ScheduledPayment;
}

/**
 * A BillPro id (positive) or a temp id (negative) of a row created offline. Temp ids are negative
 * integers so they can never collide with BillPro's ids, fit the same integer columns and
 * references, and are rewritten in place once BillPro answers.
 */
export const CachedId = z
  .number()
  .int()
  .refine((n) => n !== 0, 'must not be 0');

// Offline-created customers, orders and scheduled payments carry temp ids, also in references.
const CachedCustomer = Customer.extend({ id: CachedId });
const CachedOrder = OrderObject.extend({ id: CachedId, customer_id: CachedId });
const CachedScheduledPayment = ScheduledPayment.extend({ id: CachedId, order_id: CachedId });

export const ENTITY_SCHEMAS: { [C in Collection]: z.ZodType<EntityMap[C]> } = {
  products: Product,
  customers: CachedCustomer,
  orders: CachedOrder,
  scheduledPayments: CachedScheduledPayment,
};

/**
 * A collection's table, which is also its name in the contract (`SyncCollection`: events, sync
 * history): one translation from the store's camelCase keys, used by both.
 */
export const TABLES: Record<Collection, SyncCollection> = {
  products: 'products',
  customers: 'customers',
  orders: 'orders',
  scheduledPayments: 'scheduled_payments',
};

/** Collections with a full-text index (scheduled payments are found through their order). */
export const SEARCHABLE: Record<Collection, boolean> = {
  products: true,
  customers: true,
  orders: true,
  scheduledPayments: false,
};

// ---------------------------------------------------------------- filters and sorts

type OneOrMany<T> = T | readonly T[];

/** Inclusive `from`, exclusive `to`; ISO 8601 UTC. */
export interface TimeRange {
  from?: string;
  to?: string;
}

interface CommonFilter {
  /** Only rows with (true) or without (false) outbox entries waiting. */
  pending?: boolean;
  /** Only rows created offline and not yet known to BillPro (true), or only BillPro's (false). */
  local?: boolean;
}

export interface ProductFilter extends CommonFilter {
  product_type?: OneOrMany<PurchaseType>;
  product_status?: OneOrMany<string>;
  product_group?: OneOrMany<string>;
  currency?: OneOrMany<string>;
}

export interface CustomerFilter extends CommonFilter {
  /** Compared case-insensitively. */
  email?: string;
  customer_id?: string;
}

export interface OrderFilter extends CommonFilter {
  status?: OneOrMany<OrderStatus>;
  order_type?: OneOrMany<PurchaseType>;
  customer_id?: number;
  currency?: OneOrMany<string>;
  invoice_id?: string;
  created_at?: TimeRange;
}

export interface ScheduledPaymentFilter extends CommonFilter {
  order_id?: number;
  status?: OneOrMany<ScheduledPaymentStatus>;
  scheduled_at?: TimeRange;
}

export interface FilterMap {
  products: ProductFilter;
  customers: CustomerFilter;
  orders: OrderFilter;
  scheduledPayments: ScheduledPaymentFilter;
}

export const SORT_FIELDS = {
  products: ['name', 'product_id', 'price', 'product_type', 'created_at'],
  customers: ['name', 'email', 'customer_id', 'created_at'],
  orders: ['created_at', 'invoice_id', 'status', 'total', 'id'],
  scheduledPayments: ['scheduled_at', 'amount', 'status'],
} as const satisfies Record<Collection, readonly string[]>;

export type SortField<C extends Collection> = (typeof SORT_FIELDS)[C][number];

/** SQL column lists behind each sort field; `t` is the collection's table. */
export const SORT_SQL: { [C in Collection]: Record<SortField<C>, readonly string[]> } = {
  products: {
    name: ['t.name'],
    product_id: ['t.product_id'],
    price: ['t.price_cents'],
    product_type: ['t.product_type', 't.name'],
    created_at: ['t.created_at'],
  },
  customers: {
    name: ['t.last_name', 't.first_name'],
    email: ['t.email'],
    customer_id: ['t.customer_id'],
    created_at: ['t.created_at'],
  },
  orders: {
    created_at: ['t.created_at'],
    invoice_id: ['t.invoice_id'],
    status: ['t.status', 't.created_at'],
    total: ['t.total_cents'],
    id: [],
  },
  scheduledPayments: {
    scheduled_at: ['t.scheduled_at'],
    amount: ['t.amount_cents'],
    status: ['t.status', 't.scheduled_at'],
  },
};

export type SortDirection = 'asc' | 'desc';

export const DEFAULT_SORT: { [C in Collection]: { field: SortField<C>; direction: SortDirection } } = {
  products: { field: 'name', direction: 'asc' },
  customers: { field: 'created_at', direction: 'desc' },
  orders: { field: 'created_at', direction: 'desc' },
  scheduledPayments: { field: 'scheduled_at', direction: 'asc' },
};

/** Turns a filter into `AND`-joined SQL over `t` with named parameters. */
export class WhereBuilder {
  readonly clauses: string[] = [];
  readonly params: SqlParams = {};
  #n = 0;

  #param(value: SqlValue): string {
    const name = `f${this.#n++}`;
    this.params[name] = value;
    return `:${name}`;
  }

  equals(column: string, value: OneOrMany<string | number> | undefined): void {
    if (value === undefined) return;
    const values: readonly (string | number)[] = Array.isArray(value) ? value : [value as string | number];
    if (values.length === 0) {
      this.clauses.push('0');
      return;
    }
    this.clauses.push(`${column} IN (${values.map((v) => this.#param(v)).join(', ')})`);
  }

  range(column: string, range: TimeRange | undefined): void {
    if (range?.from !== undefined)
      this.clauses.push(`${column} >= ${this.#param(normaliseTime(range.from))}`);
    if (range?.to !== undefined) this.clauses.push(`${column} < ${this.#param(normaliseTime(range.to))}`);
  }

  common(filter: CommonFilter): void {
    if (filter.pending !== undefined) this.clauses.push(filter.pending ? 't.pending > 0' : 't.pending = 0');
    if (filter.local !== undefined) this.clauses.push(filter.local ? 't.id < 0' : 't.id > 0');
  }

  sql(): string {
    return this.clauses.length === 0 ? '' : `WHERE ${this.clauses.join(' AND ')}`;
  }
}

export const APPLY_FILTER: { [C in Collection]: (where: WhereBuilder, filter: FilterMap[C]) => void } = {
  products(where, f) {
    where.common(f);
    where.equals('t.product_type', f.product_type);
    where.equals('t.product_status', f.product_status);
    where.equals('t.product_group', f.product_group);
    where.equals('t.currency', f.currency);
  },
  customers(where, f) {
    where.common(f);
    where.equals('t.email', f.email === undefined ? undefined : f.email.trim().toLowerCase());
    where.equals('t.customer_id', f.customer_id);
  },
  orders(where, f) {
    where.common(f);
    where.equals('t.status', f.status);
    where.equals('t.order_type', f.order_type);
    where.equals('t.customer_id', f.customer_id);
    where.equals('t.currency', f.currency);
    where.equals('t.invoice_id', f.invoice_id);
    where.range('t.created_at', f.created_at);
  },
  scheduledPayments(where, f) {
    where.common(f);
    where.equals('t.order_id', f.order_id);
    where.equals('t.status', f.status);
    where.range('t.scheduled_at', f.scheduled_at);
  },
};

// ---------------------------------------------------------------- indexed columns

/** Looks up a cached product's display name, for order search text. */
export type ProductNameLookup = (productId: number) => string | null;

export const COLUMNS: { [C in Collection]: readonly string[] } = {
  products: [
    'product_id',
    'name',
    'product_type',
    'product_status',
    'product_group',
    'currency',
    'price_cents',
    'created_at',
  ],
  customers: ['customer_id', 'email', 'first_name', 'last_name', 'org_name', 'created_at'],
  orders: [
    'invoice_id',
    'status',
    'order_type',
    'customer_id',
    'currency',
    'total_cents',
    'created_at',
    'product_text',
  ],
  scheduledPayments: ['order_id', 'status', 'scheduled_at', 'amount_cents'],
};

export const TO_COLUMNS: {
  [C in Collection]: (entity: EntityMap[C], productName: ProductNameLookup) => Record<string, SqlValue>;
} = {
  products: (p) => ({
    product_id: p.product_id,
    // The UI shows product_id when BillPro gives no name; sorting and search follow the UI.
    name: p.name ?? p.product_id,
    product_type: p.product_type,
    product_status: p.product_status,
    product_group: p.product_group ?? null,
    currency: p.currency.toUpperCase(),
    price_cents: toMinorUnits(p.price),
    created_at: p.created_at,
  }),
  customers: (c) => ({
    customer_id: c.customer_id,
    email: c.email.trim().toLowerCase(),
    first_name: c.first_name,
    last_name: c.last_name,
    org_name: c.organisation?.name ?? null,
    created_at: c.created_at,
  }),
  orders: (o, productName) => ({
    invoice_id: o.invoice_id ?? null,
    status: o.status,
    order_type: o.order_type,
    customer_id: o.customer_id,
    currency: o.currency?.toUpperCase() ?? null,
    total_cents: orderTotalCents(o),
    created_at: o.created_at ?? null,
    product_text: o.products
      .map((line) => line.name ?? productName(line.product_id) ?? '')
      .join(' ')
      .trim(),
  }),
  scheduledPayments: (s) => ({
    order_id: s.order_id,
    status: s.status,
    scheduled_at: s.scheduled_at,
    amount_cents: toMinorUnits(s.amount),
  }),
};

/**
 * The `*_cents` columns hold hundredths whatever the currency (sorting and sums only; an amount
 * with more decimals is null there, and its text stays in the row).
 *
 * The order's total as BillPro gave it (`total_amount`, else `total_to_pay`); null
 * ("unknown") when BillPro gave none. It is never rebuilt from the lines: their discount, fee
 * and tax would be guessed.
 */
function orderTotalCents(order: Order): number | null {
  const total = order.total_amount ?? order.total_to_pay;
  return total === null || total === undefined ? null : toMinorUnits(total);
}

/**
 * A time range bound from the Desk's own filters, in the cache's one spelling. Refused loudly when
 * it is not a timestamp: a silently wrong bound would hide rows.
 */
export function normaliseTime(value: string): string {
  const iso = normaliseTimestamp(value);
  if (iso === null) throw new DeskError('BAD_INPUT', `“${value.slice(0, 40)}” is not an ISO 8601 date-time.`);
  return iso;
}
