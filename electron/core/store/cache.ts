/**
 * The cached collections: BillPro's entities as received, plus the indexed columns the list
 * screens filter, sort and search on, plus local bookkeeping (temp ids, pending counts).
 */
import { DeskError } from '../../common/errors.ts';
import {
  APPLY_FILTER,
  COLLECTIONS,
  COLUMNS,
  DEFAULT_SORT,
  ENTITY_SCHEMAS,
  SEARCHABLE,
  SEARCH_FIELDS,
  SORT_FIELDS,
  SORT_SQL,
  TABLES,
  TO_COLUMNS,
  WhereBuilder,
  type Collection,
  type EntityMap,
  type FilterMap,
  type SortDirection,
  type SortField,
} from './collections.ts';
import { num, numOrNull, str, strOrNull, type Connection, type SqlParams, type SqlRow } from './database.ts';
import { toFtsQuery } from './fts.ts';

export interface CachedRow<C extends Collection> {
  collection: C;
  /** BillPro's id, or a negative temp id while the entity exists only here. */
  id: number;
  entity: EntityMap[C];
  /** Outbox entries not yet done or discarded that target this row (for "not sent" badges). */
  pending: number;
  /** True while the row was created offline and BillPro has not confirmed it. */
  local: boolean;
  /** The temp id this row was created with, kept after BillPro gave it a real id. */
  localId: number | null;
  /** An optimistic change was discarded or completed: BillPro's version should be fetched. */
  stale: boolean;
  /** When this copy was written locally (ISO 8601). */
  writtenAt: string;
}

/** A stored row that no longer parses; it is left out of answers, never crashes them. */
export interface InvalidRow {
  collection: Collection;
  id: number;
  issues: string;
}

export interface ListQuery<C extends Collection> {
  filter?: FilterMap[C];
  /** What the person typed; each word matches as a prefix (`dan` finds Daniel). */
  search?: string;
  /** Defaults: by relevance when searching, else the collection's usual order. */
  sort?: { field: SortField<C>; direction?: SortDirection };
  /** 1–1000, default 50. */
  limit?: number;
  offset?: number;
}

export interface ListResult<C extends Collection> {
  rows: CachedRow<C>[];
  /** Rows matching the filter and search, across all pages. */
  total: number;
  skipped: InvalidRow[];
}

export interface UpsertOptions {
  /**
   * Overwrite rows that have outbox entries waiting. Off by default so a sync page never undoes
   * an optimistic change; the pusher turns it on to write BillPro's answer to a change it sent.
   */
  force?: boolean;
  /** The sync run (from `recordSync`) that fetched these entities, for `removeMissing`. */
  run?: number;
  /** False for a sync's copies of BillPro's data: commit without an fsync (see `Connection.transaction`). */
  durable?: boolean;
}

export interface UpsertResult {
  /** Rows inserted or changed. */
  written: number;
  /** Rows already cached exactly as received (only marked as seen by this run). */
  unchanged: number;
  /** Ids left as they were because they have outbox entries waiting (see `force`). */
  keptPending: number[];
}

export interface SyncState {
  collection: Collection;
  /** When the collection was last fully pulled (ISO 8601), or null if never. */
  syncedAt: string | null;
  /** The next page to fetch when a pull was interrupted, or null. */
  nextPage: number | null;
  /** True when the last pull reached the end. */
  complete: boolean;
}

export interface StaleRow {
  collection: Collection;
  id: number;
}

const ROW_SELECT = 't.id, t.json, t.pending, t.local_id, t.stale, t.written_at';
const DEFAULT_LIMIT = 50;
/** Above this many matches a search is "broad": newest first instead of ranked (see `list`). */
const BROAD_SEARCH = 2_000;
/**
 * Above this many matches a search in a chosen order reads the rows off the sort's index and
 * checks each against the matches; below, it looks the matches up and sorts them (see `#pageSql`).
 */
const SORTED_SCAN = 1_000;
const MAX_LIMIT = 1000;

