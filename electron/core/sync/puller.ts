/**
 * Pull sync: every page of every collection into the cache, a few requests at a time.
 *
 * - Pages are fetched in windows of `concurrency` and written in page order, one transaction per
 *   window with the next page to fetch — so an interrupted pull resumes where it stopped instead
 *   of starting over. The next window is fetched while the current one is written.
 * - A pull that ran from page 1 to the end removes the rows BillPro no longer lists (deletions
 *   and cancellations reflected); a resumed pull leaves that to the next full one.
 * - Rows with changes waiting in the outbox are never overwritten by a page (the store keeps them).
 * - A record Desk could not read is set aside (the client reports it) and its cached copy kept.
 */
import { DEFAULT_PAGE_SIZE } from '../../common/endpoints.ts';
import { DeskError, isDeskError } from '../../common/errors.ts';
import type { Collection, Store } from '../store/index.ts';
import { receivedCount, setAsideOf } from '../billpro/envelope.ts';

export type FetchPage = (page: number, signal: AbortSignal) => Promise<unknown[]>;

export interface PullProgress {
  collection: Collection;
  rows: number;
  pages: number;
  finished: boolean;
}

export interface PullOptions {
  store: Store;
  collection: Collection;
  fetchPage: FetchPage;
  concurrency: number;
  signal: AbortSignal;
  onProgress: (progress: PullProgress) => void;
  now?: () => Date;
}

export interface PullResult {
  rows: number;
  pages: number;
  /** Rows removed because BillPro no longer lists them. */
  removed: number;
}

export async function pullCollection(options: PullOptions): Promise<PullResult> {
  const { store, collection, fetchPage, signal } = options;
  const now = options.now ?? (() => new Date());
  const startPage = store.cache.syncState(collection).nextPage ?? 1;
  const full = startPage === 1;
  const run = store.syncLog.recordSync({ collection, full });
  let rows = 0;
  let pages = 0;
  let next = startPage;
  let unidentified = false;
  const fetchWindow = (first: number) =>
    Promise.allSettled(Array.from({ length: options.concurrency }, (_, i) => fetchPage(first + i, signal)));
  try {
    let inFlight = fetchWindow(next);
    for (let finished = false; !finished; ) {
      const answers = await inFlight;
      signal.throwIfAborted();
      const window = Array.from({ length: options.concurrency }, (_, i) => next + i);
      // While this window is written, the next one is already on its way — unless this one
      // failed or reached the end, so no page past the end is asked for twice.
      const ends = answers.some((a) => a.status === 'rejected' || receivedCount(a.value) < DEFAULT_PAGE_SIZE);
      if (!ends) inFlight = fetchWindow(next + options.concurrency);
      let failure: unknown = null;
      // One transaction per window: its rows and the page to resume from land together.
      store.transaction((tx) => {
        for (const [i, answer] of answers.entries()) {
          if (answer.status === 'rejected') {
            failure = answer.reason;
            break;
          }
          const items = answer.value;
          const received = receivedCount(items);
          if (received > 0) {
            tx.cache.upsertMany(collection, items, { run });
            rows += items.length;
            pages += 1;
          }
          // A record Desk could not read keeps its cached copy: it is seen, not missing. One
          // without a readable id could be any row, so this run deletes nothing.
          for (const problem of setAsideOf(items)) {
            if (problem.id === null) unidentified = true;
            else tx.cache.markSeen(collection, problem.id, run);
          }
          if (received < DEFAULT_PAGE_SIZE) {
            finished = true;
            break;
          }
          tx.cache.saveSyncProgress(collection, { nextPage: window[i]! + 1 });
        }
      });
      if (failure !== null) throw failure;
      next += options.concurrency;
      options.onProgress({ collection, rows, pages, finished });
    }
    const removed = full && !unidentified ? store.cache.removeMissing(collection, run) : 0;
    store.cache.saveSyncProgress(collection, { nextPage: null, complete: true });
    store.cache.markSynced(collection, now().toISOString());
    store.syncLog.finishSync(run, { pages, rows });
    return { rows, pages, removed };
  } catch (error) {
    store.syncLog.finishSync(run, { pages, rows, error: asDeskError(error) });
    throw error;
  }
}

/**
 * Refresh a set of known entities one by one (used for orders when this BillPro has no
 * list-orders endpoint, and for scheduled payments, which are listed per order).
 */
export async function refreshEach<T>(
  ids: readonly number[],
  concurrency: number,
  signal: AbortSignal,
  fetchOne: (id: number, signal: AbortSignal) => Promise<T>,
  write: (id: number, value: T) => void,
  onProgress: (done: number) => void,
): Promise<void> {
  let index = 0;
  let done = 0;
  const worker = async () => {
    while (index < ids.length) {
      signal.throwIfAborted();
      const id = ids[index++]!;
      write(id, await fetchOne(id, signal));
      done += 1;
      if (done % 25 === 0 || done === ids.length) onProgress(done);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, ids.length) }, worker));
}

function asDeskError(error: unknown): DeskError {
  if (isDeskError(error)) return error;
  if (error instanceof Error && error.name === 'AbortError') return new DeskError('NETWORK', 'The sync was stopped.');
  return new DeskError('SERVER', 'The sync stopped on an unexpected error.');
}
