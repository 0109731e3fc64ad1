/**
 * Activity does not keep finished changes forever: when a profile opens, changes that reached
 * BillPro or were discarded more than the keep period ago are forgotten, while recent ones and
 * every change still waiting or needing the person stay. Real Desk, real encrypted cache file,
 * real keychain, real sandbox on loopback.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, expect, it, vi } from 'vitest';
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
    // The periodic pull stays out of the way of the simulated day below.
    tuning: { requestTimeoutMs: 5_000, syncIntervalMs: 3 * DAY, outboxKeepDays: 30 },
  });

/** Writes outbox entries into a profile's cache file as if it were `daysAgo` days ago. */
async function writeAt(profileId: string, daysAgo: number, write: (store: ReturnType<typeof openStore>) => void): Promise<void> {
  const file = path.join(dataDir, 'profiles', profileId, 'cache.db');
  const key = (await secrets.get(cacheKeyAccount(profileId)))!;
  const store = openStore({ file, encryptionKey: key, now: () => new Date(Date.now() - daysAgo * DAY) });
  try {
    write(store);
  } finally {
    store.close();
  }
}

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
  const customer = { first_name: 'Old', last_name: 'Change', email: 'old.change@example.com' };
  const seqs: Record<string, number> = {};
  await writeAt(profileId, 40, (store) => {
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
  await writeAt(profileId, 2, (store) => {
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

it('prunes again once a day while the profile stays open', async () => {
  vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] });
  const desk = await open();
  try {
    const call = caller(desk);
    const { profiles } = await call('profiles.list', {});
    const profileId = profiles[0]!.id;
    await call('outbox.list', { profileId, limit: 10 }); // the session is open, its first prune done
    // A change finished 31 days ago appears while the app stays open (written beside the open session).
    let seq = 0;
    await writeAt(profileId, 31, (store) => {
      const done = store.outbox.enqueue({ kind: 'customer.update', payload: { first_name: 'A', last_name: 'B', email: 'a.b@example.com' }, targetId: 5 });
      store.outbox.markSending(done.seq);
      store.outbox.markDone(done.seq);
      seq = done.seq;
    });
    expect((await call('outbox.list', { profileId, limit: 500 })).entries.map((e) => e.seq)).toContain(seq);
    vi.advanceTimersByTime(DAY);
    expect((await call('outbox.list', { profileId, limit: 500 })).entries.map((e) => e.seq)).not.toContain(seq);
  } finally {
    await desk.close();
    vi.useRealTimers();
  }
});