/** A list query turned into SQL pieces over `t` (see `Cache.#plan`). */
interface ListPlan {
  table: string;
  params: SqlParams;
  /** `WHERE …` of the filter, or ''. */
  where: string;
  /** The full-text condition (without WHERE), or ''. */
  searchWhere: string;
  join: string;
  searchOnly: boolean;
  sorted: boolean;
  order: string;
  orderParams: SqlParams;
}

export class Cache {
  readonly #db: Connection;
  readonly #now: () => Date;
  readonly #onInvalidRow: (row: InvalidRow) => void;

  constructor(db: Connection, now: () => Date, onInvalidRow: (row: InvalidRow) => void) {
    this.#db = db;
    this.#now = now;
    this.#onInvalidRow = onInvalidRow;
  }

  /** A fresh temp id, unique across all collections and never handed out twice. */
  newTempId(): number {
    return this.#db.transaction(() => {
      const row = this.#db.get(`SELECT value FROM meta WHERE key = 'next_temp_id'`);
      const next = row ? Number(str(row, 'value')) : -1;
      this.#db.run(`INSERT OR REPLACE INTO meta(key, value) VALUES ('next_temp_id', :value)`, {
        value: String(next - 1),
      });
      return next;
    });
  }

  /**
   * Validates every entity first (nothing is written if one is invalid), then writes them all in
   * one transaction with prepared statements.
   */
  upsertMany<C extends Collection>(
    collection: C,
    entities: readonly unknown[],
    options: UpsertOptions = {},
  ): UpsertResult {
    const schema = ENTITY_SCHEMAS[collection];
    const parsed: EntityMap[C][] = [];
    for (const [index, raw] of entities.entries()) {
      const result = schema.safeParse(raw);
      if (!result.success) {
        throw new DeskError(
          'BAD_INPUT',
          `${collection}[${index}] cannot be cached: ${describeIssues(result.error.issues)}`,
        );
      }
      parsed.push(result.data);
    }
    const columns = COLUMNS[collection];
    const sql = upsertSql(collection);
    // Rows BillPro sent again unchanged only need to be marked as seen: rewriting them would
    // churn every index and the search index for nothing (full re-syncs are mostly unchanged).
    const seenSql = `UPDATE ${TABLES[collection]} SET seen_run = max(seen_run, :seen_run)
      WHERE id = :id AND (pending = 0 OR :force = 1)`;
    const productNames = new Map<number, string | null>();
    const productName = (id: number): string | null => {
      if (!productNames.has(id)) {
        const row = this.#db.get('SELECT name FROM products WHERE id = :id', { id });
        productNames.set(id, row ? strOrNull(row, 'name') : null);
      }
      return productNames.get(id) ?? null;
    };
    return this.#db.transaction(() => {
      const run = options.run ?? this.#latestRun();
      const writtenAt = this.#now().toISOString();
      const keptPending: number[] = [];
      let written = 0;
      let unchanged = 0;
      for (const [index, entity] of parsed.entries()) {
        const values = TO_COLUMNS[collection](entity, productName);
        const params: SqlParams = {
          id: entity.id,
          local_id: entity.id < 0 ? entity.id : null,
          json: JSON.stringify(entities[index]),
          seen_run: run,
          written_at: writtenAt,
          force: options.force ? 1 : 0,
        };
        for (const column of columns) params[column] = values[column] ?? null;
        if (this.#db.run(sql, params).changes > 0) {
          written++;
        } else if (
          this.#db.run(seenSql, { id: entity.id, seen_run: run, force: params.force ?? 0 }).changes > 0
        ) {
          unchanged++;
        } else {
          keptPending.push(entity.id);
        }
      }
      return { written, unchanged, keptPending };
    }, options.durable === false ? { durable: false } : {});
  }

  /**
   * First and last names of cached customers (BillPro ids), read from their columns in one
   * statement: a list page names up to a hundred customers, and reading each one's row (its JSON
   * parsed and checked) cost more than the page itself. Ids not cached are left out.
   */
  customerNames(ids: readonly number[]): Map<number, { first: string; last: string }> {
    const names = new Map<number, { first: string; last: string }>();
    if (ids.length === 0) return names;
    const rows = this.#db.all(
      'SELECT c.id, c.first_name, c.last_name FROM json_each(:ids) j JOIN customers c ON c.id = j.value',
      { ids: JSON.stringify(ids) },
    );
    for (const row of rows) {
      names.set(num(row, 'id'), { first: strOrNull(row, 'first_name') ?? '', last: strOrNull(row, 'last_name') ?? '' });
    }
    return names;
  }

  /** A row by id; a temp id also finds the row after BillPro gave it a real id. */
  get<C extends Collection>(collection: C, id: number): CachedRow<C> | undefined {
    const table = TABLES[collection];
    const row =
      this.#db.get(`SELECT ${ROW_SELECT} FROM ${table} t WHERE t.id = :id`, { id }) ??
      (id < 0
        ? this.#db.get(`SELECT ${ROW_SELECT} FROM ${table} t WHERE t.local_id = :id`, { id })
        : undefined);
    if (!row) return undefined;
    const read = this.#read(collection, row);
    if ('issues' in read) {
      this.#onInvalidRow(read);
      return undefined;
    }
    return read;
  }

  list<C extends Collection>(collection: C, query: ListQuery<C> = {}): ListResult<C> {
    const plan = this.#plan(collection, query);
    const limit = clampLimit(query.limit);
    const offset = Math.max(0, Math.floor(query.offset ?? 0));
    const total = this.#count(plan);
    const found = this.#db.all(this.#pageSql(plan, ROW_SELECT, total, 'LIMIT :limit OFFSET :offset'), {
      ...plan.params,
      ...plan.orderParams,
      limit,
      offset,
    });
    const rows: CachedRow<C>[] = [];
    const skipped: InvalidRow[] = [];
    for (const row of found) {
      const read = this.#read(collection, row);
      if ('issues' in read) {
        skipped.push(read);
        this.#onInvalidRow(read);
      } else {
        rows.push(read);
      }
    }
    return { rows, total, skipped };
  }

  /**
   * The ids of the first `limit` matching rows in list order, without reading (or parsing) the
   * rows themselves.
   */
  ids<C extends Collection>(collection: C, query: Omit<ListQuery<C>, 'limit' | 'offset'>, limit: number): number[] {
    const plan = this.#plan(collection, query);
    const total = this.#count(plan);
    return this.#db
      .all(this.#pageSql(plan, 't.id AS id', total, 'LIMIT :limit'), {
        ...plan.params,
        ...plan.orderParams,
        limit: Math.max(0, Math.floor(limit)),
      })
      .map((row) => num(row, 'id'));
  }

  /**
   * The ids of every matching row, in list order, copied into a private in-memory table (one
   * statement, no row crossing into JavaScript): the snapshot a long read — the CSV export —
   * then walks in chunks with `readSnapshot`, so no single step reads every row's data at once.
   * Drop it with `dropSnapshot` when done.
   */
  snapshot<C extends Collection>(
    collection: C,
    query: Omit<ListQuery<C>, 'limit' | 'offset'>,
  ): { table: string; rows: number } {
    const plan = this.#plan(collection, query);
    const total = this.#count(plan);
    const table = `temp.snapshot_${++snapshots}`;
    this.#db.exec(`CREATE TABLE ${table} (seq INTEGER PRIMARY KEY, id INTEGER NOT NULL)`);
    // Rows are numbered in the order the SELECT gives them: list order.
    const { changes } = this.#db.run(`INSERT INTO ${table}(id) ${this.#pageSql(plan, 't.id', total, '')}`, {
      ...plan.params,
      ...plan.orderParams,
    });
    return { table, rows: changes };
  }

  /**
   * `expressions` over `t` for snapshot rows `from` (0-based) to `from + count`, in list order,
   * without parsing each row's JSON (every row was checked when it was written); a row removed
   * since the snapshot is left out. `expressions` are the store's own SQL, never user text.
   */
  readSnapshot(
    collection: Collection,
    snapshot: { table: string },
    from: number,
    count: number,
    expressions: readonly string[],
  ): SqlRow[] {
    const select = ['t.id AS id', ...expressions.map((e, i) => `${e} AS c${i}`)].join(', ');
    return this.#db.all(
      `SELECT ${select} FROM ${snapshot.table} s JOIN ${TABLES[collection]} t ON t.id = s.id
        WHERE s.seq > :from AND s.seq <= :to ORDER BY s.seq`,
      { from, to: from + count },
    );
  }

  dropSnapshot(snapshot: { table: string }): void {
    this.#db.exec(`DROP TABLE IF EXISTS ${snapshot.table}`);
  }

  /**
   * How many matching rows hold each value of `field` (e.g. orders per status), with the same
   * filter and search as `list` — the filter on `field` itself left out, so a chip counts what
   * choosing it would show.
   */
  countBy<C extends Collection>(
    collection: C,
    field: string & keyof FilterMap[C],
    query: Omit<ListQuery<C>, 'limit' | 'offset' | 'sort'> = {},
  ): Map<string, number> {
    if (!(COLUMNS[collection] as readonly string[]).includes(field)) {
      throw new DeskError('BAD_INPUT', `${collection} cannot be counted by "${field}".`);
    }
    const filter = query.filter ? { ...query.filter, [field]: undefined } : undefined;
    const plan = this.#plan(collection, { ...query, ...(filter ? { filter } : {}) });
    // A search's matches are checked from the counted field's index (`+`: not looked up one by
    // one in the table): a scan of one small index, where a broad term ("w", 88k of 100k orders)
    // would otherwise read 88k rows (170 ms → 50 ms; a narrow term pays a few ms more).
    const member = plan.searchWhere === '' ? '' : `+${plan.searchWhere}`;
    const where = member === '' ? plan.where : plan.where === '' ? `WHERE ${member}` : `${plan.where} AND ${member}`;
    const counts = new Map<string, number>();
    for (const row of this.#db.all(`SELECT t.${field} AS value, count(*) AS n FROM ${plan.table} t ${where} GROUP BY t.${field}`, plan.params)) {
      const value = strOrNull(row, 'value');
      if (value !== null) counts.set(value, num(row, 'n'));
    }
    return counts;
  }

  #plan<C extends Collection>(collection: C, query: Omit<ListQuery<C>, 'limit' | 'offset'>): ListPlan {
    const table = TABLES[collection];
    const where = new WhereBuilder();
    if (query.filter) APPLY_FILTER[collection](where, query.filter);
    const params: SqlParams = { ...where.params };
    const searchText = query.search?.trim() ?? '';
    if (searchText !== '' && !SEARCHABLE[collection]) {
      throw new DeskError('BAD_INPUT', `${collection} cannot be searched by text; filter them instead.`);
    }
    const match = searchText === '' ? null : toFtsQuery(searchText);
    if (match !== null) params.q = match;
    const order = this.#orderBy(collection, query.sort, match !== null);
    return {
      table,
      params,
      where: where.sql(),
      searchWhere: match === null ? '' : `t.id IN (SELECT rowid FROM ${table}_fts WHERE ${table}_fts MATCH :q)`,
      join:
        match === null
          ? ''
          : `JOIN (SELECT rowid AS rid, rank AS score FROM ${table}_fts WHERE ${table}_fts MATCH :q) s ON s.rid = t.id`,
      // A search with no other filter: the full-text index alone answers the count (every
      // indexed row is a cached row), without visiting the table for each match.
      searchOnly: match !== null && where.clauses.length === 0,
      sorted: query.sort !== undefined,
      order,
      orderParams: order.includes(':tier_') ? tierParams(searchText) : {},
    };
  }

  #count(plan: ListPlan): number {
    const { table, where, searchWhere } = plan;
    const countWhere = searchWhere === '' ? where : where === '' ? `WHERE ${searchWhere}` : `${where} AND ${searchWhere}`;
    return num(
      this.#db.get(
        plan.searchOnly
          ? `SELECT count(*) AS n FROM ${table}_fts WHERE ${table}_fts MATCH :q`
          : `SELECT count(*) AS n FROM ${table} t ${countWhere}`,
        plan.params,
      ) ?? { n: 0 },
      'n',
    );
  }

  /**
   * The rows' SELECT in list order, `limit` ('' or `LIMIT … OFFSET …`) applied. Ranking
   * thousands of matches of a broad term ("de") costs a bm25 score each, and the order among them
   * means little: such a search shows the newest matches first, read straight off the index in
   * id order.
   *
   * A search in an order the operator chose (the Orders list always sends one: "Newest first")
   * needs no rank at all, so it is a membership test, not the ranked join (which scores every
   * match: "wi" in 100k orders, 12k matches, took 135 ms instead of 7). With many matches the
   * rows are read off the sort's index in order, each checked against the matches, until the
   * page is full (`+` keeps SQLite from driving the query from the matches instead); with few,
   * the matches are looked up and sorted.
   */
  #pageSql(plan: ListPlan, select: string, total: number, limit: string): string {
    const { table } = plan;
    if (plan.searchOnly && !plan.sorted && total > BROAD_SEARCH) {
      return `SELECT ${select} FROM ${table} t WHERE t.id IN (
             SELECT rowid FROM ${table}_fts WHERE ${table}_fts MATCH :q ORDER BY rowid DESC ${limit})
           ORDER BY t.id DESC`;
    }
    if (plan.searchWhere !== '' && plan.sorted) {
      const member = `${total > SORTED_SCAN ? '+' : ''}${plan.searchWhere}`;
      const where = plan.where === '' ? `WHERE ${member}` : `${plan.where} AND ${member}`;
      return `SELECT ${select} FROM ${table} t ${where} ORDER BY ${plan.order} ${limit}`;
    }
    return `SELECT ${select} FROM ${table} t ${plan.join} ${plan.where} ORDER BY ${plan.order} ${limit}`;
  }

  /** Drops one row (BillPro said it no longer exists). Returns whether a row was there. */
  /** BillPro listed this row in run `run`, though Desk could not read its new version: keep it. */
  markSeen(collection: Collection, id: number, run: number): void {
    this.#db.run(`UPDATE ${TABLES[collection]} SET seen_run = max(seen_run, :run) WHERE id = :id`, { id, run });
  }

  remove(collection: Collection, id: number): boolean {
    return this.#db.run(`DELETE FROM ${TABLES[collection]} WHERE id = :id`, { id }).changes > 0;
  }

  /**
   * After a full pull (run `run` reached the last page): drops BillPro rows the pull did not see.
   * Rows with outbox entries waiting and offline-created rows stay.
   */
  removeMissing(collection: Collection, run: number): number {
    return this.#db.run(
      `DELETE FROM ${TABLES[collection]} WHERE id > 0 AND pending = 0 AND seen_run < :run`,
      { run },
    ).changes;
  }

  /** True when BillPro's row `id` is cached (a cheap existence check, no parsing). */
  has(collection: Collection, id: number): boolean {
    return this.#db.get(`SELECT 1 AS one FROM ${TABLES[collection]} WHERE id = :id`, { id }) !== undefined;
  }

  /**
   * Rows that came from BillPro (not created here and still unsent): all rows (counted off the
   * smallest index) less the few with temp ids — `WHERE id > 0` alone read every row's record.
   */
  countSynced(collection: Collection): number {
    const table = TABLES[collection];
    const all = this.#db.get(`SELECT count(*) AS n FROM ${table}`);
    const local = this.#db.get(`SELECT count(*) AS n FROM ${table} WHERE id <= 0`);
    return (all ? num(all, 'n') : 0) - (local ? num(local, 'n') : 0);
  }

  /**
   * BillPro rows a full pull that began with run `run` did not see (`seen_run < run`), without
   * changes waiting to be sent: the candidates for removal, ids ascending.
   */
  missingSince(collection: Collection, run: number): number[] {
    return this.missingSinceStep(collection, run, 0, Number.MAX_SAFE_INTEGER).ids;
  }

  /**
   * `missingSince` over the next `rows` rows by id after id `after` (0: from the start): the
   * candidates there, and the id to go on after (null at the end). Every row's record is read to
   * check it (`seen_run` has no index), so a caller that must not block walks it in steps.
   */
  missingSinceStep(
    collection: Collection,
    run: number,
    after: number,
    rows: number,
  ): { ids: number[]; next: number | null } {
    const table = TABLES[collection];
    const from = Math.max(0, after);
    const bound =
      rows >= Number.MAX_SAFE_INTEGER
        ? undefined
        : this.#db.get(`SELECT id FROM ${table} WHERE id > :from ORDER BY id LIMIT 1 OFFSET :skip`, {
            from,
            skip: Math.max(0, Math.floor(rows) - 1),
          });
    const upTo = bound ? num(bound, 'id') : null;
    const ids = this.#db
      .all(
        `SELECT id FROM ${table} WHERE id > :from ${upTo === null ? '' : 'AND id <= :upTo'}
           AND pending = 0 AND seen_run < :run ORDER BY id`,
        upTo === null ? { from, run } : { from, upTo, run },
      )
      .map((row) => num(row, 'id'));
    return { ids, next: upTo };
  }

  /**
   * Removes `ids`, but only those still unseen since run `run` and without pending changes: a row
   * seen again or changed here after the decision stays.
   */
  removeUnseen(collection: Collection, ids: readonly number[], run: number): number {
    let removed = 0;
    for (const id of ids) {
      removed += this.#db.run(
        `DELETE FROM ${TABLES[collection]} WHERE id = :id AND id > 0 AND pending = 0 AND seen_run < :run`,
        { id, run },
      ).changes;
    }
    return removed;
  }

  /** Rows whose optimistic change ended; BillPro's version should be fetched for them. */
  listStale(): StaleRow[] {
    const stale: StaleRow[] = [];
    for (const collection of COLLECTIONS) {
      for (const row of this.#db.all(`SELECT id FROM ${TABLES[collection]} WHERE stale = 1 AND id > 0`)) {
        stale.push({ collection, id: num(row, 'id') });
      }
    }
    return stale;
  }

  /** Kept in the same transaction as the outbox change that causes it. */
  adjustPending(collection: Collection, id: number, delta: number): void {
    this.#db.run(`UPDATE ${TABLES[collection]} SET pending = max(0, pending + :delta) WHERE id = :id`, {
      id,
      delta,
    });
  }

  markStale(collection: Collection, id: number): void {
    this.#db.run(`UPDATE ${TABLES[collection]} SET stale = 1 WHERE id = :id AND id > 0`, { id });
  }

  /** Recomputes pending counts from the outbox (self-repair on open; cheap with the indexes). */
  recountPending(): void {
    for (const collection of COLLECTIONS) {
      const table = TABLES[collection];
      this.#db.run(
        `UPDATE ${table} SET pending = (
           SELECT count(*) FROM outbox o
           WHERE o.target_collection = :collection AND o.target_id = ${table}.id
             AND o.state NOT IN ('done', 'discarded'))
         WHERE pending <> 0 OR id IN (
           SELECT target_id FROM outbox
           WHERE target_collection = :collection AND state NOT IN ('done', 'discarded'))`,
        { collection },
      );
    }
  }

  // ------------------------------------------------------------ sync state

  syncState(collection: Collection): SyncState {
    const row = this.#db.get('SELECT * FROM sync_state WHERE collection = :collection', { collection });
    if (!row) return { collection, syncedAt: null, nextPage: null, complete: false };
    return {
      collection,
      syncedAt: strOrNull(row, 'synced_at'),
      nextPage: numOrNull(row, 'next_page'),
      complete: num(row, 'complete') === 1,
    };
  }

  /** Records how far a pull got, so an interrupted one resumes at `nextPage`. */
  saveSyncProgress(collection: Collection, progress: { nextPage: number | null; complete?: boolean }): void {
    this.#db.run(
      `INSERT INTO sync_state(collection, next_page, complete, updated_at)
       VALUES (:collection, :next_page, :complete, :now)
       ON CONFLICT(collection) DO UPDATE SET next_page = excluded.next_page, complete = excluded.complete,
         updated_at = excluded.updated_at`,
      {
        collection,
        next_page: progress.nextPage,
        complete: progress.complete ? 1 : 0,
        now: this.#now().toISOString(),
      },
    );
  }

  /** The pull finished at `at` (ISO 8601): the collection is complete and up to date as of then. */
  /**
   * A lighter check of a collection succeeded (its newest records, the payments due soon): moves
   * "synced at" forward, but only for a collection whose full read has completed, and leaves an
   * interrupted read's resume point alone.
   */
  markChecked(collection: Collection, at: string): void {
    this.#db.run(
      `UPDATE sync_state SET synced_at = :at, updated_at = :now WHERE collection = :collection AND complete = 1 AND next_page IS NULL`,
      { collection, at, now: this.#now().toISOString() },
    );
  }

  markSynced(collection: Collection, at: string): void {
    this.#db.run(
      `INSERT INTO sync_state(collection, synced_at, next_page, complete, updated_at)
       VALUES (:collection, :at, NULL, 1, :now)
       ON CONFLICT(collection) DO UPDATE SET synced_at = excluded.synced_at, next_page = NULL, complete = 1,
         updated_at = excluded.updated_at`,
      { collection, at, now: this.#now().toISOString() },
    );
  }

  // ------------------------------------------------------------ temp ids

  /**
   * Gives the row born as `tempId` its BillPro id and points cached references at it. If a sync
   * already brought BillPro's row, the temp row folds into it. Returns the collection it was in.
   */
  rewriteRow(tempId: number, realId: number): Collection | null {
    let found: Collection | null = null;
    for (const collection of COLLECTIONS) {
      const table = TABLES[collection];
      const temp = this.#db.get(`SELECT pending FROM ${table} WHERE id = :id`, { id: tempId });
      if (!temp) continue;
      found = collection;
      const params = { temp: tempId, real: realId };
      if (this.#db.get(`SELECT 1 AS x FROM ${table} WHERE id = :real`, params)) {
        this.#db.run(`UPDATE ${table} SET local_id = :temp, pending = pending + :pending WHERE id = :real`, {
          ...params,
          pending: num(temp, 'pending'),
        });
        this.#db.run(`DELETE FROM ${table} WHERE id = :temp`, params);
      } else {
        this.#db.run(
          `UPDATE ${table} SET id = :real, json = json_set(json, '$.id', :real), local_id = :temp WHERE id = :temp`,
          params,
        );
      }
      break;
    }
    const params = { temp: tempId, real: realId };
    this.#db.run(
      `UPDATE orders SET customer_id = :real, json = json_set(json, '$.customer_id', :real),
         customer_text = (SELECT trim(coalesce(c.first_name, '') || ' ' || coalesce(c.last_name, '') || ' ' ||
           coalesce(c.email, '')) FROM customers c WHERE c.id = :real)
       WHERE customer_id = :temp`,
      params,
    );
    this.#db.run(
      `UPDATE scheduled_payments SET order_id = :real, json = json_set(json, '$.order_id', :real) WHERE order_id = :temp`,
      params,
    );
    return found;
  }

  /** Deletes an offline-created row whose create was discarded. */
  removeTemp(collection: Collection, tempId: number): void {
    if (tempId < 0) this.#db.run(`DELETE FROM ${TABLES[collection]} WHERE id = :id`, { id: tempId });
  }

  // ------------------------------------------------------------ helpers

  #latestRun(): number {
    const row = this.#db.get('SELECT max(id) AS run FROM sync_history');
    return row ? (numOrNull(row, 'run') ?? 0) : 0;
  }

  #orderBy<C extends Collection>(collection: C, sort: ListQuery<C>['sort'], searching: boolean): string {
    if (!sort && searching) return `${tierSql(collection)}, s.score, t.id DESC`;
    const chosen = sort ?? DEFAULT_SORT[collection];
    const fields: readonly string[] = SORT_FIELDS[collection];
    if (!fields.includes(chosen.field)) {
      throw new DeskError('BAD_INPUT', `${collection} cannot be sorted by "${String(chosen.field)}".`);
    }
    const direction = chosen.direction === 'desc' ? 'DESC' : 'ASC';
    const columns = (SORT_SQL[collection] as Record<string, readonly string[]>)[chosen.field] ?? [];
    return [...columns, 't.id'].map((column) => `${column} ${direction}`).join(', ');
  }

  #read<C extends Collection>(collection: C, row: SqlRow): CachedRow<C> | InvalidRow {
    const id = num(row, 'id');
    let raw: unknown;
    try {
      raw = JSON.parse(str(row, 'json'));
    } catch {
      return { collection, id, issues: 'stored JSON is unreadable' };
    }
    const parsed = ENTITY_SCHEMAS[collection].safeParse(raw);
    if (!parsed.success) return { collection, id, issues: describeIssues(parsed.error.issues) };
    return {
      collection,
      id,
      entity: parsed.data,
      pending: num(row, 'pending'),
      local: id < 0,
      localId: numOrNull(row, 'local_id'),
      stale: num(row, 'stale') === 1,
      writtenAt: str(row, 'written_at'),
    };
  }
}

