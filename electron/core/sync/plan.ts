/**
 * What the sync has learned about a profile's BillPro and where its tiers stand, kept beside the
 * cache as `sync-plan.json` (counts, page sizes, list order, times; no customer data, no token).
 * Losing it costs a fresh look at each list, never a wrong removal: a pull that cannot prove
 * where it started removes nothing.
 */
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { z } from 'zod';
import type { Collection } from '../store/index.ts';
import { NO_FACTS, type ListFacts } from './puller.ts';
import type { PendingRemoval } from './reconcile.ts';

const COLLECTION = z.enum(['products', 'customers', 'orders', 'scheduledPayments']);
const Facts = z.object({
  order: z.enum(['oldest_first', 'newest_first']).nullable(),
  pageSize: z.number().int().positive().nullable(),
  count: z.number().int().nonnegative().nullable(),
  lastPage: z.number().int().positive().nullable(),
  lastPageRows: z.number().int().nonnegative().nullable().optional(),
  fullRun: z.number().int().positive().nullable(),
});
const Removal = z.object({
  collection: COLLECTION,
  ids: z.array(z.number().int().positive()),
  cached: z.number().int().nonnegative(),
  listed: z.number().int().nonnegative(),
  fullRun: z.number().int().positive(),
  reason: z.string(),
  detectedAt: z.string(),
});
const PlanFile = z.object({
  version: z.literal(1),
  lists: z.partialRecord(COLLECTION, Facts),
  /** When the last full reconciliation of every list ended (ms since the epoch), or null. */
  lastFullAt: z.number().nullable(),
  removals: z.array(Removal),
  liveCursor: z.number().int().nonnegative(),
});
type PlanFile = z.infer<typeof PlanFile>;

export class SyncPlan {
  #data: PlanFile;
  readonly #file: string | null;

  constructor(file: string | null) {
    this.#file = file;
    this.#data = { version: 1, lists: {}, lastFullAt: null, removals: [], liveCursor: 0 };
    if (file && existsSync(file)) {
      try {
        const parsed = PlanFile.safeParse(JSON.parse(readFileSync(file, 'utf8')));
        if (parsed.success) this.#data = parsed.data;
      } catch {
        // Unreadable: start learning again (see the module comment).
      }
    }
  }

  facts(collection: Collection): ListFacts {
    return { ...NO_FACTS, ...this.#data.lists[collection] };
  }

  setFacts(collection: Collection, facts: ListFacts): void {
    this.#data.lists[collection] = { ...facts };
    this.save();
  }

  get lastFullAt(): number | null {
    return this.#data.lastFullAt;
  }

  set lastFullAt(at: number | null) {
    this.#data.lastFullAt = at;
    this.save();
  }

  get liveCursor(): number {
    return this.#data.liveCursor;
  }

  set liveCursor(cursor: number) {
    this.#data.liveCursor = cursor;
  }

  removals(): PendingRemoval[] {
    return this.#data.removals.map((r) => ({ ...r, ids: [...r.ids] }));
  }

  /** Replaces the collection's pending removal (a newer reconciliation knows better). */
  setRemoval(collection: Collection, removal: PendingRemoval | null): void {
    this.#data.removals = this.#data.removals.filter((r) => r.collection !== collection);
    if (removal) this.#data.removals.push(removal);
    this.save();
  }

  save(): void {
    if (!this.#file) return;
    const temp = `${this.#file}.tmp`;
    writeFileSync(temp, JSON.stringify(this.#data), { mode: 0o600 });
    renameSync(temp, this.#file);
  }
}
