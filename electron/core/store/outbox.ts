/**
 * The durable outbox: every mutation the person makes, written in the same transaction as its
 * optimistic change to the cache, then worked off one entry at a time by the pusher.
 *
 *   pending ──markSending──► sending ──markDone──────► done
 *      ▲                        │  ├──markFailed────► failed   ──retry──► pending
 *      │ markFailed(retryAt)    │  ├──markConflict──► conflict ──retry──► pending
 *      └────────────────────────┘  └──markUnknown───► unknown  (a lookup by natural key decides:
 *                                                       markDone, or markPending to send again)
 *   pending | unknown | failed | conflict ──discard──► discarded
 *
 * A crash while an entry is `sending` leaves it `unknown` on the next open, never `pending`: the
 * request may have reached BillPro, so it is looked up before being sent again.
 */
import { randomUUID } from 'node:crypto';
import { DeskError, type SerializedError } from '../../common/errors.ts';
import { fieldErrorsOf } from '../../common/issues.ts';
import type { Collection } from './collections.ts';
import { describeIssues, type Cache } from './cache.ts';
import { num, numOrNull, str, strOrNull, type Connection, type SqlRow } from './database.ts';
import {
  CHANGES,
  OUTBOX_KINDS,
  PAYLOAD_REF_PATHS,
  isCreate,
  isOutboxKind,
  naturalKeyOf,
  payloadRef,
  targetCollection,
  type OutboxKind,
  type OutboxPayloadInputMap,
  type OutboxPayloadMap,
} from '../changes/index.ts';

export const OUTBOX_STATES = [
  'pending',
  'sending',
  'unknown',
  'done',
  'failed',
  'conflict',
  'discarded',
] as const;
export type OutboxState = (typeof OUTBOX_STATES)[number];

/** States that still count as "not sent" for badges and per-target ordering. */
const OPEN_STATES = "('pending', 'sending', 'unknown', 'failed', 'conflict')";

export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

/** What went wrong last, as the person will read it. Never holds a token. */
/** What the outbox keeps of a failure: the one serialized error shape (common/errors.ts). */
export type OutboxError = SerializedError;

interface OutboxEntryOf<K extends OutboxKind> {
  /** Time-ordered (microseconds since the epoch, strictly increasing); the queue's order. */
  seq: number;
  /** A uuid; enqueueing the same id twice is refused, so a repeated request cannot double up. */
  id: string;
  kind: K;
  payload: OutboxPayloadMap[K];
  /** Email (customers) or invoice_id (orders) to look the entity up by when the outcome is unknown. */
  naturalKey: string | null;
  targetCollection: Collection;
  /** The row the change is about: a BillPro id, or a temp id (negative) until the create lands. */
  targetId: number;
  /** A temp or real id the payload refers to (an order's customer), or null. */
  refId: number | null;
  state: OutboxState;
  attempts: number;
  nextAttemptAt: string;
  lastError: OutboxError | null;
  result: JsonValue | null;
  createdAt: string;
  updatedAt: string;
}

export type OutboxEntry = { [K in OutboxKind]: OutboxEntryOf<K> }[OutboxKind];


export type NewOutboxEntry = {
  [K in OutboxKind]: {
    kind: K;
    payload: OutboxPayloadInputMap[K];
    /** For creates: a temp id from `newTempId()`, also used for the optimistic row. */
    targetId: number;
    id?: string;
    /** Defaults to the kind's natural key taken from the payload. */
    naturalKey?: string | null;
    nextAttemptAt?: Date | string;
  };
}[OutboxKind];

export interface OutboxListQuery {
  states?: readonly OutboxState[];
  targetCollection?: Collection;
  targetId?: number;
  limit?: number;
}

export type OutboxCounts = Record<OutboxState, number> & {
  /** pending + sending + unknown: will go out without the person doing anything. */
  waiting: number;
  /** failed + conflict: waiting for the person to edit, retry or discard. */
  needsAttention: number;
};

export interface OpenRecovery {
  /** Entries found `sending` after a crash, now `unknown`. */
  unknown: number;
  /** Stored entries whose payload no longer validates, now `failed`. */
  invalid: number;
}

export class Outbox {
  readonly #db: Connection;
  readonly #cache: Cache;
  readonly #now: () => Date;

  constructor(db: Connection, cache: Cache, now: () => Date) {
    this.#db = db;
    this.#cache = cache;
    this.#now = now;
  }

