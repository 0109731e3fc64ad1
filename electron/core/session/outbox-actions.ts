/**
 * What Activity does with queued changes: list them, retry one (optionally with an edited
 * payload), discard one (its optimistic row is refreshed from BillPro).
 */
import type { z } from 'zod';
import type { Methods, OutboxEntrySummary } from '../../common/contract.ts';
import type { OutboxEntry } from '../store/index.ts';
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
    return { entries: entries.map(summarize) };
  }

  retry(seq: number, payload: unknown): OutboxEntrySummary {
    const entry = this.ctx.store.outbox.retry(seq, payload === undefined ? {} : { payload });
    this.ctx.events.outbox();
    void this.pusher.kick();
    return summarize(entry);
  }

  discard(seq: number): OutboxEntrySummary {
    const entry = this.ctx.store.outbox.discard(seq);
    refreshStale(this.ctx);
    this.ctx.events.outbox();
    this.ctx.events.data([entry.targetCollection]);
    return summarize(entry);
  }
}

const KIND_LABEL: Record<OutboxEntry['kind'], string> = {
  'customer.create': 'Create customer',
  'customer.update': 'Update customer',
  'order.create': 'Create order',
  'order.cancel': 'Cancel order',
  'order.pause': 'Pause order',
  'order.resume': 'Resume order',
  'order.renewCheckout': 'Renew checkout of order',
  'scheduledPayment.update': 'Change scheduled payment',
};

function summarize(entry: OutboxEntry): OutboxEntrySummary {
  let subject = entry.targetId > 0 ? `#${entry.targetId}` : '(new)';
  if (entry.kind === 'customer.create' || entry.kind === 'customer.update') subject = entry.payload.email;
  if (entry.kind === 'order.create') subject = entry.payload.order.invoice_id ?? subject;
  return {
    seq: entry.seq,
    kind: entry.kind,
    summary: `${KIND_LABEL[entry.kind]} ${subject}`,
    state: entry.state,
    targetId: entry.targetId,
    attempts: entry.attempts,
    lastError: entry.lastError,
    payload: entry.payload,
    createdAt: entry.createdAt,
    updatedAt: entry.updatedAt,
  };
}
