/**
 * The outbox pusher: sends a profile's queued changes to BillPro one at a time, in order, and
 * never twice.
 *
 * - A transient failure that cannot have reached BillPro (refused connection, 429, a read) goes
 *   back to `pending` with exponential backoff and jitter.
 * - A failure after the request may have reached BillPro (timeout, reset, 5xx on a write) marks
 *   the entry `unknown`. Before anything is resent, the entity is looked up by its natural key
 *   (email for customers, invoice_id for orders) or its current state (manage actions): found
 *   means done, not found means send again.
 * - BillPro's "no" (422 and friends) waits for the person as `failed` or `conflict`, without
 *   blocking unrelated changes.
 * - A rejected token stops the pusher and keeps the queue until a new token is supplied.
 * Server answers are written into the cache in the same transaction that marks the entry done.
 */
import type { BillProClient } from '../billpro/client.ts';
import { changeOf, type Landed } from '../changes/index.ts';
import { DeskError, isDeskError, isTransient } from '../../common/errors.ts';
import type { Collection, OutboxEntry, Store } from '../store/index.ts';
import type { ConnectivityTracker } from './connectivity.ts';

export interface PusherOptions {
  store: Store;
  client: BillProClient;
  connectivity: ConnectivityTracker;
  /** The queue or some rows changed: tell the renderer. */
  onChanged: (collections: Collection[]) => void;
  backoffBaseMs?: number;
  backoffCapMs?: number;
  now?: () => Date;
}

export class Pusher {
  private loop: Promise<void> | null = null;
  private again = false;
  private wakeTimer: NodeJS.Timeout | null = null;
  private closed = false;
  private readonly settledWaiters = new Map<number, Set<() => void>>();
  private readonly now: () => Date;

  constructor(private readonly options: PusherOptions) {
    this.now = options.now ?? (() => new Date());
  }

  /** Start sending if not already; a kick during a run makes it look again when done. */
  kick(): Promise<void> {
    if (this.closed) return Promise.resolve();
    if (this.loop) {
      this.again = true;
      return this.loop;
    }
    this.loop = this.run().finally(() => {
      this.loop = null;
      if (this.again && !this.closed) {
        this.again = false;
        void this.kick();
      }
    });
    return this.loop;
  }

