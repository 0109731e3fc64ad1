/**
 * When to check for an update, what to do with one, and whether a restart may happen now. Pure
 * decisions; controller.ts applies them, the shell only carries them out.
 */
import type { UpdateMode } from '../../common/desktop.ts';
import { compareVersions, type UpdateFeed } from './feed.ts';

/** Checks while the app runs: on start, then every four hours. */
export const CHECK_INTERVAL_MS = 4 * 60 * 60 * 1000;

/** Milliseconds until the next automatic check, or null when none is due (updates off). */
export function nextCheckIn(options: {
  mode: UpdateMode;
  lastCheckedAt: number | null;
  now: number;
  intervalMs?: number;
}): number | null {
  if (options.mode === 'off') return null;
  if (options.lastCheckedAt === null) return 0;
  const interval = options.intervalMs ?? CHECK_INTERVAL_MS;
  return Math.max(0, options.lastCheckedAt + interval - options.now);
}

export type Offer =
  | { action: 'none'; reason: 'up-to-date' | 'staged-out' }
  | { action: 'download'; version: string }
  | { action: 'ask'; version: string };

/**
 * What a feed means for this copy. Automatic downloads by itself; ask (and a check the person
 * asked for while updates are off) offers it; a release staged to a share of users
 * (`stagingPercentage`) reaches this copy only if its stable bucket (0–99) falls inside it.
 */
export function offerFor(options: {
  mode: UpdateMode;
  currentVersion: string;
  feed: UpdateFeed;
  bucket: number;
}): Offer {
  const { feed } = options;
  if (compareVersions(feed.version, options.currentVersion) <= 0) return { action: 'none', reason: 'up-to-date' };
  if (feed.stagingPercentage !== undefined && options.bucket >= feed.stagingPercentage) {
    return { action: 'none', reason: 'staged-out' };
  }
  return options.mode === 'automatic'
    ? { action: 'download', version: feed.version }
    : { action: 'ask', version: feed.version };
}

export type RestartDecision =
  | { restart: true }
  | { restart: false; unsentChanges: number; message: string };

/**
 * Restarting to update is refused while changes made on this device have not reached BillPro,
 * unless the person has been told so and confirmed. They are kept on disk and go out after the
 * restart; but a person who expects them sent must not find the app gone.
 */
export function restartDecision(unsentChanges: number, confirmed: boolean): RestartDecision {
  if (unsentChanges === 0 || confirmed) return { restart: true };
  const changes = unsentChanges === 1 ? '1 change' : `${unsentChanges} changes`;
  const verb = unsentChanges === 1 ? 'has' : 'have';
  return {
    restart: false,
    unsentChanges,
    message:
      `${changes} made on this device ${verb} not reached BillPro yet. ` +
      'They are kept and sent after the restart once BillPro answers. Restart anyway?',
  };
}
