/**
 * "Synced at", as the status bar and the Dashboard show it (issue 13, item 6): null until every
 * collection — products, customers, orders and scheduled payments — has been pulled once, so a
 * first sync never reads as "synced just now" while orders or payments are still arriving; then
 * the oldest of their pull times. On a real encrypted store file.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { lastSyncedAt } from '../../electron/core/session/rows.ts';
import { openStore } from '../../electron/core/store/index.ts';

const dir = mkdtempSync(join(tmpdir(), 'desk-sync-status-'));
const store = openStore({ file: join(dir, 'cache.db'), encryptionKey: 'a'.repeat(64) });
afterAll(() => {
  store.close();
  rmSync(dir, { recursive: true, force: true });
});

it('is null until every collection has synced once, then the oldest pull time', () => {
  expect(lastSyncedAt(store)).toBeNull();
  store.cache.markSynced('products', '2026-11-01T09:00:03.000Z');
  store.cache.markSynced('customers', '2026-11-01T09:00:05.000Z');
  // Orders and payments are still arriving: not "synced".
  expect(lastSyncedAt(store)).toBeNull();
  store.cache.markSynced('orders', '2026-11-01T09:01:00.000Z');
  expect(lastSyncedAt(store)).toBeNull();
  store.cache.markSynced('scheduledPayments', '2026-11-01T09:01:30.000Z');
  expect(lastSyncedAt(store)).toBe('2026-11-01T09:00:03.000Z');
  // A later pull of products moves "synced at" to the next-oldest collection.
  store.cache.markSynced('products', '2026-11-01T10:00:00.000Z');
  expect(lastSyncedAt(store)).toBe('2026-11-01T09:00:05.000Z');
});

it('moves forward when the newest records are checked, never during a first or interrupted read', () => {
  // Before any full read completed, a lighter check says nothing about being synced.
  const fresh = openStore({ file: join(dir, 'fresh.db'), encryptionKey: 'b'.repeat(64) });
  try {
    fresh.cache.markChecked('orders', '2026-11-01T09:00:00.000Z');
    expect(fresh.cache.syncState('orders').syncedAt).toBeNull();
  } finally {
    fresh.close();
  }
  // After the full read: checking the head moves "synced at" on (the tiered sync's steady state).
  store.cache.markChecked('orders', '2026-11-02T08:00:00.000Z');
  expect(store.cache.syncState('orders').syncedAt).toBe('2026-11-02T08:00:00.000Z');
  // A reconciliation interrupted at page 40: its resume point survives a head check, and "synced
  // at" stays where the last complete read left it.
  store.cache.saveSyncProgress('customers', { nextPage: 40 });
  store.cache.markChecked('customers', '2026-11-02T08:00:00.000Z');
  expect(store.cache.syncState('customers')).toMatchObject({ nextPage: 40, syncedAt: '2026-11-01T09:00:05.000Z' });
});
