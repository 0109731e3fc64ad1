/**
 * What the Desk knows about one kind of change, in one place (issue 9 item 2): the payload it
 * queues, the collection it touches, its natural key, how Activity names it and which fields a
 * person may correct, how it is sent, and how to tell whether a send whose outcome is unknown
 * landed. The outbox, the pusher, the session and Activity all read this table
 * (`changes/index.ts`); the optimistic row each kind writes is built in its module too.
 */
import type { z } from 'zod';
import type { EditableField } from '../../common/contract.ts';
import type { DeskError } from '../../common/errors.ts';
import { FIELD_LABELS, fieldLabel } from '../../common/names.ts';
import type { Customer, Order, ScheduledPayment } from '../../common/wire.ts';
import type { BillProClient } from '../billpro/client.ts';
import type { Cache } from '../store/cache.ts';
import type { Collection } from '../store/collections.ts';

/** BillPro's version of what a change made or changed. */
export type Landed = Customer | Order | ScheduledPayment;

/** A queued change as its kind sees it. */
export interface QueuedChange<P> {
  payload: P;
  /** The row the change is about: a BillPro id, or a temp id (negative) until a create lands. */
  targetId: number;
  naturalKey: string | null;
  attempts: number;
}

/** What a lookup after an unknown outcome found. */
export type LookupResult =
  /** The change is in BillPro: this is its version. */
  | { landed: Landed }
  /** It did not land: send it again. */
  | { landed: null }
  /** Desk cannot tell (BillPro offers no way to look): the person decides. */
  | { cannotTell: string };

export interface ChangeKind<S extends z.ZodType, P = z.output<S>> {
  /** Validated when enqueued and again when read back. */
  payload: S;
  collection: Collection;
  /** Creates target a temp id until BillPro answers with the real one. */
  create: boolean;
  /** The key to look the entity up by after an unknown outcome (email, invoice id), or null. */
  naturalKey(payload: P): string | null;
  /** A reference to another cached row inside the payload, rewritten when that row's temp id is replaced. */
  ref?: { collection: Collection; path: string; id(payload: P): number };
  /** Activity's line, in the words of the button the person clicked. */
  label(change: { payload: P; targetId: number }, cache: Cache): string;
  /** What "Edit and retry" offers. */
  fields(payload: P): EditableField[];
  /** Sends the change; BillPro's answer is what lands in the cache. */
  send(client: BillProClient, change: QueuedChange<P>): Promise<Landed>;
  /** After an unknown outcome: did the last send land? */
  lookup(client: BillProClient, cache: Cache, change: QueuedChange<P>): Promise<LookupResult>;
  /** A refusal that may only mean an earlier send landed after all (e.g. "email has been taken"). */
  refusalMayMeanLanded?(error: DeskError, change: QueuedChange<P>): boolean;
  /** Collections whose rows change when BillPro's answer lands (the renderer reloads them). */
  landedCollections: readonly Collection[];
}

/** The first item on any page that passes `test`, walking BillPro's pages in order; null: none. */
export async function findInPages<T>(pages: AsyncIterable<{ items: readonly T[] }>, test: (item: T) => boolean): Promise<T | null> {
  for await (const page of pages) {
    const hit = page.items.find(test);
    if (hit) return hit;
  }
  return null;
}

// ---------------------------------------------------------------- editable fields

type Segment = string | number;

const HINTS: Record<string, string> = {
  date_of_birth: 'DD/MM/YYYY',
  phone: 'With the country code, e.g. +44 20 7946 0000',
  country: 'Two-letter code, e.g. GB',
  scheduled_at: 'ISO 8601, e.g. 2026-12-01T09:00:00Z',
  amount: 'A decimal amount, e.g. 12.50',
};

const GROUPS: Record<string, string> = {
  organisation: 'Organisation',
  billing_address: 'Billing address',
  shipping_address: 'Shipping address',
};

/** Fields BillPro requires: emptied, they become '' so BillPro's own message says so. */
export const REQUIRED_FIELDS = new Set(['first_name', 'last_name', 'email', 'name', 'street', 'city', 'country', 'postal_code', 'currency']);

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function readPath(payload: unknown, path: readonly Segment[]): unknown {
  let here: unknown = payload;
  for (const segment of path) {
    if (Array.isArray(here) && typeof segment === 'number') here = here[segment];
    else if (isRecord(here) && typeof segment === 'string') here = here[segment];
    else return undefined;
  }
  return here;
}

/** The field at `path`, labelled (with its group and an optional prefix) and with its stored value. */
export function editableField(
  payload: unknown,
  path: Segment[],
  whenEmpty: EditableField['whenEmpty'],
  prefix = '',
): EditableField {
  const stored = readPath(payload, path);
  const last = String(path.at(-1));
  const group = path.map(String).find((s) => GROUPS[s]);
  const label = `${prefix}${group ? `${GROUPS[group]} · ` : ''}${FIELD_LABELS[last] ?? fieldLabel(last)}`;
  return {
    key: path.join('.'),
    path,
    label,
    hint: HINTS[last] ?? null,
    value: stored === null || stored === undefined ? '' : String(stored),
    numeric: typeof stored === 'number' || last === 'qty',
    whenEmpty: stored === undefined ? 'omit' : stored === null ? 'null' : whenEmpty,
  };
}

/** Paths of the scalar leaves under `path` (objects walked, arrays left alone). */
export function leafPaths(payload: unknown, path: Segment[] = []): Segment[][] {
  const here = readPath(payload, path);
  if (!isRecord(here)) return [];
  return Object.entries(here).flatMap(([key, value]) => {
    if (isRecord(value)) return leafPaths(payload, [...path, key]);
    if (Array.isArray(value)) return [];
    return [[...path, key]];
  });
}
