/**
 * Sync orchestration for one profile: when to pull (at open, on a timer, when BillPro is
 * reachable again, on "Sync now"), one pull at a time, and what the status bar and Settings'
 * history show. How a collection is pulled lives in `sync/puller.ts`; sending the outbox in
 * `sync/pusher.ts`.
 */
import type { SyncStatus } from '../../common/contract.ts';
import type { OrderStatus } from '../../common/wire.ts';
import { DeskError, isDeskError } from '../../common/errors.ts';
import { isListOrdersUnsupported } from '../billpro/client.ts';
import { LIVE, PRELIMINARY } from '../changes/index.ts';
import { TABLES, type Collection } from '../store/index.ts';
import { isPersistentReadFailure } from '../billpro/envelope.ts';
import { pullCollection, refreshEach } from '../sync/puller.ts';
import type { Pusher } from '../sync/pusher.ts';
import type { SessionContext } from './context.ts';
import { EVENT_COLLECTION } from './events.ts';
import { lastSyncedAt } from './rows.ts';

/** The least time between two pulls started by connectivity coming back. */
const RECONNECT_PULL_GAP_MS = 30_000;
/** Scheduled payments are listed per order: sync them for the most recent live orders only. */
const PAYMENT_SYNC_ORDERS = 2_000;

export class SessionSync {
  private syncing: Promise<void> | null = null;
  private syncAbort: AbortController | null = null;
  private syncTimer: NodeJS.Timeout | null = null;
  private lastSyncError: DeskError | null = null;
  private lastPullStartedAt = 0;
  private closed = false;

  constructor(
    private readonly ctx: SessionContext,
    private readonly pusher: Pusher,
  ) {}

  /** First pull now, then one every `syncIntervalMs` while BillPro is reachable. */
  start(): void {
    void this.sync();
    const interval = this.ctx.tuning.syncIntervalMs ?? 5 * 60_000;
    this.syncTimer = setInterval(() => {
      if (this.ctx.connectivity.online) void this.sync();
    }, interval);
    this.syncTimer.unref();
  }

  /** Back online: refresh, but not again and again while a flaky link flaps. */
  onOnline(): void {
    if (Date.now() - this.lastPullStartedAt > RECONNECT_PULL_GAP_MS) void this.sync();
  }

  /** Stops the timer and any pull in flight, and waits for it to end. */
  async close(): Promise<void> {
    this.closed = true;
    if (this.syncTimer) clearInterval(this.syncTimer);
    this.syncAbort?.abort();
    await this.syncing?.catch(() => undefined);
  }

  status(): SyncStatus {
    const { store, connectivity } = this.ctx;
    const counts = store.outbox.counts();
    return {
      connectivity: connectivity.state,
      detail: connectivity.detail,
      syncing: this.syncing !== null,
      lastSyncedAt: lastSyncedAt(store),
      pending: counts.waiting,
      needsAttention: counts.needsAttention,
    };
  }

  history(limit: number) {
    return {
      entries: this.ctx.store.syncLog.listSyncHistory(limit).map((h) => ({
        id: h.id,
        // The contract's name (as in events), not the store's key.
        collection: TABLES[h.collection],
        full: h.full,
        startedAt: h.startedAt,
        finishedAt: h.finishedAt,
        pages: h.pages,
        rows: h.rows,
        error: h.error?.message ?? null,
      })),
    };
  }

  /** Push the outbox, then pull everything; waits for both. */
  async syncNow(): Promise<void> {
    await this.pusher.kick();
    await this.sync();
    const problem = this.lastSyncError;
    if (problem) throw problem;
  }

  /** Pull every collection; one run at a time. */
  sync(): Promise<void> {
    if (this.closed) return Promise.resolve();
    if (!this.syncing) {
      this.lastPullStartedAt = Date.now();
      this.syncing = this.pullAll().finally(() => {
        this.syncing = null;
      });
    }
    return this.syncing;
  }

