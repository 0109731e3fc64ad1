/**
 * One profile at work: its BillPro client, its encrypted cache and outbox, and the sync that
 * keeps them in step (DESIGN.md "Flows"). This file opens and closes a session and wires its
 * parts; each part is a file of its own under `session/`:
 *
 * - `reads`: answers from the cache at once, fresher rows in the background (reads.ts);
 * - `writes`: a change and its optimistic row in one transaction, then out to BillPro (writes.ts);
 * - `outbox`: Activity's list, retry and discard (outbox-actions.ts);
 * - `sync`: when to pull, one pull at a time, status and history (sync.ts);
 * - events and row shapes are shared (events.ts, rows.ts);
 * - records Desk could not read, and the compatibility check (read-problems.ts).
 */
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, rename, rm } from 'node:fs/promises';
import path from 'node:path';
import { BillProClient, type BillProConnection } from './billpro/index.ts';
import { cacheKeyAccount, type SecretStore } from './secrets.ts';
import { openStore, type Store } from './store/index.ts';
import type { AttemptReport } from './billpro/transport.ts';
import { RequestBudget } from './sync/budget.ts';
import { ConnectivityTracker } from './sync/connectivity.ts';
import { Pusher } from './sync/pusher.ts';
import { BackgroundRefresh, type SessionContext, type SessionTuning } from './session/context.ts';
import { SessionEvents, type Emit } from './session/events.ts';
import { SessionOutbox } from './session/outbox-actions.ts';
import { SessionReadProblems } from './session/read-problems.ts';
import { SessionReads } from './session/reads.ts';
import { SessionSync } from './session/sync.ts';
import { SessionWrites } from './session/writes.ts';

export type { SessionTuning } from './session/context.ts';

export interface SessionOptions {
  profileId: string;
  connection: BillProConnection;
  dataDir: string;
  secrets: SecretStore;
  emit: Emit;
  tuning: SessionTuning;
}

export function profileFolder(dataDir: string, profileId: string): string {
  return path.join(dataDir, 'profiles', profileId);
}

export class ProfileSession {
  readonly reads: SessionReads;
  readonly writes: SessionWrites;
  readonly outbox: SessionOutbox;
  readonly sync: SessionSync;
  readonly readProblems = new SessionReadProblems();
  private readonly ctx: SessionContext;
  private readonly connection: BillProConnection;
  private readonly pusher: Pusher;
  private closed = false;

  private constructor(options: SessionOptions, store: Store) {
    const { tuning, profileId } = options;
    this.connection = options.connection;
    // Every attempt feeds the request budget and tells the sync BillPro answered (see session/sync.ts).
    const budget = new RequestBudget(tuning.requestsPerMinute ? { perMinute: tuning.requestsPerMinute } : {});
    const onAttempt = (attempt: AttemptReport) => this.sync.noteAttempt(attempt);
    const onReadProblem = (problem: Parameters<SessionReadProblems['record']>[0]) => this.readProblems.record(problem);
    const client = new BillProClient(options.connection, {
      timeoutMs: tuning.requestTimeoutMs ?? 15_000,
      onAttempt,
      onReadProblem,
    });
    // Probes: one attempt and a short timeout, so "not answering" shows within 15 s.
    const probeClient = new BillProClient(options.connection, {
      timeoutMs: tuning.probeTimeoutMs ?? 3_000,
      maxAttempts: 1,
      onAttempt,
      onReadProblem,
    });
    const events = new SessionEvents(profileId, store, options.emit);
    const connectivity = new ConnectivityTracker(
      (state, detail) => {
        events.emit('connectivity', { profileId, state, detail });
        if (state === 'online') {
          void this.pusher.kick();
          this.sync.onOnline();
        }
      },
      async () => {
        await probeClient.listProducts(1);
      },
      tuning.probeIntervalMs ?? 3_000,
    );
    const background = new BackgroundRefresh(connectivity, events);
    this.ctx = { profileId, store, client, connectivity, events, background, tuning };
    this.pusher = new Pusher({
      store,
      client,
      connectivity,
      onChanged: (collections) => {
        events.outbox();
        if (collections.length) events.data(collections);
      },
    });
    this.reads = new SessionReads(this.ctx);
    this.writes = new SessionWrites(this.ctx, this.pusher);
    this.outbox = new SessionOutbox(this.ctx, this.pusher);
    this.sync = new SessionSync(this.ctx, this.pusher, {
      budget,
      probeClient,
      folder: profileFolder(options.dataDir, profileId),
    });
  }

  static async open(options: SessionOptions): Promise<ProfileSession> {
    const folder = profileFolder(options.dataDir, options.profileId);
    await mkdir(folder, { recursive: true, mode: 0o700 });
    const file = path.join(folder, 'cache.db');
    const account = cacheKeyAccount(options.profileId);
    let key = await options.secrets.get(account);
    if (!key) {
      if (existsSync(file)) {
        // The key is gone (keychain reset): the old cache cannot be read. Keep it aside, start over.
        await rename(file, `${file}.no-key-${Date.now()}`);
      }
      key = randomBytes(32).toString('hex');
      await options.secrets.set(account, key);
    }
    const store = openStore({ file, encryptionKey: key });
    const session = new ProfileSession(options, store);
    session.outbox.startPruning();
    session.ctx.events.outbox();
    session.ctx.events.emit('connectivity', { profileId: options.profileId, state: 'unknown', detail: null });
    void session.pusher.kick();
    session.sync.start();
    return session;
  }

  /** Settings → Check compatibility: read-only calls, each assumption judged. */
  checkCompatibility() {
    return this.readProblems.check(this.connection, this.ctx.store, this.ctx.tuning.requestTimeoutMs ?? 15_000);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.ctx.background.close();
    this.outbox.close();
    this.ctx.connectivity.close();
    await this.sync.close();
    await this.pusher.close();
    this.ctx.store.close();
  }

  static async destroyLocalData(dataDir: string, profileId: string, session: ProfileSession | null): Promise<void> {
    await session?.close();
    await rm(profileFolder(dataDir, profileId), { recursive: true, force: true });
  }
}
