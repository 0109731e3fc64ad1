/**
 * What Activity does with queued changes: list them, retry one (optionally with an edited
 * payload), discard one (its optimistic row is refreshed from BillPro).
 */
import type { z } from 'zod';
import type { Methods, OutboxEntrySummary } from '../../common/contract.ts';
import { changeOf } from '../changes/index.ts';
import type { Cache, OutboxEntry } from '../store/index.ts';
import type { Pusher } from '../sync/pusher.ts';
import { refreshStale, type SessionContext } from './context.ts';

type Input<M extends keyof Methods> = z.output<Methods[M]['input']>;

export class SessionOutbox {
  constructor(
    private readonly ctx: SessionContext,
    private readonly pusher: Pusher,
  ) {}

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
