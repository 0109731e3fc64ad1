/**
 * After a full pull: which cached rows BillPro no longer lists, and whether to drop them.
 *
 * - Only a pull that read the list from page 1 to an empty page, with no error, gets here.
 * - Rows with changes waiting to be sent are never candidates (nor rows created here).
 * - A candidate is checked by id when there are few (a row can slip between two pages of a list
 *   that changes while it is read): only rows BillPro answers "not found" for go.
 * - More than `maxShare` (10 %) of a collection is never removed without the operator: the
 *   decision waits in a `PendingRemoval` that Activity shows, with what and why.
 */
import { isDeskError } from '../../common/errors.ts';
import type { Collection, Store } from '../store/index.ts';
import { labelOf } from './puller.ts';

export interface PendingRemoval {
  collection: Collection;
  /** The rows that would go (ids ascending). */
  ids: number[];
  /** BillPro rows cached when the pull ended. */
  cached: number;
  /** Rows the full pull read. */
  listed: number;
  /** The run that began the full pull: rows seen since then stay even if confirmed. */
  fullRun: number;
  reason: string;
  detectedAt: string;
}

export interface RemovalOutcome {
  removed: number;
  /** Candidates BillPro still knows by id: kept (and refreshed). */
  keptExisting: number;
  /** Set when the removal needs the operator's confirmation. */
  pending: PendingRemoval | null;
}

export interface ReconcileOptions {
  store: Store;
  collection: Collection;
  fullRun: number;
  listed: number;
  /** Returns the row when BillPro still has it, null when BillPro answers "not found". */
  lookup?: ((id: number) => Promise<unknown>) | undefined;
  /** Candidates looked up one by one up to this many. Default 50. */
  maxLookups?: number;
  /** Share of the collection removable without confirmation. Default 0.1. */
  maxShare?: number;
  now?: () => Date;
}

export const MAX_SHARE_WITHOUT_CONFIRMATION = 0.1;

export async function reconcileRemovals(options: ReconcileOptions): Promise<RemovalOutcome> {
  const { store, collection, fullRun } = options;
  const maxShare = options.maxShare ?? MAX_SHARE_WITHOUT_CONFIRMATION;
  // In steps of 5,000 rows with the event loop free between them: every row is read to check it.
  const candidates: number[] = [];
  for (let after: number | null = 0; after !== null; ) {
    if (after > 0) await new Promise<void>((resolve) => setImmediate(resolve));
    const step = store.cache.missingSinceStep(collection, fullRun, after, 5_000);
    candidates.push(...step.ids);
    after = step.next;
  }
  if (candidates.length === 0) return { removed: 0, keptExisting: 0, pending: null };
  const cached = store.cache.countSynced(collection);
  if (candidates.length > Math.floor(cached * maxShare)) {
    const share = Math.round((candidates.length / Math.max(1, cached)) * 100);
    return {
      removed: 0,
      keptExisting: 0,
      pending: {
        collection,
        ids: candidates,
        cached,
        listed: options.listed,
        fullRun,
        reason: `BillPro's list of ${labelOf(collection)} was read to the end and no longer shows ${candidates.length.toLocaleString('en')} of the ${cached.toLocaleString('en')} cached (${share} %). That is more than Desk removes on its own: BillPro may have deleted them, or its list may be incomplete.`,
        detectedAt: (options.now ?? (() => new Date()))().toISOString(),
      },
    };
  }
  let gone = candidates;
  let keptExisting = 0;
  const lookup = options.lookup;
  if (lookup && candidates.length <= (options.maxLookups ?? 50)) {
    gone = [];
    for (const id of candidates) {
      try {
        const row = await lookup(id);
        if (row === null) gone.push(id);
        else {
          store.cache.upsertMany(collection, [row], { run: fullRun });
          keptExisting += 1;
        }
      } catch (error) {
        // Not sure it is gone: keep it for the next reconciliation.
        if (!isDeskError(error)) throw error;
      }
    }
  }
  const removed = gone.length ? store.transaction((tx) => tx.cache.removeUnseen(collection, gone, fullRun)) : 0;
  return { removed, keptExisting, pending: null };
}

/** The operator's answer to a pending removal. */
export function applyRemovalDecision(store: Store, pending: PendingRemoval, confirm: boolean): number {
  return confirm ? store.transaction((tx) => tx.cache.removeUnseen(pending.collection, pending.ids, pending.fullRun)) : 0;
}
