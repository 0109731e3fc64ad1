/**
 * Pull sync against a BillPro whose paging we only partly know (billpro-api.md §1.5: `page` is
 * documented, page size, order and paging metadata are not).
 *
 * - A full pull reads pages in windows of `concurrency` and writes them in page order, one
 *   transaction per page with the next page to fetch (so an interrupted pull resumes where it
 *   stopped), the event loop free between pages; commits skip the fsync (`durable: false`). Only an EMPTY page ends a list: a short page may just be this server's page size.
 * - Bounds, each a DeskError an operator can act on, the offending answer never written:
 *   a page repeating the previous page's ids, a page with more than MAX_PAGE_ITEMS rows, more
 *   pages than the list can plausibly have (from its last known size), and (in the transport)
 *   an answer body above 32 MiB.
 * - What a full pull learns is kept in `ListFacts`: which end of the list page 1 holds (so new
 *   records are fetched from the right end), the page size, the row count and the last page.
 * - Removal of rows BillPro no longer lists is decided by `reconcile.ts`, never here.
 */
import { DeskError, isDeskError } from '../../common/errors.ts';
import { receivedCount, setAsideOf } from '../billpro/envelope.ts';
import type { Collection, Store } from '../store/index.ts';

export type FetchPage = (page: number, signal: AbortSignal) => Promise<readonly { id: number }[]>;

export type ListOrder = 'oldest_first' | 'newest_first';

/** What the Desk has learned about one of BillPro's lists. */
export interface ListFacts {
  /** Which end page 1 holds; null until a pull has seen two different ids. */
  order: ListOrder | null;
  /** The longest page seen: this server's page size, as far as we know. */
  pageSize: number | null;
  /** Rows in the list when it was last read to the end. */
  count: number | null;
  /** The last non-empty page when the list was last read to the end (or its head refreshed). */
  lastPage: number | null;
  /** Rows on that page: when it was full, new rows of an oldest-first list land on the next. */
  lastPageRows?: number | null;
  /** The sync run that started the full pull in progress (or last completed), for removals. */
  fullRun: number | null;
}

export const NO_FACTS: ListFacts = {
  order: null,
  pageSize: null,
  count: null,
  lastPage: null,
  lastPageRows: null,
  fullRun: null,
};

/** More rows than this in one page is not a page: BillPro documents 25. */
export const MAX_PAGE_ITEMS = 1_000;
/** Page limit of a first pull, when nothing is known of the list's size (1M rows at 25 a page). */
export const FIRST_PULL_MAX_PAGES = 40_000;
/** Head refreshes read at most this many pages; more new rows than that wait for a full pull. */
export const MAX_HEAD_PAGES = 8;

export interface PullProgress {
  collection: Collection;
  rows: number;
  pages: number;
  /** ≈ rows in the list (last known count or an estimate), or null. */
  total: number | null;
  finished: boolean;
}

export interface PullOptions {
  store: Store;
  collection: Collection;
  fetchPage: FetchPage;
  /** Pages in flight; asked again before each window, so it can adapt. */
  concurrency: () => number;
  signal: AbortSignal;
  facts: ListFacts;
  /** Called when `facts` changed and should be saved. */
  onFacts: (facts: ListFacts) => void;
  onProgress: (progress: PullProgress) => void;
  /** A first estimate of the list's size when nothing is known (see `estimateRows`). */
  estimate?: (signal: AbortSignal) => Promise<number | null>;
  now?: () => Date;
  what?: string;
}

export interface PullResult {
  rows: number;
  pages: number;
  /** True when the pull read the list from page 1 to an empty page (removals may follow). */
  fromStart: boolean;
  /** The run whose start marks "seen by this full pull" (`seen_run >= fullRun`). */
  fullRun: number | null;
  /** A record set aside without a readable id could be any row: no removal after this pull. */
  unidentified: boolean;
}

/** The page limit for a list of `count` rows in pages of `pageSize`: twice that, plus a margin. */
export function pageLimit(facts: ListFacts): number {
  if (facts.count === null || facts.pageSize === null || facts.pageSize < 1) return FIRST_PULL_MAX_PAGES;
  return Math.ceil((2 * facts.count) / facts.pageSize) + 20;
}

const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

