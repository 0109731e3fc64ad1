/**
 * The libSQL connection under one profile's cache: opening with the profile's key, the pragmas
 * that make the outbox durable, and a transaction helper that nests.
 *
 * libSQL's own `transaction()` cannot nest (it issues a plain BEGIN), and the outbox needs to
 * nest: `enqueue` runs its optimistic change inside its own transaction, and the pusher wraps
 * `markDone` + `rewriteTempId` + the server's answer in one. Nested calls use SAVEPOINTs.
 */
import Database from 'libsql';
import path from 'node:path';
import { DeskError } from '../../common/errors.ts';
import { ensurePrivateFile, PRIVATE_DIR_MODE, tightenIfExists } from '../data-dir.ts';
import { protectSecret } from '../log.ts';

export type SqlValue = string | number | bigint | null;
export type SqlParams = Record<string, SqlValue>;
export type SqlRow = Record<string, unknown>;

/** Why a cache could not be opened; the Desk decides what to offer the person for each. */
export type StoreOpenFailure = 'MISSING_KEY' | 'KEY_REJECTED' | 'UNREADABLE' | 'NEWER_VERSION';

/**
 * A cache that cannot be opened. Code `BAD_INPUT` (the key or the file given to the store is not
 * usable) with a `reason` the Desk can branch on: a rejected key and a damaged file look the
 * same to SQLite, so both read `KEY_REJECTED` and the message says so.
 */
export class StoreOpenError extends DeskError {
  readonly reason: StoreOpenFailure;
  constructor(reason: StoreOpenFailure, message: string, cause?: unknown) {
    super('BAD_INPUT', message, cause === undefined ? {} : { cause });
    this.name = 'StoreOpenError';
    this.reason = reason;
  }
}

interface SqliteLikeError {
  code?: unknown;
  message?: unknown;
}

export function sqliteCode(error: unknown): string | undefined {
  if (typeof error === 'object' && error !== null) {
    const code = (error as SqliteLikeError).code;
    return typeof code === 'string' ? code : undefined;
  }
  return undefined;
}

const MAX_CACHED_STATEMENTS = 256;

/** A thin typed face over libSQL: named parameters only, rows as plain records. */
export class Connection {
  readonly #db: Database.Database;
  readonly #statements = new Map<string, Database.Statement>();
  #depth = 0;
  #closed = false;
  #savepoints = 0;

  constructor(db: Database.Database) {
    this.#db = db;
  }

  #statement(sql: string): Database.Statement {
    this.#ensureOpen();
    let statement = this.#statements.get(sql);
    if (!statement) {
      // Filters make SQL vary with the number of values; keep the cache bounded.
      if (this.#statements.size >= MAX_CACHED_STATEMENTS) {
        const oldest = this.#statements.keys().next().value;
        if (oldest !== undefined) this.#statements.delete(oldest);
      }
      statement = this.#db.prepare(sql);
      this.#statements.set(sql, statement);
    }
    return statement;
  }

  run(sql: string, params: SqlParams = {}): { changes: number; lastInsertRowid: number } {
    const result = this.#statement(sql).run(params);
    return { changes: result.changes, lastInsertRowid: Number(result.lastInsertRowid) };
  }

  get(sql: string, params: SqlParams = {}): SqlRow | undefined {
    const row: unknown = this.#statement(sql).get(params);
    return typeof row === 'object' && row !== null ? (row as SqlRow) : undefined;
  }

  all(sql: string, params: SqlParams = {}): SqlRow[] {
    return this.#statement(sql).all(params) as SqlRow[];
  }

  exec(sql: string): void {
    this.#ensureOpen();
    this.#db.exec(sql);
  }

  get inTransaction(): boolean {
    return this.#depth > 0;
  }

  /**
   * Runs `fn` atomically. The outermost call takes the write lock up front (BEGIN IMMEDIATE) so
   * two writers never deadlock half-way; inner calls are savepoints, so an inner failure that the
   * caller catches undoes only the inner part.
   *
   * `durable: false` (outermost call only) commits without waiting for the disk
   * (synchronous=NORMAL for this one transaction): still atomic and safe from a crash or kill -9,
   * but a power cut may undo it. For copies of BillPro's data that a sync fetches again (with
   * their resume point in the same transaction); an fsync per commit blocks the event loop, on a
   * busy disk for hundreds of milliseconds. The outbox keeps the default.
   */
  transaction<T>(fn: () => T, options: { durable?: boolean } = {}): T {
    this.#ensureOpen();
    const outer = this.#depth === 0;
    const relaxed = outer && options.durable === false;
    if (relaxed) this.#db.exec('PRAGMA synchronous = NORMAL');
    try {
      return this.#transaction(fn, outer);
    } finally {
      if (relaxed) this.#db.exec('PRAGMA synchronous = FULL');
    }
  }

  #transaction<T>(fn: () => T, outer: boolean): T {
    const savepoint = outer ? '' : `sp_${++this.#savepoints}`;
    this.#db.exec(outer ? 'BEGIN IMMEDIATE' : `SAVEPOINT ${savepoint}`);
    this.#depth++;
    let result: T;
    try {
      result = fn();
      if (result instanceof Promise) {
        throw new DeskError(
          'BAD_INPUT',
          'A cache transaction must be synchronous; it was given an async function.',
        );
      }
    } catch (error) {
      this.#depth--;
      // SQLite may already have rolled back on its own (disk full, I/O error); the caller
      // needs the original error, not a complaint about a transaction that no longer exists.
      if (this.#db.inTransaction) {
        try {
          this.#db.exec(outer ? 'ROLLBACK' : `ROLLBACK TO ${savepoint}; RELEASE ${savepoint}`);
        } catch {
          // the original error says more
        }
      }
      throw error;
    }
    this.#depth--;
    try {
      this.#db.exec(outer ? 'COMMIT' : `RELEASE ${savepoint}`);
    } catch (error) {
      if (outer && this.#db.inTransaction) this.#db.exec('ROLLBACK');
      throw error;
    }
    return result;
  }

  #ensureOpen(): void {
    // A late call after a profile switch closed its store must fail plainly, not reach a freed handle.
    if (this.#closed) throw new DeskError('BAD_INPUT', "This profile's cache is closed.");
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#statements.clear();
    this.#db.close();
  }
}