/** Numbers the snapshot tables (`Cache.snapshot`) of this process. */
let snapshots = 0;

const UPSERT_SQL = new Map<Collection, string>();

function upsertSql(collection: Collection): string {
  const cached = UPSERT_SQL.get(collection);
  if (cached) return cached;
  const table = TABLES[collection];
  const columns = [...COLUMNS[collection]];
  const names = ['id', 'local_id', 'json', 'seen_run', 'written_at', 'stale', ...columns];
  const values = [
    ':id',
    ':local_id',
    ':json',
    ':seen_run',
    ':written_at',
    '0',
    ...columns.map((c) => `:${c}`),
  ];
  const updates = [
    'json = excluded.json',
    'seen_run = excluded.seen_run',
    'written_at = excluded.written_at',
    'stale = 0',
    `local_id = coalesce(${table}.local_id, excluded.local_id)`,
    ...columns.map((c) => `${c} = excluded.${c}`),
  ];
  if (collection === 'orders') {
    // The customer's name and email ride along so searching orders finds them by customer.
    names.push('customer_text');
    values.push(
      `(SELECT trim(coalesce(c.first_name, '') || ' ' || coalesce(c.last_name, '') || ' ' || coalesce(c.email, ''))
        FROM customers c WHERE c.id = :customer_id)`,
    );
    updates.push('customer_text = excluded.customer_text');
  }
  const sql = `INSERT INTO ${table} (${names.join(', ')}) VALUES (${values.join(', ')})
    ON CONFLICT(id) DO UPDATE SET ${updates.join(', ')}
    WHERE (${table}.pending = 0 OR :force = 1)
      AND (${table}.json IS NOT excluded.json OR ${table}.stale = 1 OR :force = 1)`;
  UPSERT_SQL.set(collection, sql);
  return sql;
}