/** Reads the whole list (or the rest of an interrupted read) into the cache. */
export async function pullCollection(options: PullOptions): Promise<PullResult> {
  const { store, collection, fetchPage, signal } = options;
  const now = options.now ?? (() => new Date());
  const what = options.what ?? labelOf(collection);
  const facts: ListFacts = { ...options.facts };
  const resumeAt = store.cache.syncState(collection).nextPage;
  // A resumed pull is still one reconciliation when we know the run it started with.
  const resuming = resumeAt !== null && resumeAt > 1 && facts.fullRun !== null;
  const startPage = resuming ? resumeAt : 1;
  const run = store.syncLog.recordSync({ collection, full: startPage === 1 });
  if (!resuming) facts.fullRun = run;
  options.onFacts(facts);
  const limit = pageLimit(options.facts);
  let total = options.facts.count;
  // The size estimate (first sync: nothing known) runs beside the pull, not before it: the first
  // page lands in the cache without waiting for the probes that size the list.
  if (total === null && options.estimate) {
    options.estimate(signal).then(
      (estimate) => (total ??= estimate),
      () => undefined,
    );
  }
  let rows = 0;
  let pages = 0;
  let next = startPage;
  let previousIds: string | null = null;
  let lastNonEmpty = startPage - 1;
  let lastRows: number | null = null;
  let unidentified = false;
  let maxPageSize = facts.pageSize ?? 0;
  let first: number | null = null;
  let last: number | null = null;

  const fetchWindow = (from: number, size: number) =>
    Promise.allSettled(Array.from({ length: size }, (_, i) => fetchPage(from + i, signal)));
  try {
    let size = Math.max(1, Math.floor(options.concurrency()));
    let inFlight = fetchWindow(next, size);
    for (let finished = false; !finished; ) {
      const answers = await inFlight;
      signal.throwIfAborted();
      // Check the whole window before writing any of it.
      let failure: unknown = null;
      let endAt = answers.length;
      for (const [i, answer] of answers.entries()) {
        const page = next + i;
        if (answer.status === 'rejected') {
          failure = answer.reason;
          endAt = i;
          break;
        }
        const items = answer.value;
        // Empty means BillPro sent no record (not that Desk set every one aside).
        if (receivedCount(items) === 0) {
          finished = true;
          endAt = i;
          break;
        }
        const problem = checkPage(items, page, previousIds, limit, what);
        if (problem) {
          failure = problem;
          endAt = i;
          break;
        }
        previousIds = idsOf(items);
      }
      // The next window is on its way while this one is written, unless this one ended the list.
      const nextSize = Math.max(1, Math.floor(options.concurrency()));
      if (!finished && failure === null) inFlight = fetchWindow(next + size, nextSize);
      // One transaction per page, the event loop free between them: a window of pages written
      // at once held the Desk for its whole write (tens of ms, far more on a busy machine).
      for (let i = 0; i < endAt; i++) {
        const answer = answers[i];
        if (answer?.status !== 'fulfilled') break;
        if (i > 0) {
          await nextTurn();
          signal.throwIfAborted();
        }
        const items = answer.value;
        store.transaction((tx) => {
          tx.cache.upsertMany(collection, items, { run });
          // A record Desk could not read keeps its cached copy: it is seen, not missing.
          for (const problem of setAsideOf(items)) {
            if (problem.id === null) unidentified = true;
            else tx.cache.markSeen(collection, problem.id, run);
          }
          tx.cache.saveSyncProgress(collection, { nextPage: next + i + 1 });
        }, { durable: false });
        rows += items.length;
        pages += 1;
        lastNonEmpty = next + i;
        lastRows = items.length;
        maxPageSize = Math.max(maxPageSize, items.length);
        first ??= items[0]?.id ?? null;
        last = items[items.length - 1]?.id ?? last;
      }
      if (failure !== null) throw failure;
      next += size;
      size = nextSize;
      options.onProgress({ collection, rows, pages, total, finished: false });
    }
    // Learn the order from the first and last ids read (a resumed pull keeps what it knew).
    if (startPage === 1 && first !== null && last !== null && first !== last) {
      facts.order = first < last ? 'oldest_first' : 'newest_first';
    }
    facts.pageSize = maxPageSize > 0 ? maxPageSize : facts.pageSize;
    facts.lastPage = lastNonEmpty > 0 ? lastNonEmpty : null;
    facts.lastPageRows = lastRows;
    if (!resuming) facts.count = rows;
    else facts.count = store.cache.countSynced(collection);
    options.onFacts(facts);
    store.cache.saveSyncProgress(collection, { nextPage: null, complete: true });
    store.cache.markSynced(collection, now().toISOString());
    store.syncLog.finishSync(run, { pages, rows });
    options.onProgress({ collection, rows, pages, total: facts.count, finished: true });
    return { rows, pages, fromStart: facts.fullRun !== null, fullRun: facts.fullRun, unidentified };
  } catch (error) {
    store.syncLog.finishSync(run, { pages, rows, error: asDeskError(error) });
    throw error;
  }
}

export interface HeadOptions {
  store: Store;
  collection: Collection;
  fetchPage: FetchPage;
  signal: AbortSignal;
  facts: ListFacts;
  onFacts: (facts: ListFacts) => void;
  /** Read at most this many pages (a probe reads one). */
  maxPages?: number;
  what?: string;
}

export interface HeadResult {
  /** Rows written (new or changed). */
  written: number;
  requests: number;
  /** True when the head holds more new rows than were read (a fuller refresh is due). */
  more: boolean;
}

/**
 * Reads the end of the list where new records land: page 1 onwards when the list is newest
 * first (until a page shows a row already cached), the last known page onwards when it is
 * oldest first (from the page after it when that page was full), until a page is not full.
 * Nothing is removed. One request when nothing is new.
 */
