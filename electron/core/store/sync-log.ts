/**
 * A record of every pull: what was fetched, when, and how it ended. Its ids also number the sync
 * runs that `removeMissing` compares against.
 */
import type { DeskError } from '../../common/errors.ts';
import type { Collection } from './collections.ts';
import { num, numOrNull, str, strOrNull, type Connection } from './database.ts';
import type { OutboxError } from './outbox.ts';

export interface SyncHistoryEntry {
  id: number;
  collection: Collection;
  /** A full pull (from page 1 to the end) rather than a refresh of some rows. */
  full: boolean;
  startedAt: string;
  finishedAt: string | null;
  pages: number;
  rows: number;
  error: OutboxError | null;
}

const KEEP = 500;

export class SyncLog {
  readonly #db: Connection;
  readonly #now: () => Date;

  constructor(db: Connection, now: () => Date) {
    this.#db = db;
    this.#now = now;
  }

  /** Starts a sync run and returns its id (pass it to `upsertMany` and `removeMissing`). */
  recordSync(start: { collection: Collection; full?: boolean; startedAt?: string }): number {
    return this.#db.transaction(() => {
      const id = this.#db.run(
        `INSERT INTO sync_history (collection, full, started_at) VALUES (:collection, :full, :started_at)`,
        {
          collection: start.collection,
          full: start.full ? 1 : 0,
          started_at: start.startedAt ?? this.#now().toISOString(),
        },
      ).lastInsertRowid;
      this.#db.run(`DELETE FROM sync_history WHERE id <= :id - ${KEEP}`, { id });
      return id;
    });
  }

  finishSync(
    id: number,
    outcome: { pages: number; rows: number; error?: OutboxError | DeskError | null; finishedAt?: string },
  ): void {
    const error = outcome.error
      ? JSON.stringify({
          code: outcome.error.code,
          message: outcome.error.message,
          ...(outcome.error.fields ? { fields: outcome.error.fields } : {}),
        })
      : null;
    this.#db.run(
      `UPDATE sync_history SET finished_at = :finished_at, page_count = :pages, row_count = :rows, error = :error WHERE id = :id`,
      {
        id,
        finished_at: outcome.finishedAt ?? this.#now().toISOString(),
        pages: outcome.pages,
        rows: outcome.rows,
        error,
      },
    );
  }

  /** Newest first. */
  listSyncHistory(limit = 50): SyncHistoryEntry[] {
    return this.#db
      .all('SELECT * FROM sync_history ORDER BY id DESC LIMIT :limit', {
        limit: Math.max(1, Math.min(KEEP, Math.floor(limit))),
      })
      .map((row) => {
        const error = strOrNull(row, 'error');
        return {
          id: num(row, 'id'),
          collection: str(row, 'collection') as Collection,
          full: num(row, 'full') === 1,
          startedAt: str(row, 'started_at'),
          finishedAt: strOrNull(row, 'finished_at'),
          pages: numOrNull(row, 'page_count') ?? 0,
          rows: numOrNull(row, 'row_count') ?? 0,
          error: error === null ? null : (JSON.parse(error) as OutboxError),
        };
      });
  }
}