  /** Resolves once entry `seq` is no longer pending/sending (or after `timeoutMs`). */
  settled(seq: number, timeoutMs: number): Promise<void> {
    return new Promise((resolve) => {
      const entry = this.options.store.outbox.get(seq);
      if (!entry || (entry.state !== 'pending' && entry.state !== 'sending')) return resolve();
      let set = this.settledWaiters.get(seq);
      if (!set) this.settledWaiters.set(seq, (set = new Set()));
      const timer = setTimeout(done, timeoutMs);
      timer.unref();
      set.add(done);
      function done() {
        clearTimeout(timer);
        set!.delete(done);
        resolve();
      }
    });
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.wakeTimer) clearTimeout(this.wakeTimer);
    await this.loop?.catch(() => undefined);
    for (const set of this.settledWaiters.values()) for (const done of [...set]) done();
  }

  // ---------------------------------------------------------------- the loop

  private async run(): Promise<void> {
    const { store, connectivity } = this.options;
    if (this.wakeTimer) clearTimeout(this.wakeTimer);
    this.wakeTimer = null;
    // Only while BillPro is (or may be) reachable. Offline, the connectivity probe watches for its
    // return and kicks the pusher then; sending meanwhile (the wake timer would try every due
    // change in turn) only earns each queued change a longer backoff, so the queue would sit idle
    // for minutes after the connection came back.
    while (!this.closed && connectivity.online) {
      // An unknown outcome is settled before anything else of its row is sent.
      const unknown = store.outbox.list({ states: ['unknown'], limit: 1 })[0];
      const entry = unknown ?? store.outbox.nextReady(this.now());
      if (!entry) break;
      const keepGoing = entry.state === 'unknown' ? await this.resolveUnknown(entry) : await this.send(entry);
      this.notify(entry.seq);
      if (!keepGoing) break;
    }
    this.scheduleWake();
  }

  private scheduleWake(): void {
    if (this.closed) return;
    const at = this.options.store.outbox.nextWakeAt();
    if (!at) return;
    const delay = Math.max(0, new Date(at).getTime() - this.now().getTime());
    this.wakeTimer = setTimeout(() => void this.kick(), Math.min(delay, 2 ** 31 - 1));
    this.wakeTimer.unref();
  }

  private notify(seq: number): void {
    for (const done of [...(this.settledWaiters.get(seq) ?? [])]) done();
    this.settledWaiters.delete(seq);
  }

  /** Returns whether the loop should go on to the next entry. */
  private async send(entry: OutboxEntry): Promise<boolean> {
    const { store, connectivity } = this.options;
    store.outbox.markSending(entry.seq);
    this.options.onChanged([]);
    try {
      const answer = await this.perform(entry);
      connectivity.report(null);
      this.complete(entry, answer);
      return true;
    } catch (error) {
      connectivity.report(error);
      return this.handleFailure(entry, error);
    }
  }

  private handleFailure(entry: OutboxEntry, error: unknown): boolean {
    const { store } = this.options;
    if (!isDeskError(error)) {
      store.outbox.markFailed(entry.seq, new DeskError('SERVER', 'Desk could not send this change because of an internal error.'));
      this.options.onChanged([entry.targetCollection]);
      return true;
    }
    if (error.code === 'AUTH_INVALID' || error.code === 'PROFILE_REQUIRED' || error.code === 'FORBIDDEN') {
      // The profile's credentials are the problem, not this change: keep it for later.
      store.outbox.markPending(entry.seq);
      this.options.onChanged([]);
      return false;
    }
    if (isTransient(error.code)) {
      if (error.outcomeUnknown) {
        store.outbox.markUnknown(entry.seq, error);
      } else {
        const attempts = (store.outbox.get(entry.seq)?.attempts ?? 1) - 1;
        const wait = error.retryAfterMs ?? this.backoff(attempts);
        store.outbox.markFailed(entry.seq, error, { retryAt: new Date(this.now().getTime() + wait) });
      }
      this.options.onChanged([]);
      // Rate limits and one-off 5xx leave BillPro reachable; a network failure stops the run
      // until the connectivity probe sees BillPro again.
      return error.code === 'RATE_LIMITED' ? false : this.options.connectivity.online;
    }
    if (changeOf(entry.kind).refusalMayMeanLanded?.(error, entry)) {
      // An earlier send may have landed after all: treat as unknown so the lookup decides.
      store.outbox.markUnknown(entry.seq, error);
      return true;
    }
    if (error.code === 'CONFLICT') store.outbox.markConflict(entry.seq, error);
    else store.outbox.markFailed(entry.seq, error);
    this.options.onChanged([entry.targetCollection]);
    return true;
  }

  private backoff(attempt: number): number {
    const base = this.options.backoffBaseMs ?? 1_000;
    const cap = this.options.backoffCapMs ?? 5 * 60_000;
    const ceiling = Math.min(cap, base * 2 ** Math.min(attempt, 20));
    return Math.round(ceiling / 2 + Math.random() * (ceiling / 2));
  }

  // ---------------------------------------------------------------- sending one change

  /** Sends a change the way its kind says (core/changes/). */
  private async perform(entry: OutboxEntry): Promise<Landed> {
    return changeOf(entry.kind).send(this.options.client, entry);
  }

  /** Write BillPro's answer into the cache and mark the entry done, atomically. */
  private complete(entry: OutboxEntry, answer: Landed): void {
    const { store } = this.options;
    const collection = entry.targetCollection;
    store.transaction((tx) => {
      tx.outbox.markDone(entry.seq, { id: answer.id });
      if (entry.targetId < 0 && answer.id !== entry.targetId) tx.rewriteTempId(entry.targetId, answer.id);
      tx.cache.upsertMany(collection, [answer], { force: true });
    });
    this.options.onChanged([...changeOf(entry.kind).landedCollections]);
  }

  // ---------------------------------------------------------------- outcome unknown

  /** Look before resending, the way the change's kind looks. Returns whether the loop should go on. */
  private async resolveUnknown(entry: OutboxEntry): Promise<boolean> {
    const { store, client, connectivity } = this.options;
    const change = changeOf(entry.kind);
    try {
      const result = await change.lookup(client, store.cache, entry);
      connectivity.report(null);
      if ('cannotTell' in result) {
        store.outbox.markConflict(entry.seq, { code: 'CONFLICT', message: result.cannotTell });
        this.options.onChanged([entry.targetCollection]);
        return true;
      }
      if (result.landed) this.complete(entry, result.landed);
      else this.sendAgainLater(entry);
      this.options.onChanged([]);
      return true;
    } catch (error) {
      connectivity.report(error);
      // Could not look: stay unknown and try again when BillPro answers.
      return false;
    }
  }

  /**
   * The lookup proved the last send did not land: send it again after the backoff any failed send
   * earns. Sent again at once, a change BillPro fails every time (a 5xx on each try) would go
   * round send → fail → lookup with no pause, always first in line, and hold back every change
   * queued after it.
   */
  private sendAgainLater(entry: OutboxEntry): void {
    const wait = this.backoff(Math.max(0, entry.attempts - 1));
    const error = entry.lastError ?? {
      code: 'NETWORK' as const,
      message: 'BillPro did not confirm this change, so Desk will send it again.',
    };
    this.options.store.outbox.markFailed(entry.seq, error, { retryAt: new Date(this.now().getTime() + wait) });
  }
}