export async function pullHead(options: HeadOptions): Promise<HeadResult> {
  const { store, collection, fetchPage, signal } = options;
  const facts: ListFacts = { ...options.facts };
  const what = options.what ?? labelOf(collection);
  const maxPages = options.maxPages ?? MAX_HEAD_PAGES;
  if (facts.order === null) return { written: 0, requests: 0, more: false };
  const newest = facts.order === 'newest_first';
  const lastFull = facts.lastPageRows != null && facts.pageSize != null && facts.lastPageRows >= facts.pageSize;
  let page = newest ? 1 : Math.max(1, (facts.lastPage ?? 1) + (lastFull ? 1 : 0));
  let previousIds: string | null = null;
  let written = 0;
  let requests = 0;
  for (;;) {
    if (requests >= maxPages) return { written, requests, more: true };
    const items = await fetchPage(page, signal);
    requests += 1;
    signal.throwIfAborted();
    if (receivedCount(items) === 0) break;
    const problem = checkPage(items, page, previousIds, Number.MAX_SAFE_INTEGER, what);
    if (problem) throw problem;
    previousIds = idsOf(items);
    const known = newest && items.some((item) => store.cache.has(collection, item.id));
    written += store.cache.upsertMany(collection, items, { durable: false }).written;
    if (!newest) {
      facts.lastPage = page;
      facts.lastPageRows = items.length;
      facts.pageSize = Math.max(facts.pageSize ?? 0, items.length);
    }
    if (newest ? known : items.length < (facts.pageSize ?? Number.MAX_SAFE_INTEGER)) break;
    page += 1;
  }
  if (!newest && (facts.lastPage !== options.facts.lastPage || facts.lastPageRows !== options.facts.lastPageRows)) {
    options.onFacts(facts);
  }
  // The head was read to its end: what is new at BillPro is here now. "Synced" tells the operator
  // when the list was last checked, not when the rare full reconciliation ran.
  store.cache.markChecked(collection, new Date().toISOString());
  return { written, requests, more: false };
}

/**
 * ≈ rows in a list nobody has read yet, from few requests: page 1 gives the page size, then
 * pages 2, 4, 8 … find a page past the end, and halving between the last full and the first
 * empty one narrows it to about 10 %. Returns null when the server does not page (page 2
 * repeats page 1) or the list does not answer.
 */
export async function estimateRows(fetchPage: FetchPage, signal: AbortSignal, maxProbes = 24): Promise<number | null> {
  const first = await fetchPage(1, signal);
  if (first.length === 0) return 0;
  const pageSize = first.length;
  const firstIds = idsOf(first);
  let probes = 1;
  let low = 1;
  let high: number | null = null;
  for (let page = 2; high === null; page *= 2) {
    if (probes++ >= maxProbes || page > FIRST_PULL_MAX_PAGES) return null;
    const items = await fetchPage(page, signal);
    if (items.length > 0 && idsOf(items) === firstIds) return null;
    if (items.length === 0) high = page;
    else low = page;
  }
  while (high - low > Math.max(1, Math.floor(low / 10))) {
    if (probes++ >= maxProbes) break;
    const middle = Math.floor((low + high) / 2);
    const items = await fetchPage(middle, signal);
    if (items.length === 0) high = middle;
    else low = middle;
  }
  return Math.round(((low + high) / 2) * pageSize);
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

function checkPage(
  items: readonly { id: number }[],
  page: number,
  previousIds: string | null,
  limit: number,
  what: string,
): DeskError | null {
  if (receivedCount(items) > MAX_PAGE_ITEMS) {
    return new DeskError(
      'SERVER',
      `BillPro sent ${receivedCount(items).toLocaleString('en')} ${what} on page ${page}, more than the ${MAX_PAGE_ITEMS.toLocaleString('en')} Desk accepts in one page, so Desk stopped reading the list and left its copy as it was.`,
    );
  }
  if (previousIds !== null && idsOf(items) === previousIds) {
    return new DeskError(
      'SERVER',
      `BillPro sent the same ${what} for page ${page} as for page ${page - 1} (it may not support pages), so Desk stopped reading the list there and left its copy as it was.`,
    );
  }
  if (page > limit) {
    return new DeskError(
      'SERVER',
      `BillPro's list of ${what} went on past page ${(page - 1).toLocaleString('en')}, more than twice what it held last time, so Desk stopped reading it and left its copy as it was. Try "Sync everything now" later; if it happens again, tell BillPro support.`,
    );
  }
  return null;
}

function idsOf(items: readonly { id: number }[]): string {
  return items.map((item) => item.id).join(',');
}

export function labelOf(collection: Collection): string {
  return collection === 'scheduledPayments' ? 'scheduled payments' : collection;
}

function asDeskError(error: unknown): DeskError {
  if (isDeskError(error)) return error;
  if (error instanceof Error && error.name === 'AbortError') return new DeskError('NETWORK', 'The sync was stopped.');
  return new DeskError('SERVER', 'The sync stopped on an unexpected error.');
}
