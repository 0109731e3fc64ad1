/**
 * The durable outbox on real encrypted files: a change and its optimistic cache write land
 * together or not at all, per-row ordering, the state rules, recovery after a crash, temp-id
 * rewrites, discards and the counts behind the badges.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'libsql';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { openStore, type Store } from '../../electron/core/store/index.ts';
import { DeskError } from '../../electron/common/errors.ts';

const dir = mkdtempSync(join(tmpdir(), 'billpro-outbox-'));
const KEY = 'outbox-test-key-41d2';
let counter = 0;
const open: Store[] = [];
let clock = Date.UTC(2024, 5, 1, 12);
const now = () => new Date(clock);

function freshFile(): string {
  return join(dir, `outbox-${++counter}.db`);
}

function openAt(file: string): Store {
  const store = openStore({ file, encryptionKey: KEY, now });
  open.push(store);
  return store;
}

function fresh(): Store {
  return openAt(freshFile());
}

afterEach(() => {
  for (const store of open.splice(0)) if (!store.closed) store.close();
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const stamp = '2024-01-01T00:00:00Z';

function customer(id: number, over: Record<string, unknown> = {}) {
  return {
    id,
    customer_id: id > 0 ? `CUS${String(id).padStart(7, '0')}` : '',
    first_name: `First${id}`,
    last_name: `Last${id}`,
    email: `person${Math.abs(id)}@example.com`,
    created_at: stamp,
    updated_at: stamp,
    ...over,
  };
}

function order(id: number, over: Record<string, unknown> = {}) {
  return {
    id,
    order_type: 'single_payment',
    status: 'active',
    invoice_id: `INV-${Math.abs(id)}`,
    customer_id: 1,
    currency: 'EUR',
    products: [{ product_id: 1, amount: '10.00' }],
    created_at: stamp,
    ...over,
  };
}

const input = (n: number) => ({
  first_name: `First${n}`,
  last_name: `Last${n}`,
  email: `Person${n}@Example.com`,
});

/** Queues an offline-created customer with its optimistic row, as the Desk does. */
function createCustomer(store: Store, n: number) {
  const temp = store.cache.newTempId();
  const entry = store.outbox.enqueue({ kind: 'customer.create', targetId: temp, payload: input(n) }, () => {
    store.cache.upsertMany('customers', [customer(temp, input(n))]);
  });
  return { temp, entry };
}

function createOrder(store: Store, customerId: number) {
  const temp = store.cache.newTempId();
  const entry = store.outbox.enqueue(
    {
      kind: 'order.create',
      targetId: temp,
      payload: {
        order_type: 'single_payment',
        order: {
          currency: 'EUR',
          customer_id: customerId,
          invoice_id: `INV-NEW-${-temp}`,
          order_products: [{ product_id: 1 }],
        },
      },
    },
    () => {
      store.cache.upsertMany('orders', [
        order(temp, { customer_id: customerId, status: 'draft', invoice_id: `INV-NEW-${-temp}` }),
      ]);
    },
  );
  return { temp, entry };
}

