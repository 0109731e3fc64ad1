/**
 * The one source of "is BillPro answering, how fresh is the data, is a sync running" for the
 * active profile. The status bar and the Dashboard both read it, so they cannot disagree: a
 * LiveQuery of `sync.status` re-read whenever a collection lands (that is when "synced at"
 * changes), patched by the connectivity and outbox events. "Synced at" is null until every
 * collection has synced once.
 */
import type { EventPayload, SyncStatus } from '../../../electron/common/contract.ts';
import { call, on } from './bridge.ts';
import { since } from './format.ts';
import { LiveQuery } from './live-query.svelte.ts';

export class SyncStatusStore {
  /** `sync.status` for the followed profile, re-read whenever any collection lands. */
  private readonly query = new LiveQuery<SyncStatus>({
    profileId: '',
    eager: false,
    collections: 'any',
    fetch: (profileId) => call('sync.status', { profileId }),
    listen: (listener) => on('dataRefreshed', listener),
  });
  progress = $state.raw<EventPayload<'progress'> | null>(null);
  /** Ticks so that "synced 3 min ago" ages on screen. */
  private clock = $state(Date.now());

  /** The last status read (null until the first answer for this profile lands). */
  readonly status = $derived(this.query.value);
  /** "just now", "3 min ago", "never" — the same words on every screen. */
  readonly syncedText = $derived.by(() => {
    void this.clock;
    return since(this.status?.lastSyncedAt ?? null);
  });
  /** True until the profile's first full sync has ended (once the status is known). */
  readonly firstSync = $derived(this.status !== null && this.status.lastSyncedAt === null);

  constructor() {
    // App-wide for the app's lifetime: these subscriptions never need ending.
    this.query.connect();
    const mine = (profileId: string) => profileId === this.query.profileId;
    on('connectivity', (e) => {
      if (!mine(e.profileId)) return;
      if (this.status) this.query.patch({ connectivity: e.state, detail: e.detail });
      else void this.refresh();
    });
    on('progress', (e) => {
      if (!mine(e.profileId)) return;
      this.progress = e.finished ? null : e;
      if (e.finished) void this.refresh();
    });
    // The event carries the same counts as sync.status.
    on('outboxChanged', (e) => {
      if (!mine(e.profileId)) return;
      if (this.status) this.query.patch({ pending: e.pending, needsAttention: e.needsAttention });
      else void this.refresh();
    });
    setInterval(() => (this.clock = Date.now()), 30_000);
  }

  /** Follow this profile (the active one); a change of profile starts over. */
  follow(profileId: string): void {
    if (profileId === this.query.profileId) return;
    this.progress = null;
    this.query.follow(profileId);
  }

  refresh(): Promise<void> {
    return this.query.load();
  }
}

export const syncStatus = new SyncStatusStore();
