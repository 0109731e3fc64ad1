/**
 * The profile cache on real encrypted files: encryption at rest, opening with a wrong key,
 * migrations, writes and reads, filters, sorts, paging, full-text search (also with hostile
 * input), rows that no longer parse, full-sync deletions, sync state and history.
 */
import { mkdtempSync, readFileSync, existsSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'libsql';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { openStore, StoreOpenError, type InvalidRow, type Store } from '../../electron/core/store/index.ts';
import { openConnection } from '../../electron/core/store/database.ts';
import { MIGRATIONS, LATEST_VERSION, migrate, schemaVersion } from '../../electron/core/store/migrations.ts';
import { DeskError } from '../../electron/common/errors.ts';

const dir = mkdtempSync(join(tmpdir(), 'billpro-store-'));
const KEY = 'test-cache-key-7f3a9c';
let counter = 0;
const open: Store[] = [];

function freshFile(): string {
  return join(dir, `cache-${++counter}.db`);
}

function openAt(file: string, extra: Partial<Parameters<typeof openStore>[0]> = {}): Store {
  const store = openStore({ file, encryptionKey: KEY, ...extra });
  open.push(store);
  return store;
}

/** A second, raw connection to the same file: lets a test tamper with what is stored. */
function raw(file: string): Database.Database {
  const options: Database.Options & { encryptionKey: string } = { encryptionKey: KEY };
  return new Database(file, options);
}

afterEach(() => {
  for (const store of open.splice(0)) store.close();
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const T0 = Date.UTC(2024, 0, 1);
const iso = (minutes: number) => new Date(T0 + minutes * 60_000).toISOString();

function customer(id: number, over: Record<string, unknown> = {}) {
  return {
    id,
    customer_id: `CUS${String(id).padStart(7, '0')}`,
    first_name: `First${id}`,
    last_name: `Last${id}`,
    email: `person${id}@example.com`,
    created_at: iso(id),
    updated_at: iso(id),
    ...over,
  };
}

function product(id: number, over: Record<string, unknown> = {}) {
  return {
    id,
    product_id: `PROD-${id}`,
    name: `Product ${id}`,
    currency: 'EUR',
    price: '10.00',
    product_type: 'subscription',
    product_status: 'active',
    lock_price: false,
    lock_payment_config: false,
    created_at: iso(id),
    ...over,
  };
}

function order(id: number, over: Record<string, unknown> = {}) {
  return {
    id,
    order_type: 'subscription',
    status: 'active',
    invoice_id: `INV-${id}`,
    customer_id: 1,
    currency: 'EUR',
    total_amount: `${id}.00`,
    products: [{ product_id: 1, amount: `${id}.00` }],
    created_at: iso(id),
    ...over,
  };
}

function scheduledPayment(id: number, over: Record<string, unknown> = {}) {
  return { id, order_id: 1, status: 'scheduled', amount: '9.99', scheduled_at: iso(id * 1440), ...over };
}

describe('encryption at rest', () => {
  const NAME = 'Zebediah';
  const SURNAME = 'Quuxworthington';
  const EMAIL = 'zebediah.quux@example.org';

  function containsPlaintext(file: string): boolean {
    if (!existsSync(file)) return false;
    const bytes = readFileSync(file);
    return [NAME, SURNAME, EMAIL].some((text) => bytes.includes(Buffer.from(text, 'utf8')));
  }

  it('a plain libSQL file holds the same data readably (the search below can find plaintext)', () => {
    const file = freshFile();
    const db = new Database(file);
    db.exec('CREATE TABLE t (v TEXT)');
    db.prepare('INSERT INTO t VALUES (?)').run(`${NAME} ${SURNAME} ${EMAIL}`);
    db.close();
    expect(containsPlaintext(file)).toBe(true);
  });

  it('neither the file nor its WAL contains a customer name or email, open or closed', () => {
    const file = freshFile();
    const store = openAt(file);
    store.cache.upsertMany('customers', [
      customer(1, {
        first_name: NAME,
        last_name: SURNAME,
        email: EMAIL,
        organisation: { name: 'Quux Holdings' },
      }),
    ]);
    store.outbox.enqueue(
      {
        kind: 'customer.update',
        targetId: 1,
        payload: { first_name: NAME, last_name: SURNAME, email: EMAIL },
      },
      () => {},
    );
    // While open the change sits in the WAL.
    expect(existsSync(`${file}-wal`)).toBe(true);
    expect(containsPlaintext(`${file}-wal`)).toBe(false);
    expect(containsPlaintext(file)).toBe(false);
    store.close();
    expect(containsPlaintext(file)).toBe(false);
    expect(containsPlaintext(`${file}-wal`)).toBe(false);
    // And the data is really there, behind the key.
    const again = openAt(file);
    expect(again.cache.list('customers', { search: 'quuxworth' }).rows[0]?.entity.email).toBe(EMAIL);
  });

  it('a wrong key fails with a clear StoreOpenError, and the right key still opens the file', () => {
    const file = freshFile();
    openAt(file).cache.upsertMany('customers', [customer(1)]);
    open.pop()?.close();

    let caught: unknown;
    try {
      openStore({ file, encryptionKey: 'not-the-key' });
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(StoreOpenError);
    expect(caught).toBeInstanceOf(DeskError);
    const error = caught as StoreOpenError;
    expect(error.code).toBe('BAD_INPUT');
    expect(error.reason).toBe('KEY_REJECTED');
    expect(error.message).toMatch(/key/);
    expect(error.message).not.toContain('not-the-key');

    expect(openAt(file).cache.get('customers', 1)?.entity.first_name).toBe('First1');
  });

  it('a missing key is refused before anything is created', () => {
    const file = freshFile();
    expect(() => openStore({ file, encryptionKey: '' })).toThrowError(
      expect.objectContaining({ code: 'BAD_INPUT', reason: 'MISSING_KEY' }),
    );
    expect(existsSync(file)).toBe(false);
  });

  it('an unencrypted file is not opened as if it were a cache', () => {
    const file = freshFile();
    const db = new Database(file);
    db.exec('CREATE TABLE t (v TEXT)');
    db.close();
    expect(() => openStore({ file, encryptionKey: KEY })).toThrowError(
      expect.objectContaining({ reason: 'KEY_REJECTED' }),
    );
  });

  it('a folder that does not exist gives UNREADABLE, not a crash', () => {
    expect(() => openStore({ file: join(dir, 'missing', 'x.db'), encryptionKey: KEY })).toThrowError(
      expect.objectContaining({ code: 'BAD_INPUT', reason: 'UNREADABLE' }),
    );
  });
});

describe('migrations', () => {
  it('opens a version-1 file written by an older app, migrates it and keeps its rows', () => {
    const file = freshFile();
    const old = openConnection(file, KEY);
    expect(migrate(old, MIGRATIONS, 1)).toEqual([1]);
    old.run(
      `INSERT INTO customers (id, json, written_at, customer_id, email, first_name, last_name, created_at)
       VALUES (7, :json, :at, 'CUS0000007', 'ada@example.com', 'Ada', 'Lovelace', :at)`,
      {
        json: JSON.stringify(
          customer(7, { first_name: 'Ada', last_name: 'Lovelace', email: 'ada@example.com' }),
        ),
        at: iso(7),
      },
    );
    expect(schemaVersion(old)).toBe(1);
    old.close();

    const store = openAt(file);
    expect(store.schemaVersion).toBe(LATEST_VERSION);
    expect(LATEST_VERSION).toBeGreaterThan(1);
    expect(store.cache.get('customers', 7)?.entity.last_name).toBe('Lovelace');
    expect(store.cache.list('customers', { search: 'lovel' }).total).toBe(1);
    // Tables from later versions work.
    expect(store.syncLog.recordSync({ collection: 'customers' })).toBeGreaterThan(0);
    const entry = store.outbox.enqueue({
      kind: 'customer.update',
      targetId: 7,
      payload: { first_name: 'Ada', last_name: 'King', email: 'ada@example.com' },
    });
    expect(entry.state).toBe('pending');
  });

  it('is idempotent: reopening applies nothing', () => {
    const file = freshFile();
    openAt(file);
    open.pop()?.close();
    const connection = openConnection(file, KEY);
    try {
      expect(migrate(connection)).toEqual([]);
      expect(schemaVersion(connection)).toBe(LATEST_VERSION);
    } finally {
      connection.close();
    }
  });

  it('a failing step leaves the file at the previous version with nothing half-applied', () => {
    const file = freshFile();
    openAt(file);
    open.pop()?.close();
    const connection = openConnection(file, KEY);
    try {
      const broken = [
        ...MIGRATIONS,
        {
          version: LATEST_VERSION + 1,
          name: 'broken',
          sql: 'CREATE TABLE extra (a TEXT); SELECT no_such_function(1);',
        },
      ];
      expect(() => migrate(connection, broken)).toThrow();
      expect(schemaVersion(connection)).toBe(LATEST_VERSION);
      expect(connection.get(`SELECT name FROM sqlite_master WHERE name = 'extra'`)).toBeUndefined();
    } finally {
      connection.close();
    }
  });

  it('refuses a file written by a newer app', () => {
    const file = freshFile();
    openAt(file);
    open.pop()?.close();
    const db = raw(file);
    db.exec(`PRAGMA user_version = ${LATEST_VERSION + 5}`);
    db.close();
    expect(() => openStore({ file, encryptionKey: KEY })).toThrowError(
      expect.objectContaining({ code: 'BAD_INPUT', reason: 'NEWER_VERSION' }),
    );
  });
});

describe('writing and reading', () => {
  it('upserts, reads back the entity as received, and updates in place', () => {
    const store = openAt(freshFile());
    const result = store.cache.upsertMany('orders', [order(1), order(2)]);
    expect(result).toEqual({ written: 2, unchanged: 0, keptPending: [] });
    const row = store.cache.get('orders', 2);
    expect(row?.entity).toMatchObject({ id: 2, invoice_id: 'INV-2', status: 'active', total_amount: '2.00' });
    expect(row).toMatchObject({ pending: 0, local: false, localId: null, stale: false });

    expect(store.cache.upsertMany('orders', [order(2, { status: 'paused' }), order(1)])).toEqual({
      written: 1,
      unchanged: 1,
      keptPending: [],
    });
    expect(store.cache.get('orders', 2)?.entity.status).toBe('paused');
    expect(store.cache.list('orders', { filter: { status: 'paused' } }).total).toBe(1);
    expect(store.cache.get('orders', 3)).toBeUndefined();
  });

  it('rejects a batch with an invalid entity without writing any of it', () => {
    const store = openAt(freshFile());
    const bad = order(2, { status: 'not-a-status' });
    expect(() => store.cache.upsertMany('orders', [order(1), bad])).toThrowError(
      expect.objectContaining({ code: 'BAD_INPUT', message: expect.stringContaining('orders[1]') }),
    );
    expect(store.cache.list('orders').total).toBe(0);
  });

  it('filters, sorts and pages orders', () => {
    const store = openAt(freshFile());
    const statuses = ['active', 'paused', 'cancelled'] as const;
    store.cache.upsertMany(
      'orders',
      Array.from({ length: 30 }, (_, i) =>
        order(i + 1, {
          status: statuses[i % 3],
          customer_id: (i % 2) + 1,
          order_type: i < 10 ? 'single_payment' : 'subscription',
        }),
      ),
    );
    const newestFirst = store.cache.list('orders', { limit: 5 });
    expect(newestFirst.total).toBe(30);
    expect(newestFirst.rows.map((r) => r.id)).toEqual([30, 29, 28, 27, 26]);

    const page2 = store.cache.list('orders', {
      limit: 5,
      offset: 5,
      sort: { field: 'created_at', direction: 'asc' },
    });
    expect(page2.rows.map((r) => r.id)).toEqual([6, 7, 8, 9, 10]);

    const active = store.cache.list('orders', { filter: { status: 'active' }, limit: 100 });
    expect(active.total).toBe(10);
    expect(active.rows.every((r) => r.entity.status === 'active')).toBe(true);

    const either = store.cache.list('orders', { filter: { status: ['active', 'paused'], customer_id: 1 } });
    expect(either.total).toBe(
      Array.from({ length: 30 }, (_, i) => i).filter((i) => i % 3 !== 2 && i % 2 === 0).length,
    );

    const byTotal = store.cache.list('orders', { sort: { field: 'total', direction: 'desc' }, limit: 3 });
    expect(byTotal.rows.map((r) => r.id)).toEqual([30, 29, 28]);

    const range = store.cache.list('orders', {
      filter: { created_at: { from: iso(5), to: iso(8) } },
      sort: { field: 'created_at' },
    });
    expect(range.rows.map((r) => r.id)).toEqual([5, 6, 7]);

    expect(store.cache.list('orders', { filter: { order_type: 'single_payment', status: [] } }).total).toBe(0);
    expect(store.cache.list('orders', { offset: 1000 }).rows).toEqual([]);
    expect(store.cache.list('orders', { offset: 1000 }).total).toBe(30);
  });

  it('filters customers by email case-insensitively and sorts by name', () => {
    const store = openAt(freshFile());
    store.cache.upsertMany('customers', [
      customer(1, { first_name: 'Zoe', last_name: 'adams', email: 'Zoe.Adams@Example.com' }),
      customer(2, { first_name: 'Amy', last_name: 'Baker' }),
      customer(3, { first_name: 'Bob', last_name: 'Adams' }),
    ]);
    expect(
      store.cache.list('customers', { filter: { email: 'zoe.adams@EXAMPLE.com' } }).rows.map((r) => r.id),
    ).toEqual([1]);
    expect(store.cache.list('customers', { sort: { field: 'name' } }).rows.map((r) => r.id)).toEqual([3, 1, 2]);
  });

  it('lists scheduled payments of an order by date, and refuses text search on them', () => {
    const store = openAt(freshFile());
    store.cache.upsertMany('scheduledPayments', [
      scheduledPayment(3),
      scheduledPayment(1),
      scheduledPayment(2, { order_id: 2 }),
      scheduledPayment(4, { status: 'skipped' }),
    ]);
    expect(store.cache.list('scheduledPayments', { filter: { order_id: 1 } }).rows.map((r) => r.id)).toEqual([
      1, 3, 4,
    ]);
    expect(store.cache.list('scheduledPayments', { filter: { order_id: 1, status: 'scheduled' } }).total).toBe(2);
    expect(() => store.cache.list('scheduledPayments', { search: 'x' })).toThrowError(
      expect.objectContaining({ code: 'BAD_INPUT' }),
    );
  });

  it('refuses a sort field that is not offered', () => {
    const store = openAt(freshFile());
    expect(() => store.cache.list('orders', { sort: { field: 'json; DROP TABLE orders' as 'id' } })).toThrowError(
      expect.objectContaining({ code: 'BAD_INPUT' }),
    );
  });

  it('skips and reports a stored row that no longer parses instead of failing the list', () => {
    const file = freshFile();
    const reported: InvalidRow[] = [];
    const store = openAt(file, { onInvalidRow: (row) => reported.push(row) });
    store.cache.upsertMany('orders', [order(1), order(2), order(3)]);
    const db = raw(file);
    db.prepare(`UPDATE orders SET json = '{"id":2,"status":"teleported"}' WHERE id = 2`).run();
    db.prepare(`UPDATE orders SET json = '{not json' WHERE id = 3`).run();
    db.close();

    const result = store.cache.list('orders', { sort: { field: 'id', direction: 'asc' } });
    expect(result.rows.map((r) => r.id)).toEqual([1]);
    expect(result.skipped.map((s) => s.id).sort()).toEqual([2, 3]);
    expect(store.cache.get('orders', 2)).toBeUndefined();
    expect(reported.some((r) => r.id === 2 && r.collection === 'orders')).toBe(true);
  });

  it('keeps a row with waiting changes when a sync page brings the old version, unless forced', () => {
    const store = openAt(freshFile());
    store.cache.upsertMany('orders', [order(1)]);
    store.outbox.enqueue({ kind: 'order.pause', targetId: 1, payload: {} }, () => {
      store.cache.upsertMany('orders', [order(1, { status: 'paused' })], { force: true });
    });
    expect(store.cache.upsertMany('orders', [order(1)])).toEqual({ written: 0, unchanged: 0, keptPending: [1] });
    expect(store.cache.get('orders', 1)?.entity.status).toBe('paused');
    expect(store.cache.upsertMany('orders', [order(1, { status: 'paused' })], { force: true }).written).toBe(1);
  });
});

describe('full-text search', () => {
  function seeded(): Store {
    const store = openAt(freshFile());
    store.cache.upsertMany('products', [
      product(1, { name: 'Gold membership', product_group: 'Clubs' }),
      product(2, { name: null, product_id: 'SILVER-2' }),
    ]);
    store.cache.upsertMany('customers', [
      customer(1, {
        first_name: 'Daniel',
        last_name: 'Smith',
        email: 'dan.smith@example.com',
        organisation: { name: 'Acme Widgets' },
      }),
      customer(2, { first_name: 'Danuta', last_name: 'Kowalska', email: 'danuta@beispiel.de' }),
      customer(3, { first_name: 'Zoë', last_name: 'Müller', email: 'zoe@example.com' }),
    ]);
    store.cache.upsertMany('orders', [
      order(10, {
        customer_id: 1,
        invoice_id: 'INV-2024-0001',
        products: [{ product_id: 1, amount: '20.00' }],
      }),
      order(11, {
        customer_id: 2,
        invoice_id: 'INV-2024-0002',
        status: 'paused',
        products: [{ product_id: 2, amount: '5.00' }],
      }),
      order(12, { customer_id: 3, invoice_id: 'ABC-77', products: [{ product_id: 99, amount: '1.00' }] }),
    ]);
    return store;
  }

  it('finds customers by name prefix, email, merchant id and organisation', () => {
    const store = seeded();
    const ids = (search: string) =>
      store.cache
        .list('customers', { search })
        .rows.map((r) => r.id)
        .sort();
    expect(ids('dan')).toEqual([1, 2]);
    expect(ids('dan smi')).toEqual([1]);
    expect(ids('dan.smith@exa')).toEqual([1]);
    expect(ids('CUS0000002')).toEqual([2]);
    expect(ids('acme')).toEqual([1]);
    expect(ids('zoe muller')).toEqual([3]); // diacritics folded
    expect(store.cache.list('customers', { search: 'dan' }).total).toBe(2);
  });

  it("finds orders by invoice id, status, the customer's name or email, and product names", () => {
    const store = seeded();
    const ids = (search: string) =>
      store.cache
        .list('orders', { search })
        .rows.map((r) => r.id)
        .sort();
    expect(ids('INV-2024')).toEqual([10, 11]);
    expect(ids('inv-2024-0002')).toEqual([11]);
    expect(ids('paused')).toEqual([11]);
    expect(ids('daniel')).toEqual([10]);
    expect(ids('danuta@beisp')).toEqual([11]);
    expect(ids('gold')).toEqual([10]);
    expect(ids('silver')).toEqual([11]); // product without a name: its product_id
  });

  it('follows a customer rename into order search', () => {
    const store = seeded();
    store.cache.upsertMany('customers', [
      customer(1, { first_name: 'Dominic', last_name: 'Smith', email: 'dom@example.com' }),
    ]);
    expect(store.cache.list('orders', { search: 'daniel' }).total).toBe(0);
    expect(store.cache.list('orders', { search: 'dominic' }).rows.map((r) => r.id)).toEqual([10]);
  });

  it('combines search with filters and counts only matches', () => {
    const store = seeded();
    const result = store.cache.list('orders', { search: 'inv', filter: { status: 'active' } });
    expect(result.total).toBe(1);
    expect(result.rows.map((r) => r.id)).toEqual([10]);
  });

  it('finds products by name, product id and group', () => {
    const store = seeded();
    expect(store.cache.list('products', { search: 'memb' }).rows.map((r) => r.id)).toEqual([1]);
    expect(store.cache.list('products', { search: 'silver-2' }).rows.map((r) => r.id)).toEqual([2]);
    expect(store.cache.list('products', { search: 'clubs' }).rows.map((r) => r.id)).toEqual([1]);
  });

  it('never throws on hostile input, and treats punctuation-only input as no search', () => {
    const store = seeded();
    const hostile = [
      '"',
      '""',
      'AND (',
      ') OR (',
      'NOT',
      'NEAR(a b)',
      '*',
      'dan*',
      'first_name:dan',
      '^dan',
      '-',
      "'; DROP TABLE orders; --",
      '\\',
      '{a b}',
      '😀',
      'a'.repeat(5000),
      'dan"  OR "x',
    ];
    for (const search of hostile) {
      expect(() => store.cache.list('customers', { search }), search).not.toThrow();
      expect(() => store.cache.list('orders', { search }), search).not.toThrow();
    }
    expect(store.cache.list('customers', { search: '"' }).total).toBe(3);
    expect(store.cache.list('customers', { search: 'AND (' }).total).toBe(0); // "AND" is a word here
    expect(store.cache.list('customers', { search: 'first_name:dan' }).total).toBe(0);
    expect(store.cache.list('customers', { search: 'dan*' }).total).toBe(2);
    expect(store.cache.list('orders').total).toBe(3); // nothing was dropped
  });
});

describe('full sync deletions, sync state and history', () => {
  it('removeMissing drops only BillPro rows the full pull did not see', () => {
    const store = openAt(freshFile());
    store.cache.upsertMany('customers', [customer(1), customer(2), customer(3), customer(4)]);
    const temp = store.cache.newTempId();
    store.outbox.enqueue(
      {
        kind: 'customer.create',
        targetId: temp,
        payload: { first_name: 'New', last_name: 'One', email: 'new@example.com' },
      },
      () => store.cache.upsertMany('customers', [customer(temp, { customer_id: '' })]),
    );
    store.outbox.enqueue({
      kind: 'customer.update',
      targetId: 4,
      payload: { first_name: 'F', last_name: 'L', email: 'person4@example.com' },
    });

    const run = store.syncLog.recordSync({ collection: 'customers', full: true });
    store.cache.upsertMany('customers', [customer(1), customer(3, { last_name: 'Changed' })], { run });
    expect(store.cache.removeMissing('customers', run)).toBe(1);
    expect(
      store.cache
        .list('customers', { sort: { field: 'created_at' } })
        .rows.map((r) => r.id)
        .sort((a, b) => a - b),
    ).toEqual([temp, 1, 3, 4]);
  });

  it('finds the rows a full pull did not see the same way in steps as at once, and counts synced rows without temp ones', () => {
    const store = openAt(freshFile());
    const ids = Array.from({ length: 23 }, (_, k) => 10 + k * 7);
    store.cache.upsertMany('customers', ids.map((id) => customer(id)));
    const temp = store.cache.newTempId();
    store.cache.upsertMany('customers', [customer(temp, { customer_id: '' })]);
    const run = store.syncLog.recordSync({ collection: 'customers', full: true });
    const seen = ids.filter((_, k) => k % 3 !== 0);
    store.cache.upsertMany('customers', seen.map((id) => customer(id)), { run });
    const unseen = ids.filter((_, k) => k % 3 === 0);
    expect(store.cache.missingSince('customers', run)).toEqual(unseen);
    for (const rows of [1, 4, 5, 23, 100]) {
      const found: number[] = [];
      for (let after: number | null = 0; after !== null; ) {
        const step = store.cache.missingSinceStep('customers', run, after, rows);
        found.push(...step.ids);
        after = step.next;
      }
      expect(found, `steps of ${rows}`).toEqual(unseen);
    }
    expect(store.cache.countSynced('customers')).toBe(ids.length);
  });

  it('keeps sync state across reopening', () => {
    const file = freshFile();
    const store = openAt(file);
    expect(store.cache.syncState('orders')).toEqual({
      collection: 'orders',
      syncedAt: null,
      nextPage: null,
      complete: false,
    });
    store.cache.saveSyncProgress('orders', { nextPage: 4 });
    open.pop()?.close();
    const again = openAt(file);
    expect(again.cache.syncState('orders')).toMatchObject({ nextPage: 4, complete: false, syncedAt: null });
    again.cache.markSynced('orders', '2024-05-01T10:00:00.000Z');
    expect(again.cache.syncState('orders')).toEqual({
      collection: 'orders',
      syncedAt: '2024-05-01T10:00:00.000Z',
      nextPage: null,
      complete: true,
    });
    expect(again.cache.syncState('customers').syncedAt).toBeNull();
  });

  it('records sync runs newest first, with their outcome', () => {
    let now = T0;
    const store = openAt(freshFile(), { now: () => new Date(now) });
    const first = store.syncLog.recordSync({ collection: 'products', full: true });
    now += 1000;
    store.syncLog.finishSync(first, { pages: 3, rows: 61 });
    const second = store.syncLog.recordSync({ collection: 'orders' });
    store.syncLog.finishSync(second, {
      pages: 1,
      rows: 0,
      error: new DeskError('NETWORK', 'BillPro could not be reached.'),
    });
    const history = store.syncLog.listSyncHistory(10);
    expect(history.map((h) => h.id)).toEqual([second, first]);
    expect(history[1]).toMatchObject({
      collection: 'products',
      full: true,
      pages: 3,
      rows: 61,
      error: null,
      startedAt: new Date(T0).toISOString(),
      finishedAt: new Date(T0 + 1000).toISOString(),
    });
    expect(history[0]?.error).toEqual({ code: 'NETWORK', message: 'BillPro could not be reached.' });
    expect(store.syncLog.listSyncHistory(1)).toHaveLength(1);
  });

  it('a closed store refuses calls plainly', () => {
    const store = openAt(freshFile());
    store.close();
    expect(store.closed).toBe(true);
    expect(() => store.cache.list('orders')).toThrowError(
      expect.objectContaining({ code: 'BAD_INPUT', message: expect.stringMatching(/closed/) }),
    );
    expect(() => store.close()).not.toThrow();
  });

  it('reports a healthy file as ok', () => {
    const store = openAt(freshFile());
    store.cache.upsertMany('orders', [order(1), order(2)]);
    expect(store.checkIntegrity()).toEqual(['ok']);
  });
});
