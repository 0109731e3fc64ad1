/**
 * What a profile session tells the renderer: the outbox's size, which collections changed,
 * connectivity and sync progress. Every event carries the profile id, so a window showing
 * another profile ignores it.
 */
import type { EventName, EventPayload } from '../../common/contract.ts';
import { TABLES, type Collection, type Store } from '../store/index.ts';

export type Emit = <E extends EventName>(event: E, payload: EventPayload<E>) => void;

/** The renderer's collection names (the contract's): the collections' table names. */
export const EVENT_COLLECTION = TABLES;

export class SessionEvents {
  constructor(
    private readonly profileId: string,
    private readonly store: Store,
    readonly emit: Emit,
  ) {}

  /** The outbox changed: its badge counts. */
  outbox(): void {
    const counts = this.store.outbox.counts();
    this.emit('outboxChanged', {
      profileId: this.profileId,
      pending: counts.waiting,
      needsAttention: counts.needsAttention,
    });
  }

  /** Rows of these collections changed: screens showing them reload. */
  data(collections: readonly Collection[]): void {
    const unique = [...new Set(collections.map((c) => EVENT_COLLECTION[c]))];
    if (unique.length) this.emit('dataRefreshed', { profileId: this.profileId, collections: unique });
  }
}
