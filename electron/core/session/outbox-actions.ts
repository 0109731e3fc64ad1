/**
 * What Activity does with queued changes: list them, retry one (optionally with an edited
 * payload), discard one (its optimistic row is refreshed from BillPro). Changes that reached
 * BillPro or were discarded are forgotten after `outboxKeepDays`: at profile open and daily.
 */
import type { z } from 'zod';
import type { Methods, OutboxEntrySummary } from '../../common/contract.ts';
import { changeOf } from '../changes/index.ts';
import type { Cache, OutboxEntry } from '../store/index.ts';
import type { Pusher } from '../sync/pusher.ts';
import { refreshStale, type SessionContext } from './context.ts';

type Input<M extends keyof Methods> = z.output<Methods[M]['input']>;

const DAY_MS = 24 * 60 * 60 * 1000;
const KEEP_FINISHED_DAYS = 30;

export class SessionOutbox {
  private pruneTimer: NodeJS.Timeout | null = null;

  constructor(
    private readonly ctx: SessionContext,
    private readonly pusher: Pusher,
  ) {}

  /** Prunes now, then once a day while the profile is open. */
  startPruning(): void {
    this.prune();
    this.pruneTimer = setInterval(() => this.prune(), DAY_MS);
    this.pruneTimer.unref();
  }

  /** Forgets done and discarded entries older than the keep period; returns how many went. */
  prune(now = new Date()): number {
    const days = this.ctx.tuning.outboxKeepDays ?? KEEP_FINISHED_DAYS;
    const removed = this.ctx.store.outbox.prune(new Date(now.getTime() - days * DAY_MS).toISOString());
    if (removed > 0) this.ctx.events.outbox();
    return removed;
  }

  close(): void {
    if (this.pruneTimer) clearInterval(this.pruneTimer);
  }

  list(input: Input<'outbox.list'>): { entries: OutboxEntrySummary[] } {
    const entries = this.ctx.store.outbox.list({ ...(input.states ? { states: input.states } : {}), limit: input.limit });
    return { entries: entries.map((entry) => summarize(this.ctx.store.cache, entry)) };
  }

  retry(seq: number, payload: unknown): OutboxEntrySummary {
    const entry = this.ctx.store.outbox.retry(seq, payload === undefined ? {} : { payload });
    this.ctx.events.outbox();
    void this.pusher.kick();
    return summarize(this.ctx.store.cache, entry);
  }

  discard(seq: number): OutboxEntrySummary {
    const entry = this.ctx.store.outbox.discard(seq);
    refreshStale(this.ctx);
    this.ctx.events.outbox();
    this.ctx.events.data([entry.targetCollection]);
    return summarize(this.ctx.store.cache, entry);
  }
}

/** An entry as Activity shows it: its kind's label and editable fields (core/changes/). */
function summarize(cache: Cache, entry: OutboxEntry): OutboxEntrySummary {
  const change = changeOf(entry.kind);
  return {
    seq: entry.seq,
    kind: entry.kind,
    summary: change.label(entry, cache),
    fields: change.fields(entry.payload),
    state: entry.state,
    targetId: entry.targetId,
    attempts: entry.attempts,
    lastError: entry.lastError,
    payload: entry.payload,
    createdAt: entry.createdAt,
    updatedAt: entry.updatedAt,
  };
}