  /**
   * Writes `optimisticChange` and the entry in one transaction: if either fails, neither lands.
   * The change runs first, so it can create the row the entry targets.
   */
  enqueue(entry: NewOutboxEntry, optimisticChange?: () => void): OutboxEntry {
    const payload = parsePayload(entry.kind, entry.payload);
    const collection = targetCollection(entry.kind);
    if (!Number.isInteger(entry.targetId) || entry.targetId === 0) {
      throw new DeskError('BAD_INPUT', 'An outbox entry needs the id of the row it changes.');
    }
    if (isCreate(entry.kind) && entry.targetId > 0) {
      throw new DeskError('BAD_INPUT', 'A create must target a temp id from newTempId().');
    }
    const ref = payloadRef(entry.kind, payload);
    const id = entry.id ?? randomUUID();
    return this.#db.transaction(() => {
      optimisticChange?.();
      const now = this.#now();
      const seq = this.#nextSeq(now);
      const nextAttemptAt = entry.nextAttemptAt === undefined ? now.getTime() : toMillis(entry.nextAttemptAt);
      try {
        this.#db.run(
          `INSERT INTO outbox (seq, id, kind, payload, natural_key, target_collection, target_id, ref_collection,
             ref_id, state, attempts, next_attempt_at, created_at, updated_at)
           VALUES (:seq, :id, :kind, :payload, :natural_key, :target_collection, :target_id, :ref_collection,
             :ref_id, 'pending', 0, :next_attempt_at, :now, :now)`,
          {
            seq,
            id,
            kind: entry.kind,
            payload: JSON.stringify(payload),
            natural_key:
              entry.naturalKey === undefined ? naturalKeyOf(entry.kind, payload) : entry.naturalKey,
            target_collection: collection,
            target_id: entry.targetId,
            ref_collection: ref?.collection ?? null,
            ref_id: ref?.id ?? null,
            next_attempt_at: nextAttemptAt,
            now: now.toISOString(),
          },
        );
      } catch (error) {
        if (this.#db.get('SELECT 1 AS x FROM outbox WHERE id = :id', { id })) {
          throw new DeskError(
            'CONFLICT',
            'This change was already queued (same id); it was not queued twice.',
            {
              cause: error,
            },
          );
        }
        throw error;
      }
      this.#cache.adjustPending(collection, entry.targetId, 1);
      return this.#require(seq);
    });
  }

  /**
   * The oldest `pending` entry due by `now` that nothing earlier holds back: an entry waits while
   * an earlier entry for the same row (or for the row its payload refers to) is not done or
   * discarded. Entries whose stored payload no longer validates are moved to `failed` on the way.
   */
  nextReady(now: Date = this.#now()): OutboxEntry | null {
    for (;;) {
      const row = this.#db.get(
        `SELECT * FROM outbox o
         WHERE o.state = 'pending' AND o.next_attempt_at <= :now
           AND NOT EXISTS (
             SELECT 1 FROM outbox p
             WHERE p.seq < o.seq AND p.state IN ${OPEN_STATES}
               AND ((p.target_collection = o.target_collection AND p.target_id = o.target_id)
                 OR (o.ref_id IS NOT NULL AND p.target_collection = o.ref_collection AND p.target_id = o.ref_id)))
         ORDER BY o.seq LIMIT 1`,
        { now: now.getTime() },
      );
      if (!row) return null;
      const entry = readEntry(row);
      if (!('invalid' in entry)) return entry;
      this.#invalidate(entry.seq, entry.invalid);
    }
  }

  /** When the earliest pending entry becomes due (ISO 8601), for the pusher's timer; null if none. */
  nextWakeAt(): string | null {
    const row = this.#db.get(`SELECT min(next_attempt_at) AS at FROM outbox WHERE state = 'pending'`);
    const at = row ? numOrNull(row, 'at') : null;
    return at === null ? null : new Date(at).toISOString();
  }

  get(seq: number): OutboxEntry | undefined {
    const row = this.#db.get('SELECT * FROM outbox WHERE seq = :seq', { seq });
    if (!row) return undefined;
    const entry = readEntry(row);
    return 'invalid' in entry ? undefined : entry;
  }

  markSending(seq: number): OutboxEntry {
    return this.#transition(seq, ['pending'], 'sending', { attempts: 'attempts + 1' });
  }

  /** The request may have reached BillPro; resolve with a lookup before any resend. */
  markUnknown(seq: number, error: OutboxError | DeskError): OutboxEntry {
    return this.#transition(seq, ['sending'], 'unknown', { error });
  }

  markDone(seq: number, result?: JsonValue): OutboxEntry {
    return this.#transition(seq, ['sending', 'unknown'], 'done', { result: result ?? null, error: null });
  }

  /**
   * With `retryAt` (a transient failure: network, 5xx, rate limit) the entry goes back to
   * `pending` and waits until then; without it the entry is `failed` and waits for the person.
   */
  markFailed(
    seq: number,
    error: OutboxError | DeskError,
    options: { retryAt?: Date | string } = {},
  ): OutboxEntry {
    if (options.retryAt !== undefined) {
      return this.#transition(seq, ['pending', 'sending', 'unknown'], 'pending', {
        error,
        nextAttemptAt: toMillis(options.retryAt),
      });
    }
    return this.#transition(seq, ['pending', 'sending', 'unknown'], 'failed', { error });
  }

  /** BillPro's state disagrees with the change (e.g. the order is already cancelled). */
  markConflict(seq: number, error: OutboxError | DeskError): OutboxEntry {
    return this.#transition(seq, ['pending', 'sending', 'unknown'], 'conflict', { error });
  }

  /** A lookup proved an `unknown` send did not land (or a `sending` one never left): send again. */
  markPending(seq: number): OutboxEntry {
    return this.#transition(seq, ['sending', 'unknown'], 'pending', { nextAttemptAt: this.#now().getTime() });
  }

  /** The person's retry of a failed or conflicting change, optionally with an edited payload. */
  retry(seq: number, edit: { payload?: unknown } = {}): OutboxEntry {
    return this.#db.transaction(() => {
      if (edit.payload !== undefined) {
        const entry = this.#require(seq);
        const payload = parsePayload(entry.kind, edit.payload);
        const ref = payloadRef(entry.kind, payload);
        this.#db.run(
          `UPDATE outbox SET payload = :payload, natural_key = :natural_key, ref_collection = :ref_collection,
             ref_id = :ref_id WHERE seq = :seq AND state IN ('failed', 'conflict')`,
          {
            seq,
            payload: JSON.stringify(payload),
            natural_key: naturalKeyOf(entry.kind, payload),
            ref_collection: ref?.collection ?? null,
            ref_id: ref?.id ?? null,
          },
        );
      }
      return this.#transition(seq, ['failed', 'conflict'], 'pending', {
        error: null,
        nextAttemptAt: this.#now().getTime(),
      });
    });
  }

  /**
   * The person gives up on a change. Nothing is reverted silently: a row created offline is
   * deleted (it never existed at BillPro), and entries that build on it become `failed` with a
   * message saying why; a BillPro row keeps the optimistic change but is marked stale, so the
   * next sync (or `listStale()`) fetches BillPro's version over it.
   */
  discard(seq: number): OutboxEntry {
    return this.#db.transaction(() => {
      const entry = this.#transition(seq, ['pending', 'unknown', 'failed', 'conflict'], 'discarded', {});
      if (isCreate(entry.kind) && entry.targetId < 0) {
        this.#cache.removeTemp(entry.targetCollection, entry.targetId);
        const dependents = this.#db.all(
          `SELECT seq FROM outbox WHERE seq <> :seq AND state IN ('pending', 'unknown')
             AND (target_id = :temp OR ref_id = :temp)`,
          { seq, temp: entry.targetId },
        );
        const what = entry.kind === 'customer.create' ? 'customer' : 'order';
        for (const dependent of dependents) {
          this.#transition(num(dependent, 'seq'), ['pending', 'unknown'], 'failed', {
            error: {
              code: 'BAD_INPUT',
              message: `The new ${what} this change refers to was discarded before it reached BillPro. Discard this change too, or edit it to use another ${what}.`,
            },
          });
        }
      }
      return this.#require(seq);
    });
  }

  list(query: OutboxListQuery = {}): OutboxEntry[] {
    const clauses: string[] = [];
    const params: Record<string, string | number> = {};
    if (query.states) {
      const states = query.states.filter((s) => (OUTBOX_STATES as readonly string[]).includes(s));
      if (states.length === 0) return [];
      clauses.push(`state IN (${states.map((s, i) => ((params[`s${i}`] = s), `:s${i}`)).join(', ')})`);
    }
    if (query.targetCollection !== undefined) {
      clauses.push('target_collection = :collection');
      params.collection = query.targetCollection;
    }
    if (query.targetId !== undefined) {
      clauses.push('target_id = :target');
      params.target = query.targetId;
    }
    params.limit = Math.max(1, Math.min(10_000, Math.floor(query.limit ?? 1000)));
    const where = clauses.length ? `WHERE ${clauses.join(' AND ')}` : '';
    const entries: OutboxEntry[] = [];
    for (const row of this.#db.all(`SELECT * FROM outbox ${where} ORDER BY seq LIMIT :limit`, params)) {
      const entry = readEntry(row);
      if (!('invalid' in entry)) entries.push(entry);
    }
    return entries;
  }

  counts(): OutboxCounts {
    const counts = Object.fromEntries(OUTBOX_STATES.map((s) => [s, 0])) as Record<OutboxState, number>;
    for (const row of this.#db.all('SELECT state, count(*) AS n FROM outbox GROUP BY state')) {
      const state = str(row, 'state') as OutboxState;
      if (state in counts) counts[state] = num(row, 'n');
    }
    return {
      ...counts,
      waiting: counts.pending + counts.sending + counts.unknown,
      needsAttention: counts.failed + counts.conflict,
    };
  }

  /** Forgets done and discarded entries last touched before `before` (ISO 8601). */
  prune(before: string): number {
    return this.#db.run(`DELETE FROM outbox WHERE state IN ('done', 'discarded') AND updated_at < :before`, {
      before: new Date(before).toISOString(),
    }).changes;
  }

  /** Points outbox targets and payload references at the real id (part of `rewriteTempId`). */
  rewriteTempId(tempId: number, realId: number): number {
    let changed = this.#db.run(`UPDATE outbox SET target_id = :real WHERE target_id = :temp`, {
      temp: tempId,
      real: realId,
    }).changes;
    for (const kind of OUTBOX_KINDS) {
      const path = PAYLOAD_REF_PATHS[kind];
      if (!path) continue;
      changed += this.#db.run(
        `UPDATE outbox SET payload = json_set(payload, :path, :real), ref_id = :real
         WHERE ref_id = :temp AND kind = :kind`,
        { temp: tempId, real: realId, kind, path },
      ).changes;
    }
    return changed;
  }

  /** On open: finish what a crash interrupted, and re-validate what is stored. */
  recover(): OpenRecovery {
    return this.#db.transaction(() => {
      const now = this.#now().toISOString();
      const unknown = this.#db.run(
        `UPDATE outbox SET state = 'unknown', last_error = :error, updated_at = :now WHERE state = 'sending'`,
        {
          now,
          error: JSON.stringify({
            code: 'NETWORK',
            message:
              'BillPro Desk closed while this change was being sent. It will check whether BillPro received it before sending it again.',
          } satisfies OutboxError),
        },
      ).changes;
      let invalid = 0;
      for (const row of this.#db.all(
        `SELECT * FROM outbox WHERE state IN ${OPEN_STATES} AND state <> 'failed'`,
      )) {
        const entry = readEntry(row);
        if ('invalid' in entry) {
          this.#invalidate(entry.seq, entry.invalid);
          invalid++;
        }
      }
      this.#cache.recountPending();
      return { unknown, invalid };
    });
  }

  // ------------------------------------------------------------ helpers

  #nextSeq(now: Date): number {
    const row = this.#db.get('SELECT max(seq) AS seq FROM outbox');
    const last = row ? (numOrNull(row, 'seq') ?? 0) : 0;
    return Math.max(now.getTime() * 1000, last + 1);
  }

  #require(seq: number): OutboxEntry {
    const row = this.#db.get('SELECT * FROM outbox WHERE seq = :seq', { seq });
    if (!row)
      throw new DeskError('NOT_FOUND', `Outbox entry ${seq} does not exist (it may have been pruned).`);
    const entry = readEntry(row);
    if ('invalid' in entry) {
      throw new DeskError('BAD_INPUT', `Outbox entry ${seq} is no longer valid: ${entry.invalid}`);
    }
    return entry;
  }

  #invalidate(seq: number, issues: string): void {
    this.#db.run(
      `UPDATE outbox SET state = 'failed', last_error = :error, updated_at = :now WHERE seq = :seq`,
      {
        seq,
        now: this.#now().toISOString(),
        error: JSON.stringify({
          code: 'BAD_INPUT',
          message: `This stored change can no longer be sent as it is (${issues}). Edit and retry it, or discard it.`,
        } satisfies OutboxError),
      },
    );
  }

  #transition(
    seq: number,
    from: readonly OutboxState[],
    to: OutboxState,
    change: {
      attempts?: 'attempts + 1';
      error?: OutboxError | DeskError | null;
      result?: JsonValue | null;
      nextAttemptAt?: number;
    },
  ): OutboxEntry {
    return this.#db.transaction(() => {
      const row = this.#db.get('SELECT state, target_collection, target_id FROM outbox WHERE seq = :seq', {
        seq,
      });
      if (!row)
        throw new DeskError('NOT_FOUND', `Outbox entry ${seq} does not exist (it may have been pruned).`);
      const state = str(row, 'state') as OutboxState;
      if (!from.includes(state)) {
        throw new DeskError('CONFLICT', `This change is ${state}; it cannot become ${to} from there.`);
      }
      const sets = ['state = :to', 'updated_at = :now'];
      const params: Record<string, string | number | null> = { seq, to, now: this.#now().toISOString() };
      if (change.attempts) sets.push('attempts = attempts + 1');
      if (change.error !== undefined) {
        sets.push('last_error = :error');
        params.error = change.error === null ? null : JSON.stringify(toOutboxError(change.error));
      }
      if (change.result !== undefined) {
        sets.push('result = :result');
        params.result = change.result === null ? null : JSON.stringify(change.result);
      }
      if (change.nextAttemptAt !== undefined) {
        sets.push('next_attempt_at = :next');
        params.next = change.nextAttemptAt;
      }
      this.#db.run(`UPDATE outbox SET ${sets.join(', ')} WHERE seq = :seq`, params);
      const closes = to === 'done' || to === 'discarded';
      if (closes) {
        const collection = str(row, 'target_collection') as Collection;
        const target = num(row, 'target_id');
        this.#cache.adjustPending(collection, target, -1);
        // The optimistic copy is no longer backed by a waiting change: fetch BillPro's version.
        this.#cache.markStale(collection, target);
      }
      return this.#require(seq);
    });
  }
}

