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
