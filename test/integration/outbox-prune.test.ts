/**
 * Activity does not keep finished changes forever: when a profile opens, changes that reached
 * BillPro or were discarded more than the keep period ago are forgotten, while recent ones and
 * every change still waiting or needing the person stay. Real Desk, real encrypted cache file,
 * real keychain, real sandbox on loopback.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { Desk } from '../../electron/core/desk.ts';
import { KeytarSecretStore, cacheKeyAccount } from '../../electron/core/secrets.ts';
import { openStore } from '../../electron/core/store/index.ts';
import { startSandbox, type RunningSandbox } from '../../electron/sandbox/server.ts';
import { caller } from '../support/sync-batch.ts';

const DAY = 24 * 60 * 60 * 1000;
const secrets = new KeytarSecretStore();
let sandbox: RunningSandbox;
let dataDir: string;

beforeAll(async () => {
  sandbox = await startSandbox({ seed: 5, products: 4, customers: 6, orders: 10, quiet: true, port: 0 });
  dataDir = mkdtempSync(path.join(os.tmpdir(), 'desk-prune-'));
});

afterAll(async () => {
  await sandbox.close();
  rmSync(dataDir, { recursive: true, force: true });
});

const open = () =>
  Desk.create({
    dataDir,
    secrets,
    mode: 'web',
    version: 'test',
    platform: process.platform,
    tuning: { requestTimeoutMs: 5_000, syncIntervalMs: 60_000, outboxKeepDays: 30 },
  });

it('forgets done and discarded changes older than 30 days when the profile opens, and keeps the rest', async () => {
  let desk = await open();
  const { id: profileId } = await caller(desk)('profiles.add', {
    name: 'Prune',
    environment: 'custom',
    baseUrl: sandbox.baseUrl,
    token: sandbox.tokens[0]!.token,
  });
  await caller(desk)('outbox.list', { profileId, limit: 10 }); // opens the profile: its cache and key
  await desk.close();

  // Entries written at their own times: 40 days ago and 2 days ago.
  const file = path.join(dataDir, 'profiles', profileId, 'cache.db');
  const key = (await secrets.get(cacheKeyAccount(profileId)))!;
  const writeAt = (daysAgo: number, write: (store: ReturnType<typeof openStore>) => void) => {
    const store = openStore({ file, encryptionKey: key, now: () => new Date(Date.now() - daysAgo * DAY) });
    try {
      write(store);
    } finally {
      store.close();
    }
  };
  const customer = { first_name: 'Old', last_name: 'Change', email: 'old.change@example.com' };
  const seqs: Record<string, number> = {};
  writeAt(40, (store) => {
    const done = store.outbox.enqueue({ kind: 'customer.update', payload: customer, targetId: 1 });
    store.outbox.markSending(done.seq);
    store.outbox.markDone(done.seq);
    seqs.oldDone = done.seq;
    const discarded = store.outbox.enqueue({ kind: 'order.resume', payload: {}, targetId: 2 });
    store.outbox.discard(discarded.seq);
    seqs.oldDiscarded = discarded.seq;
    const failed = store.outbox.enqueue({ kind: 'order.pause', payload: {}, targetId: 3 });
    store.outbox.markSending(failed.seq);
    store.outbox.markFailed(failed.seq, { code: 'VALIDATION', message: 'BillPro said no.' });
    seqs.oldFailed = failed.seq;
  });
  writeAt(2, (store) => {
    const done = store.outbox.enqueue({ kind: 'customer.update', payload: customer, targetId: 4 });
    store.outbox.markSending(done.seq);
    store.outbox.markDone(done.seq);
    seqs.recentDone = done.seq;
  });

  desk = await open();
  try {
    const { entries } = await caller(desk)('outbox.list', { profileId, limit: 500 });
    const kept = entries.map((e) => e.seq);
    expect(kept).not.toContain(seqs.oldDone);
    expect(kept).not.toContain(seqs.oldDiscarded);
    // A change BillPro refused waits for the person however old it is; a recent done one stays.
    expect(kept).toContain(seqs.oldFailed);
    expect(kept).toContain(seqs.recentDone);
  } finally {
    await desk.close();
  }
});
