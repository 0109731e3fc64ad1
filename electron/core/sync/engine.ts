/**
 * The sync plan of one profile, tier by tier (docs/architecture.md "Sync against a BillPro we do
 * not know"):
 *
 * 1. First sync (and "Sync everything now", and once a day): a full, resumable pull of every list
 *    with progress (done of ≈ total, ETA), then removals decided by reconcile.ts.
 * 2. Often: the end of each list where new records land (orders and customers every
 *    `headIntervalMs`, products every `productsIntervalMs`), a few live orders by id in turn,
 *    the scheduled payments of orders with a payment due soon.
 * 3. When BillPro has said nothing for `probeSilenceMs` (10 s): a probe of one page (the head of
 *    orders or customers in turn) with a short timeout (3 s), alongside whatever else runs, so
 *    the status bar knows within 15 s (10 s + the 1 s tick + 3 s).
 *
 * Every request goes through the profile's RequestBudget. Time comes from `now`, so a bench can
 * play an hour in seconds by calling `tick()` with a clock it moves.
 */
import { DeskError, isDeskError } from '../../common/errors.ts';
import type { OrderStatus } from '../../common/wire.ts';
import { isListOrdersUnsupported, type BillProClient } from '../billpro/client.ts';
import { isPersistentReadFailure } from '../billpro/envelope.ts';
import type { Collection, Store } from '../store/index.ts';
import type { RequestBudget } from './budget.ts';
import type { SyncPlan } from './plan.ts';
import {
  estimateRows,
  pullCollection,
  pullHead,
  refreshEach,
  type FetchPage,
  type ListFacts,
  type PullProgress,
} from './puller.ts';
import { applyRemovalDecision, reconcileRemovals, type PendingRemoval } from './reconcile.ts';

const PRELIMINARY: OrderStatus[] = ['draft', 'pending', 'rejected'];
const LIVE: OrderStatus[] = ['active', 'failed', 'suspended', 'paused', 'review'];
/** Scheduled payments are listed per order: a full sync reads them for this many live orders. */
const PAYMENT_SYNC_ORDERS = 2_000;
const LISTED: readonly ('products' | 'customers' | 'orders')[] = ['products', 'customers', 'orders'];

export interface SyncTiming {
  /** Orders' and customers' new records. Default 120 000. */
  headIntervalMs: number;
  productsIntervalMs: number;
  /** Live orders refreshed by id, `liveBatch` at a time. */
  liveIntervalMs: number;
  liveBatch: number;
  /** Orders with a scheduled payment due within `paymentsHorizonMs`, `paymentsBatch` at a time. */
  paymentsIntervalMs: number;
  paymentsBatch: number;
  paymentsHorizonMs: number;
  /** Full reconciliation. Default a day. */
  reconcileIntervalMs: number;
  /** Probe when BillPro has not answered anything for this long. Default 10 000. */
  probeSilenceMs: number;
}

export const DEFAULT_TIMING: SyncTiming = {
  headIntervalMs: 120_000,
  productsIntervalMs: 30 * 60_000,
  liveIntervalMs: 5 * 60_000,
  liveBatch: 3,
  paymentsIntervalMs: 15 * 60_000,
  paymentsBatch: 3,
  paymentsHorizonMs: 2 * 24 * 3_600_000,
  reconcileIntervalMs: 24 * 3_600_000,
  probeSilenceMs: 10_000,
};

export interface SyncProgressEvent {
  collection: Collection | null;
  done: number;
  total: number | null;
  etaSeconds: number | null;
  finished: boolean;
}

export interface EngineOptions {
  store: Store;
  client: BillProClient;
  /** The same BillPro with a short timeout and one attempt, for probes. */
  probeClient: BillProClient;
  budget: RequestBudget;
  plan: SyncPlan;
  timing?: Partial<SyncTiming>;
  now?: () => number;
  /** Every request's outcome: `null` for an answer, the error otherwise. */
  report: (error: unknown) => void;
  /** False while offline / unreachable / token refused: only probes go out then. */
  online: () => boolean;
  onProgress: (progress: SyncProgressEvent) => void;
  onData: (collections: Collection[]) => void;
  /** A pending removal appeared or was decided (its list should be looked at again). */
  onRemovals: (collections: Collection[]) => void;
}

export interface FullSyncOutcome {
  removed: Partial<Record<Collection, number>>;
  pendingRemovals: PendingRemoval[];
}