describe('enqueue is atomic with its optimistic change', () => {
  it('writes the entry and the optimistic row together, with a pending badge', () => {
    const store = fresh();
    const { temp, entry } = createCustomer(store, 1);
    expect(temp).toBeLessThan(0);
    expect(entry).toMatchObject({
      kind: 'customer.create',
      state: 'pending',
      targetCollection: 'customers',
      targetId: temp,
      naturalKey: 'person1@example.com',
      attempts: 0,
      lastError: null,
    });
    expect(entry.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(store.cache.get('customers', temp)).toMatchObject({ pending: 1, local: true, localId: temp });
    expect(store.cache.list('customers', { filter: { pending: true } }).total).toBe(1);
  });

  it('a failing optimistic change leaves no outbox entry', () => {
    const store = fresh();
    const temp = store.cache.newTempId();
    expect(() =>
      store.outbox.enqueue({ kind: 'customer.create', targetId: temp, payload: input(1) }, () => {
        store.cache.upsertMany('customers', [customer(temp)]);
        throw new DeskError('BAD_INPUT', 'the form changed its mind');
      }),
    ).toThrowError('the form changed its mind');
    expect(store.outbox.list()).toEqual([]);
    expect(store.cache.get('customers', temp)).toBeUndefined();
    expect(store.outbox.counts().pending).toBe(0);
  });

  it('a failing entry write leaves no optimistic change (same id queued twice)', () => {
    const store = fresh();
    store.cache.upsertMany('orders', [order(5)]);
    const id = '6f1c1f7e-2d55-4d8b-9f7a-0d2f2f9c1a11';
    store.outbox.enqueue({ kind: 'order.pause', targetId: 5, payload: {}, id }, () => {
      store.cache.upsertMany('orders', [order(5, { status: 'paused' })], { force: true });
    });
    expect(() =>
      store.outbox.enqueue({ kind: 'order.cancel', targetId: 5, payload: {}, id }, () => {
        store.cache.upsertMany('orders', [order(5, { status: 'cancelled' })], { force: true });
      }),
    ).toThrowError(expect.objectContaining({ code: 'CONFLICT' }));
    expect(store.cache.get('orders', 5)).toMatchObject({ pending: 1, entity: { status: 'paused' } });
    expect(store.outbox.list().map((e) => e.kind)).toEqual(['order.pause']);
  });

  it('refuses an invalid payload with per-field messages and writes nothing', () => {
    const store = fresh();
    let caught: unknown;
    try {
      store.outbox.enqueue({ kind: 'customer.update', targetId: 1, payload: { first_name: 'A' } as never }, () =>
        store.cache.upsertMany('customers', [customer(1)]),
      );
    } catch (error) {
      caught = error;
    }
    expect(caught).toMatchObject({
      code: 'BAD_INPUT',
      fields: { last_name: [expect.any(String)], email: [expect.any(String)] },
    });
    expect(store.cache.get('customers', 1)).toBeUndefined();
    expect(store.outbox.list()).toEqual([]);
  });

  it('gives entries strictly increasing, time-ordered sequence numbers', () => {
    const store = fresh();
    store.cache.upsertMany('orders', [order(1)]);
    const a = store.outbox.enqueue({ kind: 'order.pause', targetId: 1, payload: {} });
    const b = store.outbox.enqueue({ kind: 'order.resume', targetId: 1, payload: {} });
    expect(b.seq).toBeGreaterThan(a.seq);
    expect(Math.floor(a.seq / 1000)).toBe(clock);
  });
});

describe('ordering', () => {
  it('holds back later changes to the same row until the earlier one is done, not unrelated rows', () => {
    const store = fresh();
    store.cache.upsertMany('orders', [order(1), order(2)]);
    const a = store.outbox.enqueue({ kind: 'order.pause', targetId: 1, payload: {} });
    const b = store.outbox.enqueue({ kind: 'order.resume', targetId: 1, payload: {} });
    const c = store.outbox.enqueue({ kind: 'order.cancel', targetId: 2, payload: {} });

    expect(store.outbox.nextReady()?.seq).toBe(a.seq);
    store.outbox.markSending(a.seq);
    expect(store.outbox.nextReady()?.seq).toBe(c.seq); // b waits behind a
    store.outbox.markFailed(
      a.seq,
      new DeskError('VALIDATION', 'Order cannot be paused.', { fields: { status: ['is not active'] } }),
    );
    expect(store.outbox.nextReady()?.seq).toBe(c.seq); // a failed: still holds b, not c
    store.outbox.markSending(c.seq);
    store.outbox.markDone(c.seq);
    expect(store.outbox.nextReady()).toBeNull();
    store.outbox.discard(a.seq);
    expect(store.outbox.nextReady()?.seq).toBe(b.seq);
  });

  it('waits out a transient backoff, and says when to wake up', () => {
    const store = fresh();
    store.cache.upsertMany('orders', [order(1)]);
    const a = store.outbox.enqueue({ kind: 'order.cancel', targetId: 1, payload: {} });
    store.outbox.markSending(a.seq);
    const retryAt = new Date(clock + 30_000);
    const failed = store.outbox.markFailed(
      a.seq,
      { code: 'NETWORK', message: 'BillPro could not be reached.' },
      { retryAt },
    );
    expect(failed).toMatchObject({ state: 'pending', attempts: 1, lastError: { code: 'NETWORK' } });
    expect(store.outbox.nextReady()).toBeNull();
    expect(store.outbox.nextWakeAt()).toBe(retryAt.toISOString());
    expect(store.outbox.nextReady(new Date(clock + 30_000))?.seq).toBe(a.seq);
  });

  it('an order for an offline-created customer waits for that customer to be created', () => {
    const store = fresh();
    const customerCreate = createCustomer(store, 1);
    const orderCreate = createOrder(store, customerCreate.temp);
    expect(orderCreate.entry.refId).toBe(customerCreate.temp);

    expect(store.outbox.nextReady()?.seq).toBe(customerCreate.entry.seq);
    store.outbox.markSending(customerCreate.entry.seq);
    expect(store.outbox.nextReady()).toBeNull();
    store.outbox.markUnknown(customerCreate.entry.seq, { code: 'TIMEOUT', message: 'No answer from BillPro.' });
    expect(store.outbox.nextReady()).toBeNull(); // unknown is resolved by a lookup, never resent blindly
    store.outbox.markDone(customerCreate.entry.seq, { id: 501 });
    expect(store.outbox.nextReady()?.seq).toBe(orderCreate.entry.seq);
  });
});

describe('state rules', () => {
  it('refuses moves the state machine does not allow', () => {
    const store = fresh();
    store.cache.upsertMany('orders', [order(1)]);
    const a = store.outbox.enqueue({ kind: 'order.cancel', targetId: 1, payload: {} });
    expect(() => store.outbox.markDone(a.seq)).toThrowError(expect.objectContaining({ code: 'CONFLICT' }));
    expect(() => store.outbox.retry(a.seq)).toThrowError(expect.objectContaining({ code: 'CONFLICT' }));
    store.outbox.markSending(a.seq);
    expect(() => store.outbox.discard(a.seq)).toThrowError(expect.objectContaining({ code: 'CONFLICT' })); // in flight
    store.outbox.markUnknown(a.seq, { code: 'NETWORK', message: 'Connection reset.' });
    expect(() => store.outbox.retry(a.seq)).toThrowError(expect.objectContaining({ code: 'CONFLICT' }));
    expect(() => store.outbox.markSending(99)).toThrowError(expect.objectContaining({ code: 'NOT_FOUND' }));
    expect(store.outbox.markPending(a.seq).state).toBe('pending'); // the lookup found nothing
  });

  it('retries a failed change with an edited payload, checked like a new one', () => {
    const store = fresh();
    store.cache.upsertMany('customers', [customer(1)]);
    const a = store.outbox.enqueue({ kind: 'customer.update', targetId: 1, payload: { ...input(1), phone: '123' } });
    store.outbox.markSending(a.seq);
    store.outbox.markFailed(
      a.seq,
      new DeskError('VALIDATION', 'Phone is invalid.', { fields: { phone: ['is invalid'] } }),
    );
    expect(store.outbox.get(a.seq)?.lastError).toEqual({
      code: 'VALIDATION',
      message: 'Phone is invalid.',
      fields: { phone: ['is invalid'] },
    });
    expect(() => store.outbox.retry(a.seq, { payload: { phone: '+44 20 7946 0958' } })).toThrowError(
      expect.objectContaining({ code: 'BAD_INPUT' }),
    );
    const retried = store.outbox.retry(a.seq, {
      payload: { ...input(1), email: 'NEW@example.com', phone: '+44 20 7946 0958' },
    });
    expect(retried).toMatchObject({
      state: 'pending',
      lastError: null,
      naturalKey: 'new@example.com',
      attempts: 1,
    });
    expect(retried.kind === 'customer.update' && retried.payload.phone).toBe('+44 20 7946 0958');
    expect(store.outbox.nextReady()?.seq).toBe(a.seq);
  });

  it('counts entries by state for badges, and the row badge follows', () => {
    const store = fresh();
    store.cache.upsertMany('orders', [order(1), order(2), order(3)]);
    const a = store.outbox.enqueue({ kind: 'order.cancel', targetId: 1, payload: {} });
    const b = store.outbox.enqueue({ kind: 'order.pause', targetId: 2, payload: {} });
    const c = store.outbox.enqueue({ kind: 'order.renewCheckout', targetId: 3, payload: {} });
    store.outbox.enqueue({ kind: 'order.resume', targetId: 2, payload: {} });
    expect(store.cache.get('orders', 2)?.pending).toBe(2);
    store.outbox.markSending(a.seq);
    store.outbox.markDone(a.seq, { status: 'cancelled' });
    store.outbox.markSending(b.seq);
    store.outbox.markConflict(b.seq, { code: 'CONFLICT', message: 'The order is not active.' });
    store.outbox.markSending(c.seq);
    expect(store.outbox.counts()).toEqual({
      pending: 1,
      sending: 1,
      unknown: 0,
      done: 1,
      failed: 0,
      conflict: 1,
      discarded: 0,
      waiting: 2,
      needsAttention: 1,
    });
    expect(store.cache.get('orders', 1)).toMatchObject({ pending: 0, stale: true });
    expect(store.cache.get('orders', 2)?.pending).toBe(2);
    expect(store.outbox.list({ states: ['conflict'] }).map((e) => e.seq)).toEqual([b.seq]);
    expect(store.outbox.list({ targetCollection: 'orders', targetId: 2 })).toHaveLength(2);
    expect(store.outbox.get(a.seq)?.result).toEqual({ status: 'cancelled' });
  });
});

describe('recovery after a crash', () => {
  it("moves entries left 'sending' to 'unknown' on reopen, never back to pending", () => {
    const file = freshFile();
    const store = openAt(file);
    store.cache.upsertMany('customers', [customer(1)]);
    const a = store.outbox.enqueue({ kind: 'customer.update', targetId: 1, payload: input(1) });
    const b = store.outbox.enqueue({ kind: 'customer.update', targetId: 1, payload: input(2) });
    store.outbox.markSending(a.seq);
    store.close(); // the app dies before it hears back

    const again = openAt(file);
    expect(again.recovered).toEqual({ unknown: 1, invalid: 0 });
    expect(again.outbox.get(a.seq)).toMatchObject({
      state: 'unknown',
      attempts: 1,
      lastError: { code: 'NETWORK' },
    });
    expect(again.outbox.get(b.seq)?.state).toBe('pending');
    expect(again.outbox.nextReady()).toBeNull(); // b still waits behind a
    expect(again.cache.get('customers', 1)?.pending).toBe(2);
  });

  it('marks a stored entry whose payload no longer validates as failed on open', () => {
    const file = freshFile();
    const store = openAt(file);
    store.cache.upsertMany('customers', [customer(1)]);
    const a = store.outbox.enqueue({ kind: 'customer.update', targetId: 1, payload: input(1) });
    store.close();
    const options: Database.Options & { encryptionKey: string } = { encryptionKey: KEY };
    const db = new Database(file, options);
    db.prepare(`UPDATE outbox SET payload = '{"email": 42}' WHERE seq = ?`).run(a.seq);
    db.close();

    const again = openAt(file);
    expect(again.recovered.invalid).toBe(1);
    expect(again.outbox.nextReady()).toBeNull();
    const counts = again.outbox.counts();
    expect(counts.failed).toBe(1);
  });

  it('repairs pending badges from the outbox on open', () => {
    const file = freshFile();
    const store = openAt(file);
    store.cache.upsertMany('customers', [customer(1), customer(2)]);
    store.outbox.enqueue({ kind: 'customer.update', targetId: 1, payload: input(1) });
    store.close();
    const options: Database.Options & { encryptionKey: string } = { encryptionKey: KEY };
    const db = new Database(file, options);
    db.exec('UPDATE customers SET pending = 5');
    db.close();
    const again = openAt(file);
    expect(again.cache.get('customers', 1)?.pending).toBe(1);
    expect(again.cache.get('customers', 2)?.pending).toBe(0);
  });
});

describe('temp ids', () => {
  it('are unique across collections and never reused', () => {
    const store = fresh();
    const ids = [store.cache.newTempId(), store.cache.newTempId(), store.cache.newTempId()];
    expect(new Set(ids).size).toBe(3);
    expect(ids.every((id) => id < 0)).toBe(true);
  });

  it('rewrite the row, references to it and later outbox entries in one go', () => {
    const store = fresh();
    const c = createCustomer(store, 1);
    const o = createOrder(store, c.temp);
    const update = store.outbox.enqueue({ kind: 'customer.update', targetId: c.temp, payload: input(3) });

    store.outbox.markSending(c.entry.seq);
    const rewrite = store.transaction((tx) => {
      tx.outbox.markDone(c.entry.seq, { id: 501 });
      const result = tx.rewriteTempId(c.temp, 501);
      tx.cache.upsertMany('customers', [customer(501, input(1))], { force: true });
      return result;
    });
    expect(rewrite).toEqual({ collection: 'customers', outboxEntries: 3 }); // the create itself, the update, the order's reference
    expect(store.outbox.get(c.entry.seq)?.targetId).toBe(501);

    expect(store.cache.get('customers', 501)).toMatchObject({ id: 501, local: false, localId: c.temp, pending: 1 });
    expect(store.cache.get('customers', c.temp)?.id).toBe(501); // a screen holding the temp id still finds it
    expect(store.cache.get('orders', o.temp)?.entity.customer_id).toBe(501);
    expect(store.cache.list('orders', { filter: { customer_id: 501 } }).total).toBe(1);
    expect(store.cache.list('orders', { search: 'first1' }).total).toBe(1);

    const queuedOrder = store.outbox.get(o.entry.seq);
    expect(queuedOrder?.refId).toBe(501);
    expect(queuedOrder?.kind === 'order.create' && queuedOrder.payload.order.customer_id).toBe(501);
    expect(store.outbox.get(update.seq)?.targetId).toBe(501);
    expect(store.outbox.nextReady()?.seq).toBe(o.entry.seq);
  });

  it('fold into the BillPro row when a sync brought it first', () => {
    const store = fresh();
    const c = createCustomer(store, 1);
    store.cache.upsertMany('customers', [customer(777, input(1))]); // a lookup after an unknown outcome found it
    store.outbox.markSending(c.entry.seq);
    store.outbox.markUnknown(c.entry.seq, { code: 'TIMEOUT', message: 'No answer.' });
    store.transaction((tx) => {
      tx.outbox.markDone(c.entry.seq, { id: 777 });
      tx.rewriteTempId(c.temp, 777);
    });
    expect(store.cache.list('customers').total).toBe(1);
    expect(store.cache.get('customers', c.temp)).toMatchObject({ id: 777, localId: c.temp, pending: 0 });
    expect(store.checkIntegrity()).toEqual(['ok']);
  });

  it('roll back together with the rest of the transaction', () => {
    const store = fresh();
    const c = createCustomer(store, 1);
    store.outbox.markSending(c.entry.seq);
    expect(() =>
      store.transaction((tx) => {
        tx.outbox.markDone(c.entry.seq);
        tx.rewriteTempId(c.temp, 501);
        throw new Error('disk said no');
      }),
    ).toThrow('disk said no');
    expect(store.outbox.get(c.entry.seq)?.state).toBe('sending');
    expect(store.cache.get('customers', c.temp)?.id).toBe(c.temp);
    expect(store.cache.get('customers', 501)).toBeUndefined();
  });

  it('refuse ids that are not temp/real', () => {
    const store = fresh();
    expect(() => store.rewriteTempId(5, 6)).toThrowError(expect.objectContaining({ code: 'BAD_INPUT' }));
    expect(() => store.rewriteTempId(-5, -6)).toThrowError(expect.objectContaining({ code: 'BAD_INPUT' }));
  });
});

describe('discard', () => {
  it('deletes a row created offline and fails the changes that build on it, saying why', () => {
    const store = fresh();
    const c = createCustomer(store, 1);
    const o = createOrder(store, c.temp);
    store.outbox.markSending(c.entry.seq);
    store.outbox.markFailed(
      c.entry.seq,
      new DeskError('VALIDATION', 'Email has already been taken.', {
        fields: { email: ['has already been taken'] },
      }),
    );
    store.outbox.discard(c.entry.seq);

    expect(store.cache.get('customers', c.temp)).toBeUndefined();
    const orphan = store.outbox.get(o.entry.seq);
    expect(orphan?.state).toBe('failed');
    expect(orphan?.lastError?.message).toMatch(/customer .* was discarded/);
    expect(store.cache.get('orders', o.temp)?.pending).toBe(1); // still visible, waiting for the person
    expect(store.outbox.nextReady()).toBeNull();
    store.outbox.discard(o.entry.seq);
    expect(store.cache.get('orders', o.temp)).toBeUndefined();
    expect(store.outbox.counts()).toMatchObject({ waiting: 0, needsAttention: 0, discarded: 2 });
  });

  it("keeps a BillPro row's optimistic change but marks it stale, so the next sync overwrites it", () => {
    const store = fresh();
    store.cache.upsertMany('orders', [order(1)]);
    const a = store.outbox.enqueue({ kind: 'order.cancel', targetId: 1, payload: {} }, () =>
      store.cache.upsertMany('orders', [order(1, { status: 'cancelled' })], { force: true }),
    );
    store.outbox.markSending(a.seq);
    store.outbox.markConflict(a.seq, { code: 'CONFLICT', message: 'The order is already complete.' });
    store.outbox.discard(a.seq);

    expect(store.cache.get('orders', 1)).toMatchObject({
      pending: 0,
      stale: true,
      entity: { status: 'cancelled' },
    });
    expect(store.cache.listStale()).toEqual([{ collection: 'orders', id: 1 }]);
    store.cache.upsertMany('orders', [order(1, { status: 'complete' })]);
    expect(store.cache.get('orders', 1)).toMatchObject({ stale: false, entity: { status: 'complete' } });
    expect(store.cache.listStale()).toEqual([]);
  });

  it('prunes old finished entries only', () => {
    const store = fresh();
    store.cache.upsertMany('orders', [order(1)]);
    const a = store.outbox.enqueue({ kind: 'order.cancel', targetId: 1, payload: {} });
    const b = store.outbox.enqueue({ kind: 'order.pause', targetId: 1, payload: {} });
    store.outbox.discard(a.seq);
    clock += 86_400_000;
    expect(store.outbox.prune(new Date(clock).toISOString())).toBe(1);
    expect(store.outbox.list().map((e) => e.seq)).toEqual([b.seq]);
  });
});