function parsePayload<K extends OutboxKind>(kind: K, payload: unknown): OutboxPayloadMap[K] {
  if (!isOutboxKind(kind)) throw new DeskError('BAD_INPUT', `Unknown kind of change: ${String(kind)}.`);
  const result = CHANGES[kind].payload.safeParse(payload);
  if (!result.success) {
    const fields = fieldErrorsOf(result.error.issues);
    throw new DeskError(
      'BAD_INPUT',
      `This ${kind} change is not valid: ${describeIssues(result.error.issues)}`,
      {
        fields,
      },
    );
  }
  return result.data as OutboxPayloadMap[K];
}

function toOutboxError(error: OutboxError | DeskError): OutboxError {
  return {
    code: error.code,
    message: error.message,
    ...(error.fields ? { fields: error.fields } : {}),
  };
}

function toMillis(value: Date | string): number {
  const time = value instanceof Date ? value.getTime() : Date.parse(value);
  if (Number.isNaN(time)) throw new DeskError('BAD_INPUT', `Not a date and time: ${String(value)}.`);
  return time;
}

function readEntry(row: SqlRow): OutboxEntry | { seq: number; invalid: string } {
  const seq = num(row, 'seq');
  const kind = str(row, 'kind');
  if (!isOutboxKind(kind)) return { seq, invalid: `unknown kind ${kind}` };
  let raw: unknown;
  try {
    raw = JSON.parse(str(row, 'payload'));
  } catch {
    return { seq, invalid: 'stored payload is unreadable' };
  }
  const parsed = CHANGES[kind].payload.safeParse(raw);
  if (!parsed.success) return { seq, invalid: describeIssues(parsed.error.issues) };
  const lastError = strOrNull(row, 'last_error');
  const result = strOrNull(row, 'result');
  return {
    seq,
    id: str(row, 'id'),
    kind,
    payload: parsed.data,
    naturalKey: strOrNull(row, 'natural_key'),
    targetCollection: str(row, 'target_collection') as Collection,
    targetId: num(row, 'target_id'),
    refId: numOrNull(row, 'ref_id'),
    state: str(row, 'state') as OutboxState,
    attempts: num(row, 'attempts'),
    nextAttemptAt: new Date(num(row, 'next_attempt_at')).toISOString(),
    lastError: lastError === null ? null : (JSON.parse(lastError) as OutboxError),
    result: result === null ? null : (JSON.parse(result) as JsonValue),
    createdAt: str(row, 'created_at'),
    updatedAt: str(row, 'updated_at'),
  } as OutboxEntry;
}
