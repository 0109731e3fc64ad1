/**
 * Sync orchestration for one profile: the tiered SyncEngine (`sync/engine.ts`: first sync, new
 * records, live orders, payments due soon, daily reconciliation, probes) with its request budget,
 * "Sync everything now", and what the status bar, Settings and Activity show. How a list is read
 * lives in `sync/puller.ts`, removals in `sync/reconcile.ts`, sending the outbox in
 * `sync/pusher.ts`.
 */
import path from 'node:path';
import type { PendingRemovalSummary, SyncBudget, SyncStatus } from '../../common/contract.ts';
import type { BillProClient } from '../billpro/client.ts';
import type { AttemptReport } from '../billpro/transport.ts';
import type { RequestBudget } from '../sync/budget.ts';
import { TABLES } from '../store/index.ts';
import { SyncEngine } from '../sync/engine.ts';
import { SyncPlan } from '../sync/plan.ts';
import type { Pusher } from '../sync/pusher.ts';
import type { SessionContext } from './context.ts';
import { EVENT_COLLECTION } from './events.ts';
import { lastSyncedAt } from './rows.ts';

export interface SyncParts {
  budget: RequestBudget;
  /** The same BillPro with a short timeout and one attempt (see SessionTuning.probeTimeoutMs). */
  probeClient: BillProClient;
  /** The profile's folder: `sync-plan.json` lives there. */
  folder: string;
}

export class SessionSync {
  private readonly engine: SyncEngine;
  private readonly budgetOf: RequestBudget;
  private closed = false;

  constructor(
    private readonly ctx: SessionContext,
    private readonly pusher: Pusher,
    parts: SyncParts,
  ) {
    const { profileId, tuning, connectivity, events } = ctx;
    this.budgetOf = parts.budget;
    this.engine = new SyncEngine({
      store: ctx.store,
      client: ctx.client,
      probeClient: parts.probeClient,
      budget: parts.budget,
      plan: new SyncPlan(path.join(parts.folder, 'sync-plan.json')),
      ...(tuning.syncClock ? { now: tuning.syncClock } : {}),
      timing: {
        ...(tuning.syncIntervalMs ? { headIntervalMs: tuning.syncIntervalMs } : {}),
        ...(tuning.probeSilenceMs ? { probeSilenceMs: tuning.probeSilenceMs } : {}),
      },
      report: (error) => {
        connectivity.report(error);
        // BillPro answered: a change whose lookup could not be made earlier may go now (the
        // pusher only sends what is due, so this adds no request when nothing waits).
        if (error === null) void this.pusher.kick();
      },
      online: () => connectivity.online,
      onProgress: (p) =>
        events.emit('progress', {
          profileId,
          task: 'sync',
          collection: p.collection ? EVENT_COLLECTION[p.collection] : null,
          done: p.done,
          total: p.total,
          etaSeconds: p.etaSeconds,
          finished: p.finished,
        }),
      onData: (collections) => events.data(collections),
      onRemovals: (collections) => events.data(collections),
    });
  }

  /** Every attempt the client made: BillPro answered (any status) or not. */
  noteAttempt(attempt: AttemptReport): void {
    this.budgetOf.note(attempt);
    if (attempt.status !== undefined) this.engine.noteAnswer();
  }

  /** The first tick runs the first sync (or resumes one cut off); then tiers on a 1 s timer. */
  start(): void {
    void this.engine.tick();
    this.engine.start(this.ctx.tuning.syncTickMs);
  }

  /** Back online: whatever tier is due runs; a flapping link does not start full pulls. */
  onOnline(): void {
    void this.engine.tick();
  }

  async close(): Promise<void> {
    this.closed = true;
    await this.engine.close();
  }

  status(): SyncStatus {
    const { store, connectivity } = this.ctx;
    const counts = store.outbox.counts();
    return {
      connectivity: connectivity.state,
      detail: connectivity.detail,
      syncing: this.engine.running,
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

  /** Push the outbox, then reconcile everything ("Sync everything now"); waits for both. */
  async syncNow(): Promise<void> {
    await this.pusher.kick();
    await this.sync();
  }

  /** A full, resumable reconciliation of every list; one at a time. */
  async sync(): Promise<void> {
    if (this.closed) return;
    await this.engine.syncEverything();
  }

  budget(): SyncBudget {
    const t = this.engine.timing;
    const lastFullAt = this.engine.lastFullAt;
    return {
      ...this.budgetOf.status(),
      tiers: {
        newRecordsEverySeconds: t.headIntervalMs / 1000,
        productsEverySeconds: t.productsIntervalMs / 1000,
        liveOrdersEverySeconds: t.liveIntervalMs / 1000,
        paymentsDueEverySeconds: t.paymentsIntervalMs / 1000,
        fullEverySeconds: t.reconcileIntervalMs / 1000,
        probeAfterSilenceSeconds: t.probeSilenceMs / 1000,
      },
      lastFullAt: lastFullAt === null ? null : new Date(lastFullAt).toISOString(),
    };
  }

  removals(): { removals: PendingRemovalSummary[] } {
    const removals: PendingRemovalSummary[] = [];
    for (const r of this.engine.pendingRemovals()) {
      if (r.collection === 'scheduledPayments') continue;
      removals.push({
        collection: r.collection,
        count: r.ids.length,
        cached: r.cached,
        listed: r.listed,
        sampleIds: r.ids.slice(0, 20),
        reason: r.reason,
        detectedAt: r.detectedAt,
      });
    }
    return { removals };
  }

  decideRemoval(collection: 'products' | 'customers' | 'orders', confirm: boolean): { removed: number } {
    return { removed: this.engine.decideRemoval(collection, confirm) };
  }
}