/**
 * 0 when a field equals what was typed, 1 when one starts with it, else 2 (see SEARCH_FIELDS).
 * Case-insensitive for ASCII, like the rest of search; `\\` escapes LIKE's wildcards.
 */
export function tierSql(collection: Collection): string {
  const fields = SEARCH_FIELDS[collection];
  if (fields.length === 0) return '2';
  const exact = fields.map((f) => `${f} = :tier_exact COLLATE NOCASE`).join(' OR ');
  const prefix = fields.map((f) => `${f} LIKE :tier_prefix ESCAPE '\\'`).join(' OR ');
  return `CASE WHEN ${exact} THEN 0 WHEN ${prefix} THEN 1 ELSE 2 END`;
}

/** The parameters `tierSql` reads, from what the person typed (spaces collapsed, as shown). */
export function tierParams(text: string): { tier_exact: string; tier_prefix: string } {
  const typed = text.normalize('NFKC').trim().replace(/\s+/gu, ' ');
  return { tier_exact: typed, tier_prefix: `${typed.replace(/[\\%_]/g, (c) => `\\${c}`)}%` };
}

function clampLimit(limit: number | undefined): number {
  if (limit === undefined || !Number.isFinite(limit)) return DEFAULT_LIMIT;
  return Math.min(MAX_LIMIT, Math.max(1, Math.floor(limit)));
}

export function describeIssues(issues: readonly { path: readonly PropertyKey[]; message: string }[]): string {
  return issues
    .slice(0, 5)
    .map((issue) => `${issue.path.length ? issue.path.map(String).join('.') : '(root)'}: ${issue.message}`)
    .join('; ');
}