/**
 * Opens (or creates) an encrypted libSQL file and proves the key by reading from it: libSQL
 * accepts any key at open time and only fails on the first page read.
 */
export function openConnection(file: string, encryptionKey: string): Connection {
  if (typeof encryptionKey !== 'string' || encryptionKey.length === 0) {
    throw new StoreOpenError(
      'MISSING_KEY',
      "This profile's cache key is missing, so its cache cannot be opened. Reconnect the profile to create a new cache.",
    );
  }
  protectSecret(encryptionKey);
  let db: Database.Database;
  try {
    // Private from the first byte: SQLite gives its -wal and -shm files the database file's mode.
    if (file !== ':memory:') {
      tightenIfExists(path.dirname(file), PRIVATE_DIR_MODE);
      ensurePrivateFile(file);
      for (const companion of ['-wal', '-shm', '-journal']) tightenIfExists(file + companion);
    }
    const options: Database.Options & { encryptionKey: string } = { encryptionKey };
    db = new Database(file, options);
  } catch (error) {
    throw new StoreOpenError('UNREADABLE', UNREADABLE_MESSAGE, error);
  }
  try {
    db.prepare('SELECT count(*) AS n FROM sqlite_master').get();
  } catch (error) {
    db.close();
    const code = sqliteCode(error);
    if (code === 'SQLITE_NOTADB' || code === 'SQLITE_CORRUPT') {
      throw new StoreOpenError(
        'KEY_REJECTED',
        "This profile's cache cannot be read with the key stored in the keychain (or the file is damaged). " +
          'Remove the cache to rebuild it from BillPro; changes not yet sent from it would be lost.',
        error,
      );
    }
    throw new StoreOpenError('UNREADABLE', UNREADABLE_MESSAGE, error);
  }
  try {
    // WAL: readers never block the writer. synchronous=FULL: a committed outbox entry survives
    // not only kill -9 (NORMAL would) but also power loss; commits are batched, so the fsync
    // per commit is affordable. temp_store=MEMORY keeps sort spill-over out of unencrypted
    // temp files.
    db.exec('PRAGMA journal_mode = WAL');
    db.exec('PRAGMA synchronous = FULL');
    db.exec('PRAGMA busy_timeout = 5000');
    db.exec('PRAGMA temp_store = MEMORY');
    db.exec('PRAGMA foreign_keys = OFF');
  } catch (error) {
    db.close();
    throw new StoreOpenError('UNREADABLE', UNREADABLE_MESSAGE, error);
  }
  if (file !== ':memory:') for (const companion of ['-wal', '-shm']) tightenIfExists(file + companion);
  return new Connection(db);
}

/** What a person is told; the file's path and SQLite's own words go to the log (the error's cause). */
const UNREADABLE_MESSAGE =
  "This profile's cache on this computer cannot be opened (the details are in the Desk log). " +
  'Check that the disk is not full or read-only, then restart Desk; removing the profile and adding it again rebuilds the cache from BillPro.';

// ---------------------------------------------------------------- row readers

export function num(row: SqlRow, key: string): number {
  const value = row[key];
  if (typeof value === 'number') return value;
  if (typeof value === 'bigint') return Number(value);
  throw new Error(`cache column ${key} is not a number`);
}

export function numOrNull(row: SqlRow, key: string): number | null {
  const value = row[key];
  return value === null || value === undefined ? null : num(row, key);
}

export function str(row: SqlRow, key: string): string {
  const value = row[key];
  if (typeof value === 'string') return value;
  throw new Error(`cache column ${key} is not text`);
}

export function strOrNull(row: SqlRow, key: string): string | null {
  const value = row[key];
  return value === null || value === undefined ? null : str(row, key);
}
