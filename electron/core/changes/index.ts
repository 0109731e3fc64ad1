/**
 * The table of change kinds: everything the outbox, the pusher, the session and Activity know
 * about a kind of change comes from its entry here (see change.ts for what an entry holds).
 * Adding a kind: a module beside these, one line in `CHANGES`.
 */
import type { z } from 'zod';
import type { Collection } from '../store/collections.ts';
import type { ChangeKind } from './change.ts';
import { customerCreate, customerUpdate } from './customers.ts';
import { orderCancel, orderCreate, orderPause, orderRenewCheckout, orderResume } from './orders.ts';
import { paymentUpdate } from './payments.ts';

export const CHANGES = {
  'customer.create': customerCreate,
  'customer.update': customerUpdate,
  'order.create': orderCreate,
  'order.cancel': orderCancel,
  'order.pause': orderPause,
  'order.resume': orderResume,
  'order.renewCheckout': orderRenewCheckout,
  'scheduledPayment.update': paymentUpdate,
} as const;

export type OutboxKind = keyof typeof CHANGES;
export const OUTBOX_KINDS = Object.keys(CHANGES) as OutboxKind[];
type SchemaOf<K extends OutboxKind> = (typeof CHANGES)[K]['payload'];
export type OutboxPayloadMap = { [K in OutboxKind]: z.output<SchemaOf<K>> };
export type OutboxPayloadInputMap = { [K in OutboxKind]: z.input<SchemaOf<K>> };

export function isOutboxKind(value: string): value is OutboxKind {
  return Object.hasOwn(CHANGES, value);
}

/** The kind's entry, typed loosely enough to call with any stored entry of that kind. */
export function changeOf(kind: OutboxKind): ChangeKind<z.ZodType, unknown> {
  return CHANGES[kind] as unknown as ChangeKind<z.ZodType, unknown>;
}

export function targetCollection(kind: OutboxKind): Collection {
  return CHANGES[kind].collection;
}

/** Creates bring a new entity into BillPro; their target is a temp id until BillPro answers. */
export function isCreate(kind: OutboxKind): boolean {
  return CHANGES[kind].create;
}

/** The key to look an entity up by when a send's outcome is unknown (see each kind). */
export function naturalKeyOf(kind: OutboxKind, payload: unknown): string | null {
  return changeOf(kind).naturalKey(payload);
}

/** A reference inside a payload to another cached row, rewritten with temp ids. */
export interface PayloadRef {
  collection: Collection;
  /** JSON path of the reference inside the payload (for SQLite's json_set). */
  path: string;
  id: number;
}

export function payloadRef(kind: OutboxKind, payload: unknown): PayloadRef | null {
  const ref = changeOf(kind).ref;
  return ref ? { collection: ref.collection, path: ref.path, id: ref.id(payload) } : null;
}

/** JSON paths that can hold a reference, per kind (for temp-id rewrites). */
export const PAYLOAD_REF_PATHS: Partial<Record<OutboxKind, string>> = Object.fromEntries(
  OUTBOX_KINDS.flatMap((kind) => {
    const ref = changeOf(kind).ref;
    return ref ? [[kind, ref.path]] : [];
  }),
);

export type { ChangeKind, Landed, LookupResult, QueuedChange } from './change.ts';
export { OrderCreatePayload, CancelPayload, NoPayload, PRELIMINARY, LIVE, FINAL, planOrderAction, planOrderCreate, type OrderAction } from './orders.ts';
export { planCustomerCreate, planCustomerUpdate } from './customers.ts';
export { planPaymentUpdate } from './payments.ts';
