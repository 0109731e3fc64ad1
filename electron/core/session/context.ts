/**
 * What every part of a profile session shares: the store, the BillPro client, connectivity,
 * events and the background refreshes. `session.ts` builds it once; the parts (reads, writes,
 * outbox actions, sync) take it and never import each other's files.
 */
import type { BillProClient } from '../billpro/client.ts';
import type { Collection, Store } from '../store/index.ts';
import type { ConnectivityTracker } from '../sync/connectivity.ts';
import type { SessionEvents } from './events.ts';

export interface SessionTuning {
  requestTimeoutMs?: number;
  /** How often the newest records of orders and customers are fetched. Default 120 000. */
  syncIntervalMs?: number;
  /** While BillPro is not answering: how often to ask again. Default 3 000. */
  probeIntervalMs?: number;
  /** While online: probe after this long without any answer from BillPro. Default 10 000. */
  probeSilenceMs?: number;
  /** A probe's timeout. Default 3 000. */
  probeTimeoutMs?: number;
  /** The request budget's ceiling. Default 3 000 a minute. */
  requestsPerMinute?: number;
  /** How long Activity keeps changes that reached BillPro or were discarded. Default 30 days. */
  outboxKeepDays?: number;
  /**
   * The sync tiers' clock and how often they tick (default `Date.now`, every 1 000 ms): a bench
   * plays an idle hour in seconds by moving the clock one second per (shorter) tick.
   */
  syncClock?: () => number;
  syncTickMs?: number;
}

export interface SessionContext {
  readonly profileId: string;
  readonly store: Store;
  readonly client: BillProClient;
  readonly connectivity: ConnectivityTracker;
  readonly events: SessionEvents;
  readonly background: BackgroundRefresh;
  readonly tuning: SessionTuning;
}

/**
 * Refreshes from BillPro that nobody waits for: a cached row shown at once is fetched again
 * behind it. One at a time per key, only while online, none after close; the outcome feeds
 * connectivity, and changed collections reach the renderer as `dataRefreshed`.
 */
export class BackgroundRefresh {
  private readonly running = new Set<string>();
  private closed = false;

  constructor(
    private readonly connectivity: ConnectivityTracker,
    private readonly events: SessionEvents,
  ) {}

  run(key: string, work: () => Promise<Collection[]>): void {
    if (!this.connectivity.online || this.running.has(key) || this.closed) return;
    this.running.add(key);
    work()
      .then((changed) => {
        this.connectivity.report(null);
        if (changed.length) this.events.data(changed);
      })
      .catch((error: unknown) => this.connectivity.report(error))
      .finally(() => this.running.delete(key));
  }

  close(): void {
    this.closed = true;
  }
}

/** Rows whose optimistic change was given up: fetch BillPro's version over them. */
export function refreshStale(ctx: SessionContext): void {
  const { store, client } = ctx;
  for (const { collection, id } of store.cache.listStale()) {
    const fetchers: Partial<Record<Collection, () => Promise<unknown>>> = {
      customers: () => client.getCustomer(id),
      orders: () => client.getOrder(id),
      products: () => client.getProduct(id),
    };
    const fetch = fetchers[collection];
    if (!fetch) continue;
    ctx.background.run(`${collection}:${id}`, async () => {
      store.cache.upsertMany(collection, [await fetch()], { force: true });
      return [collection];
    });
  }
}
