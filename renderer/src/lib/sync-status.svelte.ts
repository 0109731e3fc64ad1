/**
 * The one source of "is BillPro answering, how fresh is the data, is a sync running" for the
 * active profile. The status bar and the Dashboard both read it, so they cannot disagree:
 * `sync.status` once, then events — and a fresh read whenever a collection lands, because that
 * is when "synced at" changes. "Synced at" is null until every collection has synced once.
 */
import type { EventPayload, SyncStatus } from '../../../electron/common/contract.ts';
import { call, on } from './bridge.ts';
import { since } from './format.ts';

export class SyncStatusStore {
  status = $state.raw<SyncStatus | null>(null);
  progress = $state.raw<EventPayload<'progress'> | null>(null);
  /** Ticks so that "synced 3 min ago" ages on screen. */
  private clock = $state(Date.now());
  private profileId: string | null = null;
  private generation = 0;

  /** "just now", "3 min ago", "never" — the same words on every screen. */
  readonly syncedText = $derived.by(() => {
    void this.clock;
    return since(this.status?.lastSyncedAt ?? null);
  });
  /** True until the profile's first full sync has ended (once the status is known). */
  readonly firstSync = $derived(this.status !== null && this.status.lastSyncedAt === null);

  constructor() {
    on('connectivity', (e) => {
      if (e.profileId !== this.profileId) return;
      if (this.status) this.status = { ...this.status, connectivity: e.state, detail: e.detail };
      else void this.refresh();
    });
    on('progress', (e) => {
      if (e.profileId !== this.profileId) return;
      this.progress = e.finished ? null : e;
      if (e.finished) void this.refresh();
    });
    // The event carries the same counts as sync.status.
    on('outboxChanged', (e) => {
      if (e.profileId !== this.profileId) return;
      if (this.status) this.status = { ...this.status, pending: e.pending, needsAttention: e.needsAttention };
      else void this.refresh();
    });
    on('dataRefreshed', (e) => {
      if (e.profileId === this.profileId) void this.refresh();
    });
    setInterval(() => (this.clock = Date.now()), 30_000);
  }

  /** Follow this profile (the active one); a change of profile starts over. */
  follow(profileId: string): void {
    if (profileId === this.profileId) return;
    this.profileId = profileId;
    this.status = null;
    this.progress = null;
    void this.refresh();
  }

  async refresh(): Promise<void> {
    const mine = ++this.generation;
    const profileId = this.profileId;
    if (profileId === null) return;
    try {
      const next = await call('sync.status', { profileId });
      if (mine === this.generation && profileId === this.profileId) this.status = next;
    } catch {
      // What was known stays; the screens show their own errors.
    }
  }
}

export const syncStatus = new SyncStatusStore();
