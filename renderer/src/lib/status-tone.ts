/** Colour families of a status, by meaning, not by name: good, waiting, trouble, finished. */
export type StatusTone = 'ok' | 'wait' | 'bad' | 'done' | 'info';

const TONE: Record<string, StatusTone> = {
  active: 'ok',
  complete: 'done',
  recovered: 'ok',
  scheduled: 'info',
  pending: 'wait',
  draft: 'wait',
  paused: 'wait',
  review: 'wait',
  sending: 'wait',
  unknown: 'wait',
  failed: 'bad',
  suspended: 'bad',
  rejected: 'bad',
  'soft-declined': 'bad',
  'hard-declined': 'bad',
  conflict: 'bad',
  cancelled: 'done',
  skipped: 'done',
  merged: 'done',
  discarded: 'done',
  done: 'ok',
};

export function statusTone(status: string): StatusTone {
  return Object.hasOwn(TONE, status) ? TONE[status]! : 'info';
}