export class SyncEngine {
  readonly #o: EngineOptions;
  readonly #timing: SyncTiming;
  readonly #now: () => number;
  #full: Promise<FullSyncOutcome> | null = null;
  #tiers: Promise<void> | null = null;
  #abort = new AbortController();
  readonly #lastRun = new Map<string, number>();
  #lastAnswerAt: number;
  #probeTurn = 0;
  /** After a full sync failed: no automatic one before this time (30 s, doubling to 30 min). */
  #fullRetryAt = 0;
  #fullFailures = 0;
  #closed = false;
  #timer: NodeJS.Timeout | null = null;

  constructor(options: EngineOptions) {
    this.#o = options;
    this.#timing = { ...DEFAULT_TIMING, ...options.timing };
    this.#now = options.now ?? Date.now;
    this.#lastAnswerAt = this.#now();
  }

  get timing(): SyncTiming {
    return this.#timing;
  }

  get lastFullAt(): number | null {
    return this.#o.plan.lastFullAt;
  }

  get running(): boolean {
    return this.#full !== null;
  }

  /** Ticks every `everyMs` of real time (the app); a bench calls `tick()` itself. */
  start(everyMs = 1_000): void {
    if (this.#timer || this.#closed) return;
    this.#timer = setInterval(() => void this.tick().catch(() => undefined), everyMs);
    this.#timer.unref();
  }

  async close(): Promise<void> {
    this.#closed = true;
    if (this.#timer) clearInterval(this.#timer);
    this.#abort.abort();
    await Promise.allSettled([this.#full, this.#tiers, this.#probing]);
  }

  /** BillPro answered something (any HTTP status): it is there. */
  noteAnswer(): void {
    this.#lastAnswerAt = this.#now();
  }

  /**
   * Runs whatever is due now; resolves when it is done (one tick at a time). The probe does not
   * wait for the tiers: a tier stuck on a BillPro that stopped answering is exactly when it counts.
   */
  tick(): Promise<void> {
    if (this.#closed) return Promise.resolve();
    const probing = this.#probeIfSilent();
    if (this.#full) return Promise.all([this.#full.catch(() => undefined), probing]).then(() => undefined);
    this.#tiers ??= this.#due().finally(() => {
      this.#tiers = null;
    });
    return Promise.all([this.#tiers, probing]).then(() => undefined);
  }

  #probing: Promise<void> | null = null;

  #probeIfSilent(): Promise<void> {
    if (this.#probing) return this.#probing;
    if (!this.#o.online() || this.#now() - this.#lastAnswerAt < this.#timing.probeSilenceMs) return Promise.resolve();
    this.#probing = this.probe().finally(() => {
      this.#probing = null;
    });
    return this.#probing;
  }

  /** A full reconciliation of every list (one at a time; a second call joins the first). */
  syncEverything(): Promise<FullSyncOutcome> {
    if (this.#closed) return Promise.resolve({ removed: {}, pendingRemovals: [] });
    this.#full ??= (async () => {
      // Tiers already under way finish first, so pages are not read twice at once.
      await this.#tiers?.catch(() => undefined);
      return this.#everything();
    })().finally(() => {
      this.#full = null;
    });
    return this.#full;
  }

  /** A first sync or a reconciliation cut off half-way is due before anything else. */
  needsFullSync(): boolean {
    const { plan, store } = this.#o;
    if (plan.lastFullAt === null) return true;
    if (LISTED.some((c) => store.cache.syncState(c).nextPage !== null)) return true;
    return this.#now() - plan.lastFullAt >= this.#timing.reconcileIntervalMs;
  }

  pendingRemovals(): PendingRemoval[] {
    return this.#o.plan.removals();
  }

  /** The operator's answer: remove the rows (those still unseen and unchanged), or keep them. */
  decideRemoval(collection: Collection, confirm: boolean): number {
    const pending = this.#o.plan.removals().find((r) => r.collection === collection);
    if (!pending) throw new DeskError('NOT_FOUND', 'There is no removal waiting for a decision for that list.');
    const removed = applyRemovalDecision(this.#o.store, pending, confirm);
    this.#o.plan.setRemoval(collection, null);
    this.#o.onRemovals([collection]);
    return removed;
  }

  // ------------------------------------------------------------------ tiers

  async #due(): Promise<void> {
    const online = this.#o.online();
    if (online && this.needsFullSync() && this.#now() >= this.#fullRetryAt) {
      await this.syncEverything().catch(() => undefined);
      return;
    }
    const now = this.#now();
    if (online) {
      await this.#every('head:orders', this.#timing.headIntervalMs, now, () => this.#head('orders'));
      await this.#every('head:customers', this.#timing.headIntervalMs, now, () => this.#head('customers'));
      await this.#every('head:products', this.#timing.productsIntervalMs, now, () => this.#head('products'));
      await this.#every('live', this.#timing.liveIntervalMs, now, () => this.#liveOrders());
      await this.#every('payments', this.#timing.paymentsIntervalMs, now, () => this.#paymentsDueSoon());
    }
  }

  /**
   * Runs `work` when `key` last ran `interval` ago or more; a failure is reported, not thrown.
   * Success is reported only when `work` asked BillPro something (it returns how many requests).
   */
  async #every(key: string, interval: number, now: number, work: () => Promise<number>): Promise<void> {
    const last = this.#lastRun.get(key);
    if (last !== undefined && now - last < interval) return;
    this.#lastRun.set(key, now);
    try {
      if ((await work()) > 0) this.#o.report(null);
    } catch (error) {
      if (!this.#abort.signal.aborted) this.#o.report(error);
    }
  }

  /**
   * One request with a short timeout: the head page of orders or of customers, in turn (so even
   * a probe brings new records). Its outcome is the connectivity; it is never retried.
   */
  async probe(): Promise<void> {
    const collection = this.#probeTurn++ % 2 === 0 ? 'orders' : 'customers';
    const facts = this.#o.plan.facts(collection);
    const signal = this.#abort.signal;
    try {
      if (facts.order === null) {
        await this.#o.probeClient.listProducts(1, { signal });
      } else {
        const fetchPage = this.#fetcher(collection, this.#o.probeClient, false);
        const head = await pullHead({ ...this.#headOptions(collection, fetchPage), maxPages: 1 });
        if (head.written) this.#o.onData([collection]);
        // The probe read the head: the tier need not, unless more new rows follow that page.
        if (head.more) this.#lastRun.delete(`head:${collection}`);
        else this.#lastRun.set(`head:${collection}`, this.#now());
      }
      this.noteAnswer();
      this.#o.report(null);
    } catch (error) {
      if (signal.aborted) return;
      if (collection === 'orders' && isListOrdersUnsupported(error)) {
        this.noteAnswer();
        this.#o.report(null);
        return;
      }
      this.#o.report(error);
    }
  }

  async #head(collection: 'products' | 'customers' | 'orders'): Promise<number> {
    const fetchPage = this.#fetcher(collection, this.#o.client, true);
    try {
      const head = await pullHead(this.#headOptions(collection, fetchPage));
      if (head.written) this.#o.onData([collection]);
      return head.requests;
    } catch (error) {
      if (collection === 'orders' && isListOrdersUnsupported(error)) return 1;
      throw error;
    }
  }

  #headOptions(collection: Collection, fetchPage: FetchPage) {
    return {
      store: this.#o.store,
      collection,
      fetchPage,
      signal: this.#abort.signal,
      facts: this.#o.plan.facts(collection),
      onFacts: (facts: ListFacts) => this.#o.plan.setFacts(collection, facts),
    };
  }

  /** A few live orders by id, taking turns through all of them. */
  async #liveOrders(): Promise<number> {
    const { store, plan, client, budget } = this.#o;
    const page = store.cache.list('orders', {
      filter: { status: LIVE },
      sort: { field: 'id', direction: 'asc' },
      limit: this.#timing.liveBatch,
      offset: plan.liveCursor,
    });
    plan.liveCursor = page.rows.length < this.#timing.liveBatch ? 0 : plan.liveCursor + page.rows.length;
    const ids = page.rows.map((row) => row.id).filter((id) => id > 0);
    let changed = 0;
    const signal = this.#abort.signal;
    for (const id of ids) {
      const order = await budget.run(() => client.getOrder(id, { signal }), signal);
      changed += store.cache.upsertMany('orders', [order], { durable: false }).written;
    }
    if (changed) this.#o.onData(['orders']);
    return ids.length;
  }

  /** The scheduled payments of orders with a payment due soon, a few orders at a time. */
  async #paymentsDueSoon(): Promise<number> {
    const { store, client, budget } = this.#o;
    const now = this.#now();
    const due = store.cache.list('scheduledPayments', {
      filter: {
        status: 'scheduled',
        scheduled_at: { from: new Date(now).toISOString(), to: new Date(now + this.#timing.paymentsHorizonMs).toISOString() },
      },
      limit: 1000,
    });
    const orderIds = [...new Set(due.rows.map((row) => row.entity.order_id).filter((id) => id > 0))];
    const turn = (this.#lastRun.get('payments:turn') ?? 0) % Math.max(1, orderIds.length);
    const batch = orderIds.slice(turn, turn + this.#timing.paymentsBatch);
    this.#lastRun.set('payments:turn', turn + batch.length);
    const signal = this.#abort.signal;
    let changed = 0;
    for (const id of batch) {
      const payments = await budget.run(() => client.listScheduledPayments(id, { signal }), signal);
      if (payments.length) changed += store.cache.upsertMany('scheduledPayments', payments, { durable: false }).written;
    }
    // Payments due soon are the ones an operator acts on: checking them is what "synced" means here.
    store.cache.markChecked('scheduledPayments', new Date(now).toISOString());
    if (changed) this.#o.onData(['scheduledPayments']);
    return batch.length;
  }

  // ------------------------------------------------------------------ full reconciliation

  async #everything(): Promise<FullSyncOutcome> {
    const { store, client, plan } = this.#o;
    const signal = this.#abort.signal;
    const outcome: FullSyncOutcome = { removed: {}, pendingRemovals: [] };
    try {
      for (const collection of LISTED) {
        const fetchPage = this.#fetcher(collection, client, true);
        const started = this.#now();
        try {
          const facts = plan.facts(collection);
          // A first sync tells the screens as soon as the first pages are in the cache, so a list
          // paints its head without waiting for the rest of the collection.
          let announced = facts.count !== null;
          const result = await pullCollection({
            store,
            collection,
            fetchPage,
            concurrency: () => this.#o.budget.concurrency,
            signal,
            facts,
            onFacts: (next) => plan.setFacts(collection, next),
            onProgress: (p) => {
              this.#progress(p, started);
              if (!announced && p.rows > 0 && !p.finished) {
                announced = true;
                this.#o.onData([collection]);
              }
            },
            ...(facts.count === null ? { estimate: (s: AbortSignal) => estimateRows(fetchPage, s) } : {}),
          });
          if (result.fullRun !== null && !result.unidentified) {
            const decided = await reconcileRemovals({
              store,
              collection,
              fullRun: result.fullRun,
              listed: result.rows,
              lookup: this.#lookup(collection),
            });
            plan.setRemoval(collection, decided.pending);
            if (decided.removed) outcome.removed[collection] = decided.removed;
            if (decided.pending) outcome.pendingRemovals.push(decided.pending);
            if (decided.pending) this.#o.onRemovals([collection]);
          }
        } catch (error) {
          if (collection === 'orders' && isListOrdersUnsupported(error)) {
            await this.#refreshKnownOrders(signal);
          } else {
            throw error;
          }
        }
        this.#o.report(null);
        this.#o.onData([collection]);
      }
      await this.#scheduledPaymentsOfLiveOrders(signal);
      this.#o.onData(['scheduledPayments']);
      plan.lastFullAt = this.#now();
      this.#fullFailures = 0;
      this.#fullRetryAt = 0;
      return outcome;
    } catch (error) {
      // Not again at the next tick: a BillPro that fails a full pull is not asked for another at once.
      this.#fullFailures += 1;
      this.#fullRetryAt = this.#now() + Math.min(30 * 60_000, 30_000 * 2 ** (this.#fullFailures - 1));
      if (!signal.aborted) this.#o.report(error);
      throw isDeskError(error) || signal.aborted ? error : new DeskError('SERVER', 'The sync stopped on an unexpected error.');
    } finally {
      this.#o.onProgress({ collection: null, done: 0, total: null, etaSeconds: null, finished: true });
    }
  }

  #progress(p: PullProgress, started: number): void {
    const elapsed = (this.#now() - started) / 1000;
    const rate = elapsed > 0 ? p.rows / elapsed : 0;
    const total = p.total === null ? null : Math.max(p.total, p.rows);
    const etaSeconds = total !== null && rate > 0 ? Math.round((total - p.rows) / rate) : null;
    this.#o.onProgress({ collection: p.collection, done: p.rows, total, etaSeconds, finished: false });
  }

  /** Without a list-orders endpoint: refresh the orders this device knows, one by one. */
  async #refreshKnownOrders(signal: AbortSignal): Promise<void> {
    const { store, client, budget } = this.#o;
    const ids = this.#idsOf([...PRELIMINARY, ...LIVE], Number.MAX_SAFE_INTEGER);
    await refreshEach(
      ids,
      budget.concurrency,
      signal,
      // An order Desk cannot read is reported (envelope.ts) and its cached copy kept.
      (id) =>
        budget.run(() => client.getOrder(id, { signal }), signal).catch((error: unknown) => {
          if (isPersistentReadFailure(error)) return null;
          throw error;
        }),
      (_, order) => {
        if (order) store.cache.upsertMany('orders', [order], { durable: false });
      },
      () => undefined,
    );
    store.cache.markSynced('orders', new Date(this.#now()).toISOString());
  }

  async #scheduledPaymentsOfLiveOrders(signal: AbortSignal): Promise<void> {
    const { store, client, budget } = this.#o;
    const ids = this.#idsOf(LIVE, PAYMENT_SYNC_ORDERS);
    const run = store.syncLog.recordSync({ collection: 'scheduledPayments', full: false });
    let orders = 0;
    let rows = 0;
    const started = this.#now();
    try {
      await refreshEach(
        ids,
        budget.concurrency,
        signal,
        (id) => budget.run(() => client.listScheduledPayments(id, { signal }), signal),
        (_, payments) => {
          orders += 1;
          rows += payments.length;
          if (payments.length) store.cache.upsertMany('scheduledPayments', payments, { durable: false });
        },
        (done) => {
          const elapsed = (this.#now() - started) / 1000;
          const eta = elapsed > 0 && done > 0 ? Math.round(((ids.length - done) * elapsed) / done) : null;
          this.#o.onProgress({ collection: 'scheduledPayments', done, total: ids.length, etaSeconds: eta, finished: false });
        },
      );
      store.cache.markSynced('scheduledPayments', new Date(this.#now()).toISOString());
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

  /** BillPro's ids of orders in `status`, newest first (ids only: no order is read or parsed). */
  #idsOf(status: OrderStatus[], max: number): number[] {
    // Offline-created orders (negative temp ids) are left out: ask for a few more than `max`.
    for (let limit = Math.min(max, Number.MAX_SAFE_INTEGER - 100) + 100; ; limit *= 2) {
      const found = this.#o.store.cache.ids('orders', { filter: { status } }, limit);
      const ids = found.filter((id) => id > 0).slice(0, max);
      if (ids.length === max || found.length < limit) return ids;
    }
  }

  /** One page of a list through the budget (or, for probes, straight out with a short timeout). */
  #fetcher(collection: Collection, client: BillProClient, budgeted: boolean): FetchPage {
    const fetch = (page: number, signal: AbortSignal): Promise<readonly { id: number }[]> => {
      switch (collection) {
        case 'products':
          return client.listProducts(page, { signal });
        case 'customers':
          return client.listCustomers({ page }, { signal });
        case 'orders':
          return client.listOrders(page, { signal });
        default:
          throw new DeskError('BAD_INPUT', 'Scheduled payments are listed per order.');
      }
    };
    if (!budgeted) return fetch;
    return (page, signal) => this.#o.budget.run(() => fetch(page, signal), signal);
  }

  /** Checks one removal candidate by id: the row, or null when BillPro says it is gone. */
  #lookup(collection: Collection): ((id: number) => Promise<unknown>) | undefined {
    const { client, budget } = this.#o;
    const signal = this.#abort.signal;
    const get: ((id: number) => Promise<unknown>) | null =
      collection === 'products'
        ? (id) => client.getProduct(id, { signal })
        : collection === 'customers'
          ? (id) => client.getCustomer(id, { signal })
          : collection === 'orders'
            ? (id) => client.getOrder(id, { signal })
            : null;
    if (!get) return undefined;
    return async (id) => {
      try {
        return await budget.run(() => get(id), signal);
      } catch (error) {
        if (isDeskError(error) && error.code === 'NOT_FOUND') return null;
        throw error;
      }
    };
  }
}