  private async pullAll(): Promise<void> {
    const { profileId, store, client, connectivity, events } = this.ctx;
    const abort = new AbortController();
    this.syncAbort = abort;
    const concurrency = 4;
    const progress = (collection: Collection | null, done: number, finished: boolean) =>
      events.emit('progress', {
        profileId,
        task: 'sync',
        collection: collection ? EVENT_COLLECTION[collection] : null,
        done,
        total: null,
        finished,
      });
    this.lastSyncError = null;
    try {
      const fetchers: [Collection, (page: number, signal: AbortSignal) => Promise<unknown[]>][] = [
        ['products', (page, signal) => client.listProducts(page, { signal })],
        ['customers', (page, signal) => client.listCustomers({ page }, { signal })],
        ['orders', (page, signal) => client.listOrders(page, { signal })],
      ];
      for (const [collection, fetchPage] of fetchers) {
        try {
          await pullCollection({
            store,
            collection,
            fetchPage,
            concurrency,
            signal: abort.signal,
            onProgress: (p) => progress(collection, p.rows, false),
          });
        } catch (error) {
          if (collection === 'orders' && isListOrdersUnsupported(error)) {
            await this.refreshKnownOrders(abort.signal, concurrency);
          } else {
            throw error;
          }
        }
        connectivity.report(null);
        events.data([collection]);
      }
      await this.pullScheduledPayments(abort.signal, concurrency, (done) => progress('scheduledPayments', done, false));
      events.data(['scheduledPayments']);
    } catch (error) {
      if (!abort.signal.aborted) {
        connectivity.report(error);
        this.lastSyncError = isDeskError(error) ? error : new DeskError('SERVER', 'The sync stopped on an unexpected error.');
      }
    } finally {
      progress(null, 0, true);
      if (this.syncAbort === abort) this.syncAbort = null;
    }
  }

  /** Without a list-orders endpoint: refresh the orders this device knows, one by one. */
  private async refreshKnownOrders(signal: AbortSignal, concurrency: number): Promise<void> {
    const { store, client } = this.ctx;
    const ids = this.idsOf({ status: [...PRELIMINARY, ...LIVE] }, Number.MAX_SAFE_INTEGER);
    await refreshEach(
      ids,
      concurrency,
      signal,
      // An order Desk cannot read is reported (envelope.ts) and its cached copy kept; the others
      // are still refreshed.
      (id) => client.getOrder(id, { signal }).catch((error: unknown) => {
        if (isPersistentReadFailure(error)) return null;
        throw error;
      }),
      (_, order) => {
        if (order) store.cache.upsertMany('orders', [order]);
      },
      () => undefined,
    );
    store.cache.markSynced('orders', new Date().toISOString());
  }

  private async pullScheduledPayments(signal: AbortSignal, concurrency: number, onProgress: (done: number) => void) {
    const { store, client } = this.ctx;
    const ids = this.idsOf({ status: [...LIVE] }, PAYMENT_SYNC_ORDERS);
    const run = store.syncLog.recordSync({ collection: 'scheduledPayments', full: false });
    let orders = 0;
    let rows = 0;
    try {
      await refreshEach(
        ids,
        concurrency,
        signal,
        (id) => client.listScheduledPayments(id, { signal }),
        (_, payments) => {
          orders += 1;
          rows += payments.length;
          if (payments.length) store.cache.upsertMany('scheduledPayments', payments);
        },
        onProgress,
      );
      store.cache.markSynced('scheduledPayments', new Date().toISOString());
      store.syncLog.finishSync(run, { pages: orders, rows });
    } catch (error) {
      store.syncLog.finishSync(run, {
        pages: orders,
        rows,
        error: isDeskError(error) ? error : new DeskError('NETWORK', 'The sync of scheduled payments stopped.'),
      });
      throw error;
    }
  }

  /** Ids of cached orders BillPro knows, newest first as the cache lists them. */
  private idsOf(filter: { status: OrderStatus[] }, max: number): number[] {
    const ids: number[] = [];
    for (let offset = 0; ids.length < max; offset += 1000) {
      const rows = this.ctx.store.cache.list('orders', { filter, limit: 1000, offset }).rows;
      for (const row of rows) if (row.id > 0 && ids.length < max) ids.push(row.id);
      if (rows.length < 1000) break;
    }
    return ids;
  }
}
