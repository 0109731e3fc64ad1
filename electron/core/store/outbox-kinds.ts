/**
 * What the outbox can hold: each kind of mutation, the shape of its payload (validated when
 * enqueued and again when read back, like Signal's job queue re-validates stored jobs), the
 * collection it touches, its natural key and the row its payload refers to.
 */
import { z } from 'zod';
import { CustomerInput, OrderInput, PurchaseType, ScheduledPaymentUpdate } from '../../common/wire.ts';
import { CachedId, type Collection } from './collections.ts';

/** An order create's body; `customer_id` may be the temp id of a customer created offline. */
export const OrderCreatePayload = z.object({
  order_type: PurchaseType,
  order: OrderInput.extend({ customer_id: CachedId }),
});
export type OrderCreatePayload = z.output<typeof OrderCreatePayload>;

/** Cancel, pause, resume and renew checkout take no body (billpro-api.md §2.5–2.6). */
export const NoPayload = z.object({});
export type NoPayload = z.output<typeof NoPayload>;

export const OUTBOX_PAYLOADS = {
  'customer.create': CustomerInput,
  'customer.update': CustomerInput,
  'order.create': OrderCreatePayload,
  'order.cancel': NoPayload,
  'order.pause': NoPayload,
  'order.resume': NoPayload,
  'order.renewCheckout': NoPayload,
  'scheduledPayment.update': ScheduledPaymentUpdate,
} as const;

export type OutboxKind = keyof typeof OUTBOX_PAYLOADS;
export const OUTBOX_KINDS = Object.keys(OUTBOX_PAYLOADS) as OutboxKind[];
export type OutboxPayloadMap = { [K in OutboxKind]: z.output<(typeof OUTBOX_PAYLOADS)[K]> };

export function isOutboxKind(value: string): value is OutboxKind {
  return Object.hasOwn(OUTBOX_PAYLOADS, value);
}

export function targetCollection(kind: OutboxKind): Collection {
  if (kind.startsWith('customer.')) return 'customers';
  if (kind.startsWith('order.')) return 'orders';
  return 'scheduledPayments';
}

/** Creates bring a new entity into BillPro; their target is a temp id until BillPro answers. */
export function isCreate(kind: OutboxKind): boolean {
  return kind.endsWith('.create');
}

/**
 * The key to look an entity up by when a send's outcome is unknown: the email for customers,
 * the invoice_id for orders. Other kinds are looked up by their target id.
 */
export function naturalKeyOf(kind: OutboxKind, payload: unknown): string | null {
  if (kind === 'customer.create' || kind === 'customer.update') {
    const email = (payload as CustomerInput).email;
    return email.trim().toLowerCase();
  }
  if (kind === 'order.create') return (payload as OrderCreatePayload).order.invoice_id ?? null;
  return null;
}

/** A reference inside a payload to another cached row, rewritten with temp ids. */
export interface PayloadRef {
  collection: Collection;
  /** JSON path of the reference inside the payload (for SQLite's json_set). */
  path: string;
  id: number;
}

export function payloadRef(kind: OutboxKind, payload: unknown): PayloadRef | null {
  if (kind === 'order.create') {
    return {
      collection: 'customers',
      path: '$.order.customer_id',
      id: (payload as OrderCreatePayload).order.customer_id,
    };
  }
  return null;
}

/** JSON paths that can hold a reference, per kind (for temp-id rewrites). */
export const PAYLOAD_REF_PATHS: Partial<Record<OutboxKind, string>> = {
  'order.create': '$.order.customer_id',
};
