/**
 * One profile's local store: the encrypted cache, its outbox and its sync history, in one libSQL
 * file. Everything here is synchronous and runs on the main process's thread; every method is
 * usable inside `transaction()`, which is how an outbox change and its cache change stay atomic.
 */
import { dashboardSummary, type DashboardSummary } from './summary.ts';
import { DeskError } from '../../common/errors.ts';
import { Cache, type InvalidRow } from './cache.ts';
import type { Collection } from './collections.ts';
import { openConnection, str, type Connection } from './database.ts';
import { migrate, schemaVersion } from './migrations.ts';
import { Outbox, type OpenRecovery } from './outbox.ts';
import { SyncLog } from './sync-log.ts';

export interface StoreOptions {
  /** The profile's cache file; its folder must exist. */
  file: string;
  /** The profile's cache key from the keychain. */
  encryptionKey: string;
  /** The clock (tests pass a fixed one). */
  now?: () => Date;
  /** Told about stored rows that no longer parse (they are skipped, never crash a read). */
  onInvalidRow?: (row: InvalidRow) => void;
}

export interface TempIdRewrite {
  /** The collection the temp row was in, or null if no cached row had that id. */
  collection: Collection | null;
  /** Outbox entries whose target or payload now names the real id. */
  outboxEntries: number;
}

export class Store {
  readonly file: string;
  /** What opening found and repaired (entries a crash left `sending`, invalid stored entries). */
  readonly recovered: OpenRecovery;
  /** Cached BillPro rows, temp ids, sync state and search (cache.ts). */
  readonly cache: Cache;
  /** The queued changes and their states (outbox.ts). */
  readonly outbox: Outbox;
  /** One row per pull run, for Settings' sync history (sync-log.ts). */
  readonly syncLog: SyncLog;
  readonly #db: Connection;
  #closed = false;

  /** @internal use `openStore`. */
  constructor(file: string, db: Connection, now: () => Date, onInvalidRow: (row: InvalidRow) => void) {
    this.file = file;
    this.#db = db;
    this.cache = new Cache(db, now, onInvalidRow);
    this.outbox = new Outbox(db, this.cache, now);
    this.syncLog = new SyncLog(db, now);
    this.recovered = this.outbox.recover();
  }

  /** The product groups in the cache, for the Products screen's filter. */
  productGroups(): string[] {
    return this.#db
      .all(`SELECT DISTINCT product_group AS g FROM products WHERE product_group IS NOT NULL AND product_group <> '' ORDER BY g`)
      .map((row) => String(row.g));
  }

  /** The dashboard's figures (see summary.ts), read over a few turns of the event loop. */
  summary(now: Date, options: { months: number; days: number }): Promise<DashboardSummary> {
    return dashboardSummary(this.#db, now, options);
  }

  get schemaVersion(): number {
    return schemaVersion(this.#db);
  }

  /**
   * Runs `fn` atomically; nests (inner calls are savepoints). `fn` must be synchronous.
   * `durable: false`: see `Connection.transaction` (sync writes of BillPro's data only).
   */
  transaction<T>(fn: (store: Store) => T, options: { durable?: boolean } = {}): T {
    return this.#db.transaction(() => fn(this), options);
  }

  /**
   * BillPro created the entity born as `tempId` and gave it `realId`: the cached row, cached
   * references to it (an order's customer_id, a scheduled payment's order_id) and later outbox
   * entries (targets and payload references) all switch to the real id, in one transaction.
   */
  rewriteTempId(tempId: number, realId: number): TempIdRewrite {
    if (!Number.isInteger(tempId) || tempId >= 0)
      throw new DeskError('BAD_INPUT', `${tempId} is not a temp id.`);
    if (!Number.isInteger(realId) || realId <= 0)
      throw new DeskError('BAD_INPUT', `${realId} is not a BillPro id.`);
    return this.#db.transaction(() => {
      const collection = this.cache.rewriteRow(tempId, realId);
      const outboxEntries = this.outbox.rewriteTempId(tempId, realId);
      return { collection, outboxEntries };
    });
  }

  // ------------------------------------------------------------ file

  /** SQLite's own integrity check plus the full-text indexes'; `['ok']` when healthy. */
  checkIntegrity(): string[] {
    const problems = this.#db
      .all('PRAGMA integrity_check')
      .map((row) => str(row, 'integrity_check'))
      .filter((line) => line !== 'ok');
    for (const table of ['products', 'customers', 'orders']) {
      try {
        this.#db.exec(`INSERT INTO ${table}_fts(${table}_fts, rank) VALUES ('integrity-check', 1)`);
      } catch (error) {
        problems.push(`${table} search index: ${error instanceof Error ? error.message : String(error)}`);
      }
    }
    return problems.length ? problems : ['ok'];
  }

  get closed(): boolean {
    return this.#closed;
  }

  /** Folds the WAL into the main file and closes. Safe to call twice. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    try {
      this.#db.exec('PRAGMA wal_checkpoint(TRUNCATE)');
    } finally {
      this.#db.close();
    }
  }
}

/**
 * Opens (creating if needed) a profile's encrypted cache, migrates it to the current schema and
 * recovers what a crash left behind. Throws `StoreOpenError` (code `BAD_INPUT`, with a `reason`)
 * when the key is missing or rejected, the file is unreadable, or a newer app wrote it.
 */
export function openStore(options: StoreOptions): Store {
  const db = openConnection(options.file, options.encryptionKey);
  try {
    migrate(db);
    return new Store(options.file, db, options.now ?? (() => new Date()), options.onInvalidRow ?? (() => {}));
  } catch (error) {
    db.close();
    throw error;
  }
}
