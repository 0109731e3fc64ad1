/**
 * What deserves a system notification, and only once:
 * - BillPro refused a change that was queued (the person was not waiting on a form for it), so
 *   it sits in Activity needing the operator;
 * - a profile has not synced for a long time (default 24 h) although Desk is running.
 * Each has a stable key: the same refused change or the same stale spell never notifies twice;
 * a profile that syncs again may notify again if it goes stale later. Clicking one opens its
 * item through a billpro-desk:// link. The decisions are pure over what the Desk reports.
 */
import type { DeskNotification } from '../common/desktop.ts';
import { deepLinkOf } from '../common/deep-link.ts';

export const STALE_AFTER_MS = 24 * 60 * 60 * 1000;

export interface RefusedChange {
  seq: number;
  state: 'failed' | 'conflict';
  summary: string;
  reason: string | null;
}

export interface ProfileSyncFact {
  profileId: string;
  profileName: string;
  lastSyncedAt: string | null;
}

export class NotificationPlanner {
  private readonly seen = new Set<string>();
  private readonly staleNow = new Set<string>();

  constructor(private readonly staleAfterMs = STALE_AFTER_MS) {}

  /** Notifications for refused changes not notified before (one summary when many arrive at once). */
  refused(profile: { id: string; name: string }, changes: readonly RefusedChange[]): DeskNotification[] {
    const fresh = changes.filter((c) => !this.seen.has(`refused:${profile.id}:${c.seq}:${c.state}`));
    for (const c of fresh) this.seen.add(`refused:${profile.id}:${c.seq}:${c.state}`);
    const link = deepLinkOf({ profileId: profile.id, view: 'activity', id: null });
    const first = fresh[0];
    if (!first) return [];
    if (fresh.length === 1) {
      return [
        {
          key: `refused:${profile.id}:${first.seq}`,
          kind: 'refused',
          title: `BillPro refused a change (${profile.name})`,
          body: `${first.summary}${first.reason ? `: ${first.reason}` : ''}. Open Activity to edit, retry or discard it.`,
          link,
        },
      ];
    }
    return [
      {
        key: `refused:${profile.id}:${fresh.map((c) => c.seq).join(',')}`,
        kind: 'refused',
        title: `BillPro refused ${fresh.length} changes (${profile.name})`,
        body: 'They wait in Activity for you to edit, retry or discard them.',
        link,
      },
    ];
  }

  /** A notification for each profile that has just gone stale; none again until it syncs. */
  stale(facts: readonly ProfileSyncFact[], now: number): DeskNotification[] {
    const out: DeskNotification[] = [];
    for (const fact of facts) {
      const synced = fact.lastSyncedAt === null ? null : Date.parse(fact.lastSyncedAt);
      // Never synced is not "stale": the first sync is still running or has its own banner.
      const isStale = synced !== null && now - synced >= this.staleAfterMs;
      if (!isStale) {
        this.staleNow.delete(fact.profileId);
        continue;
      }
      if (this.staleNow.has(fact.profileId)) continue;
      this.staleNow.add(fact.profileId);
      const hours = Math.floor((now - (synced ?? now)) / 3_600_000);
      out.push({
        key: `stale:${fact.profileId}`,
        kind: 'stale',
        title: `${fact.profileName} has not synced for ${hours >= 48 ? `${Math.floor(hours / 24)} days` : `${hours} hours`}`,
        body: 'What you see may be out of date, and changes made here have not been sent. Check the connection or the token.',
        link: deepLinkOf({ profileId: fact.profileId, view: 'dashboard', id: null }),
      });
    }
    return out;
  }
}
