/**
 * One profile at work: its BillPro client, its encrypted cache and outbox, and the sync that
 * keeps them in step (DESIGN.md "Flows").
 *
 * - Reads answer from the cache at once; fresher rows arrive in the background and a
 *   `dataRefreshed` event tells the renderer.
 * - Writes go to the outbox in the same transaction as their optimistic change, then out to
 *   BillPro. When BillPro is reachable the caller waits briefly for the answer, so a refusal
 *   (a 422 with field messages) goes straight back to the form that made it; offline, the change
 *   waits in the outbox and the row carries a pending badge.
 */
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, rename, rm } from 'node:fs/promises';
import path from 'node:path';
import type { z } from 'zod';
import type {
  CustomerRow,
  EventName,
  EventPayload,
  Methods,
  OrderRow,
  OutboxEntrySummary,
  PendingRemovalSummary,
  ProductRow,
  ScheduledPaymentRow,
  SyncBudget,
  SyncStatus,
} from '../common/contract.ts';
import { BillProClient } from './billpro/client.ts';
import type { AttemptReport } from './billpro/transport.ts';
import type {
  Customer,
  CustomerAddress,
  CustomerInput,
  Order,
  OrderInput,
  OrderStatus,
  PurchaseType,
  ScheduledPaymentUpdate,
} from '../common/wire.ts';
import type { Connection, SessionTuning } from './desk.ts';
import { DeskError, isDeskError } from '../common/errors.ts';
import { cacheKeyAccount, type SecretStore } from './secrets.ts';
import {
  openStore,
  type CachedRow,
  type Collection,
  type NewOutboxEntry,
  type OutboxEntry,
  type Store,
} from './store/index.ts';
import { ConnectivityTracker } from './sync/connectivity.ts';
import { RequestBudget } from './sync/budget.ts';
import { SyncEngine } from './sync/engine.ts';
import { SyncPlan } from './sync/plan.ts';
import { Pusher } from './sync/pusher.ts';

type Emit = <E extends EventName>(event: E, payload: EventPayload<E>) => void;
type Input<M extends keyof Methods> = z.output<Methods[M]['input']>;

export interface SessionOptions {
  profileId: string;
  connection: Connection;
  dataDir: string;
  secrets: SecretStore;
  emit: Emit;
  tuning: SessionTuning;
}

const PRELIMINARY: readonly OrderStatus[] = ['draft', 'pending', 'rejected'];
const FINAL: readonly OrderStatus[] = ['cancelled', 'complete'];
const UPDATABLE_PAYMENT = new Set(['scheduled', 'soft-declined', 'hard-declined', 'paused']);
const EVENT_COLLECTION: Record<Collection, 'products' | 'customers' | 'orders' | 'scheduled_payments'> = {
  products: 'products',
  customers: 'customers',
  orders: 'orders',
  scheduledPayments: 'scheduled_payments',
};

export function profileFolder(dataDir: string, profileId: string): string {
  return path.join(dataDir, 'profiles', profileId);
}

export class ProfileSession {
  private readonly client: BillProClient;
  private readonly connectivity: ConnectivityTracker;
  private readonly pusher: Pusher;
  /** The request budget and the tiered sync (electron/core/sync/engine.ts). */
  readonly budget: RequestBudget;
  readonly engine: SyncEngine;
  private closed = false;
  private readonly refreshing = new Set<string>();

  private constructor(
    private readonly options: SessionOptions,
    private readonly store: Store,
  ) {
    const { tuning } = options;
    const connection = { baseUrl: options.connection.baseUrl, token: options.connection.token, profileId: options.connection.profileId };
    this.budget = new RequestBudget(tuning.requestsPerMinute ? { perMinute: tuning.requestsPerMinute } : {});
    const onAttempt = (attempt: AttemptReport) => {
      this.budget.note(attempt);
      if (attempt.status !== undefined) this.engine.noteAnswer();
    };
    this.client = new BillProClient(connection, { timeoutMs: tuning.requestTimeoutMs ?? 15_000, onAttempt });
    // Probes: one attempt, a short timeout, so "not answering" shows within 15 s.
    const probeClient = new BillProClient(connection, {
      timeoutMs: tuning.probeTimeoutMs ?? 3_000,
      maxAttempts: 1,
      onAttempt,
    });
    this.connectivity = new ConnectivityTracker(
      (state, detail) => {
        this.emit('connectivity', { profileId: options.profileId, state, detail });
        if (state === 'online') {
          void this.pusher.kick();
          // Back online: whatever tier is due runs; a flapping link does not start full pulls.
          void this.engine.tick();
        }
      },
      async () => {
        await probeClient.listProducts(1);
      },
      tuning.probeIntervalMs ?? 3_000,
    );
    this.pusher = new Pusher({
      store,
      client: this.client,
      connectivity: this.connectivity,
      onChanged: (collections) => {
        this.emitOutbox();
        if (collections.length) this.emitData(collections);
      },
    });
    this.engine = new SyncEngine({
      store,
      client: this.client,
      probeClient,
      budget: this.budget,
      plan: new SyncPlan(path.join(profileFolder(options.dataDir, options.profileId), 'sync-plan.json')),
      timing: {
        ...(tuning.syncIntervalMs ? { headIntervalMs: tuning.syncIntervalMs } : {}),
        ...(tuning.probeSilenceMs ? { probeSilenceMs: tuning.probeSilenceMs } : {}),
      },
      report: (error) => {
        this.connectivity.report(error);
        // BillPro answered: a change whose lookup could not be made earlier may go now (the
        // pusher only sends what is due, so this adds no request when nothing waits).
        if (error === null) void this.pusher.kick();
      },
      online: () => this.connectivity.online,
      onProgress: (p) =>
        this.emit('progress', {
          profileId: options.profileId,
          task: 'sync',
          collection: p.collection ? EVENT_COLLECTION[p.collection] : null,
          done: p.done,
          total: p.total,
          etaSeconds: p.etaSeconds,
          finished: p.finished,
        }),
      onData: (collections) => this.emitData(collections),
      onRemovals: (collections) => this.emitData(collections),
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
    session.emitOutbox();
    session.emit('connectivity', { profileId: options.profileId, state: 'unknown', detail: null });
    void session.pusher.kick();
    // The first tick runs the first sync (or resumes an interrupted one); then tiers, see engine.ts.
    void session.engine.tick();
    session.engine.start();
    return session;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.connectivity.close();
    await this.engine.close();
    await this.pusher.close();
    this.store.close();
  }

  static async destroyLocalData(dataDir: string, profileId: string, session: ProfileSession | null): Promise<void> {
    await session?.close();
    await rm(profileFolder(dataDir, profileId), { recursive: true, force: true });
  }

  // ---------------------------------------------------------------- reads

  listProducts(input: Input<'products.list'>) {
    const result = this.store.list('products', {
      filter: {
        ...(input.type ? { product_type: input.type } : {}),
        ...(input.status ? { product_status: input.status } : {}),
        ...(input.group ? { product_group: input.group } : {}),
      },
      ...(input.search ? { search: input.search } : {}),
      ...(input.sort ? { sort: { field: input.sort.by, direction: input.sort.dir } } : {}),
      limit: input.limit,
      offset: input.offset,
    });
    return this.page('products', result.rows.map(productRow), result.total);
  }

  productGroups(): string[] {
    return this.store.productGroups();
  }

  async getProduct(id: number): Promise<ProductRow> {
    return productRow(await this.getOrFetch('products', id, () => this.client.getProduct(id)));
  }

  listCustomers(input: Input<'customers.list'>) {
    const result = this.store.list('customers', {
      ...(input.search ? { search: input.search } : {}),
      ...(input.sort ? { sort: { field: input.sort.by, direction: input.sort.dir } } : {}),
      limit: input.limit,
      offset: input.offset,
    });
    return this.page('customers', result.rows.map(customerRow), result.total);
  }

  async getCustomer(id: number): Promise<CustomerRow> {
    return customerRow(await this.getOrFetch('customers', id, () => this.client.getCustomer(id)));
  }

  listOrders(input: Input<'orders.list'>) {
    const created =
      input.createdFrom || input.createdTo
        ? { created_at: { ...(input.createdFrom ? { from: input.createdFrom } : {}), ...(input.createdTo ? { to: input.createdTo } : {}) } }
        : {};
    const result = this.store.list('orders', {
      filter: {
        ...(input.status?.length ? { status: input.status } : {}),
        ...(input.type ? { order_type: input.type } : {}),
        ...(input.customerId !== undefined ? { customer_id: input.customerId } : {}),
        ...created,
      },
      ...(input.search ? { search: input.search } : {}),
      ...(input.sort ? { sort: { field: input.sort.by, direction: input.sort.dir } } : {}),
      limit: input.limit,
      offset: input.offset,
    });
    const names = new Map<number, string | null>();
    return this.page('orders', result.rows.map((row) => this.orderRow(row, names)), result.total);
  }

  async getOrder(id: number): Promise<OrderRow> {
    return this.orderRow(await this.getOrFetch('orders', id, () => this.client.getOrder(id)));
  }

  listScheduledPayments(orderId: number): { rows: ScheduledPaymentRow[]; syncedAt: string | null } {
    const order = this.store.get('orders', orderId);
    const realId = order?.id ?? orderId;
    const result = this.store.list('scheduledPayments', { filter: { order_id: realId }, limit: 1000 });
    if (realId > 0) {
      this.refreshInBackground(`payments:${realId}`, async () => {
        const payments = await this.client.listScheduledPayments(realId);
        const written = this.store.upsertMany('scheduledPayments', payments);
        return written.written > 0 ? ['scheduledPayments'] : [];
      });
    }
    return {
      rows: result.rows.map(paymentRow),
      syncedAt: this.store.syncState('scheduledPayments').syncedAt,
    };
  }

  /** Cached row at once (refreshed in the background), else BillPro's answer. */
  private async getOrFetch<C extends 'products' | 'customers' | 'orders'>(
    collection: C,
    id: number,
    fetch: () => Promise<unknown>,
  ): Promise<CachedRow<C>> {
    const cached = this.store.get(collection, id);
    if (cached) {
      if (cached.id > 0) {
        this.refreshInBackground(`${collection}:${cached.id}`, async () => {
          const fresh = await fetch();
          return this.store.upsertMany(collection, [fresh]).written > 0 ? [collection] : [];
        });
      }
      return cached;
    }
    if (id < 0) throw new DeskError('NOT_FOUND', 'That record was discarded before it reached BillPro.');
    try {
      const fresh = await fetch();
      this.connectivity.report(null);
      this.store.upsertMany(collection, [fresh]);
    } catch (error) {
      this.connectivity.report(error);
      if (isDeskError(error) && error.code !== 'NOT_FOUND') {
        throw new DeskError(error.code, `It is not in this device's copy yet, and ${lowerFirst(error.message)}`, {
          status: error.status,
        });
      }
      throw error;
    }
    const row = this.store.get(collection, id);
    if (!row) throw new DeskError('NOT_FOUND', 'BillPro has no such record.');
    return row;
  }

  private refreshInBackground(key: string, work: () => Promise<Collection[]>): void {
    if (!this.connectivity.online || this.refreshing.has(key) || this.closed) return;
    this.refreshing.add(key);
    work()
      .then((changed) => {
        this.connectivity.report(null);
        if (changed.length) this.emitData(changed);
      })
      .catch((error: unknown) => this.connectivity.report(error))
      .finally(() => this.refreshing.delete(key));
  }

  /** An order as the renderer shows it: with its customer's name from the cache. */
  private orderRow(row: CachedRow<'orders'>, names = new Map<number, string | null>()): OrderRow {
    const customerId = row.entity.customer_id;
    if (!names.has(customerId)) {
      const customer = this.store.get('customers', customerId)?.entity;
      names.set(customerId, customer ? `${customer.first_name} ${customer.last_name}`.trim() || customer.email : null);
    }
    return { ...row.entity, id: row.id, customer_name: names.get(customerId) ?? null, pending: row.pending, localOnly: row.local };
  }

  private page<R>(collection: Collection, rows: R[], total: number) {
    return { rows, total, syncedAt: this.store.syncState(collection).syncedAt };
  }

  // ---------------------------------------------------------------- writes

  async createCustomer(input: CustomerInput): Promise<CustomerRow> {
    const tempId = this.store.newTempId();
    const now = new Date().toISOString();
    const entity: Customer = {
      id: tempId,
      customer_id: '',
      ...customerFields(input),
      created_at: now,
      updated_at: now,
    };
    const row = await this.mutate({ kind: 'customer.create', payload: input, targetId: tempId }, (tx) => {
      tx.upsertMany('customers', [entity], { force: true });
    });
    return customerRow(row as CachedRow<'customers'>);
  }

  async updateCustomer(id: number, input: CustomerInput): Promise<CustomerRow> {
    const current = this.requireRow('customers', id);
    const entity: Customer = {
      ...current.entity,
      ...customerFields(input),
      updated_at: new Date().toISOString(),
    };
    const row = await this.mutate({ kind: 'customer.update', payload: input, targetId: current.id }, (tx) => {
      tx.upsertMany('customers', [entity], { force: true });
    });
    return customerRow(row as CachedRow<'customers'>);
  }

  async createOrder(purchaseType: PurchaseType, order: OrderInput & { customer_id: number }): Promise<OrderRow> {
    const customer = this.requireRow('customers', order.customer_id);
    if (purchaseType !== 'single_payment' && order.order_products.length !== 1) {
      throw new DeskError('VALIDATION', 'This purchase type takes exactly one product.', {
        fields: { order_products: ['must contain exactly one product for this purchase type'] },
      });
    }
    const lines = order.order_products.map((line) => {
      const product = this.store.get('products', line.product_id);
      if (!product) throw new DeskError('NOT_FOUND', `Product ${line.product_id} is not in this device's copy.`);
      if (product.entity.product_type !== purchaseType) {
        throw new DeskError('VALIDATION', `Product ${product.entity.name ?? product.entity.product_id} cannot be sold as ${purchaseType}.`, {
          fields: { order_products: [`product type ${product.entity.product_type} does not match ${purchaseType} order`] },
        });
      }
      return { line, product: product.entity };
    });
    const body: OrderInput = { ...order, customer_id: customer.id, invoice_id: order.invoice_id?.trim() || newInvoiceId() };
    const tempId = this.store.newTempId();
    const now = new Date().toISOString();
    const cents = (v: string | undefined | null) => Math.round(Number(v ?? 0) * 100);
    let subtotal = 0;
    let discount = 0;
    let fee = 0;
    let tax = 0;
    const products = lines.map(({ line, product }) => {
      const qty = line.qty ?? 1;
      const amount = line.amount ?? product.price;
      subtotal += cents(amount) * qty;
      discount += cents(line.discount_amount);
      fee += cents(line.fee_amount);
      tax += cents(line.tax_amount);
      return {
        product_id: product.id,
        qty,
        amount,
        discount_amount: line.discount_amount ?? null,
        fee_amount: line.fee_amount ?? null,
        tax_amount: line.tax_amount ?? null,
        name: product.name ?? null,
      };
    });
    const entity: Order = {
      id: tempId,
      profile_id: null,
      order_type: purchaseType,
      status: 'pending',
      invoice_id: body.invoice_id ?? null,
      customer_id: customer.id,
      currency: body.currency,
      products,
      total_discount_amount: toMoney(discount),
      total_fee_amount: toMoney(fee),
      total_tax_amount: toMoney(tax),
      total_amount: toMoney(subtotal - discount + fee + tax),
      note: body.note ?? null,
      order_source: 2,
      created_at: now,
      updated_at: now,
    };
    const row = await this.mutate(
      { kind: 'order.create', payload: { order_type: purchaseType, order: body }, targetId: tempId },
      (tx) => {
        tx.upsertMany('orders', [entity], { force: true });
      },
    );
    return this.orderRow(row as CachedRow<'orders'>);
  }

  async manageOrder(action: 'cancel' | 'pause' | 'resume' | 'renewCheckout', id: number): Promise<OrderRow> {
    const current = this.requireRow('orders', id);
    const order = current.entity;
    let status: OrderStatus = order.status;
    if (action === 'cancel') {
      if (FINAL.includes(order.status)) {
        throw new DeskError('CONFLICT', `This order is already ${order.status}: there is nothing to cancel.`);
      }
      status = PRELIMINARY.includes(order.status) ? 'cancelled' : 'complete';
    } else if (action === 'pause') {
      if (order.order_type !== 'subscription' || order.status !== 'active') {
        throw new DeskError('CONFLICT', 'Only an active subscription can be paused.');
      }
      status = 'paused';
    } else if (action === 'resume') {
      if (order.status !== 'paused') throw new DeskError('CONFLICT', 'Only a paused subscription can be resumed.');
      status = 'active';
    }
    const kind = `order.${action}` as const;
    const entity: Order = { ...order, status, updated_at: new Date().toISOString() };
    const row = await this.mutate({ kind, payload: {}, targetId: current.id }, (tx) => {
      if (action !== 'renewCheckout') tx.upsertMany('orders', [entity], { force: true });
    });
    return this.orderRow(row as CachedRow<'orders'>);
  }

  async updateScheduledPayment(id: number, update: ScheduledPaymentUpdate): Promise<ScheduledPaymentRow> {
    const current = this.requireRow('scheduledPayments', id);
    if (!UPDATABLE_PAYMENT.has(current.entity.status)) {
      throw new DeskError('CONFLICT', `A ${current.entity.status} payment cannot be changed.`);
    }
    if (update.scheduled_at && Date.parse(update.scheduled_at) <= Date.now()) {
      throw new DeskError('VALIDATION', 'Pick a date in the future.', { fields: { scheduled_at: ['must be in the future'] } });
    }
    const entity = { ...current.entity, ...update, updated_at: new Date().toISOString() };
    const row = await this.mutate({ kind: 'scheduledPayment.update', payload: update, targetId: current.id }, (tx) => {
      tx.upsertMany('scheduledPayments', [entity], { force: true });
    });
    return paymentRow(row as CachedRow<'scheduledPayments'>);
  }

  /**
   * Queue a change with its optimistic cache write, send it now when BillPro is reachable, and
   * answer the row as it stands. A refusal from BillPro while the person waits goes back to them.
   */
  private async mutate(entry: NewOutboxEntry, optimistic: (tx: Store) => void): Promise<CachedRow<Collection>> {
    const queued = this.store.enqueue(entry, () => optimistic(this.store));
    const collection = queued.targetCollection;
    this.emitOutbox();
    this.emitData([collection]);
    if (this.connectivity.online) {
      void this.pusher.kick();
      await this.pusher.settled(queued.seq, this.options.tuning.requestTimeoutMs ?? 15_000);
      const after = this.store.outboxEntry(queued.seq);
      if (after && (after.state === 'failed' || after.state === 'conflict') && after.lastError) {
        // The person is right here: their form shows BillPro's answer; nothing is left queued.
        this.store.discard(queued.seq);
        this.refreshStale();
        this.emitOutbox();
        this.emitData([collection]);
        const { code, message, fields } = after.lastError;
        throw new DeskError(code, message, fields ? { fields } : {});
      }
    }
    const row = this.store.get(collection, queued.targetId);
    if (!row) throw new DeskError('NOT_FOUND', 'The changed record is no longer in the cache.');
    return row;
  }

  private requireRow<C extends Collection>(collection: C, id: number): CachedRow<C> {
    const row = this.store.get(collection, id);
    if (!row) throw new DeskError('NOT_FOUND', "That record is not in this device's copy. Sync, then try again.");
    return row;
  }

  /** Rows whose optimistic change was given up: fetch BillPro's version over them. */
  private refreshStale(): void {
    for (const { collection, id } of this.store.listStale()) {
      const fetchers: Partial<Record<Collection, () => Promise<unknown>>> = {
        customers: () => this.client.getCustomer(id),
        orders: () => this.client.getOrder(id),
        products: () => this.client.getProduct(id),
      };
      const fetch = fetchers[collection];
      if (!fetch) continue;
      this.refreshInBackground(`${collection}:${id}`, async () => {
        this.store.upsertMany(collection, [await fetch()], { force: true });
        return [collection];
      });
    }
  }

  summary(months: number, days: number) {
    return { ...this.store.summary(new Date(), { months, days }), syncedAt: this.status().lastSyncedAt };
  }

  // ---------------------------------------------------------------- outbox and sync

  status(): SyncStatus {
    const counts = this.store.outboxCounts();
    const synced = (['products', 'customers', 'orders'] as const)
      .map((c) => this.store.syncState(c).syncedAt)
      .filter((s): s is string => s !== null)
      .sort();
    return {
      connectivity: this.connectivity.state,
      detail: this.connectivity.detail,
      syncing: this.engine.running,
      lastSyncedAt: synced[0] ?? null,
      pending: counts.waiting,
      needsAttention: counts.needsAttention,
    };
  }

  listOutbox(input: Input<'outbox.list'>): { entries: OutboxEntrySummary[] } {
    const entries = this.store.listOutbox({ ...(input.states ? { states: input.states } : {}), limit: input.limit });
    return { entries: entries.map(summarize) };
  }

  retryOutbox(seq: number, payload: unknown): OutboxEntrySummary {
    const entry = this.store.retry(seq, payload === undefined ? {} : { payload });
    this.emitOutbox();
    void this.pusher.kick();
    return summarize(entry);
  }

  discardOutbox(seq: number): OutboxEntrySummary {
    const entry = this.store.discard(seq);
    this.refreshStale();
    this.emitOutbox();
    this.emitData([entry.targetCollection]);
    return summarize(entry);
  }

  syncHistory(limit: number) {
    return {
      entries: this.store.listSyncHistory(limit).map((h) => ({
        id: h.id,
        collection: h.collection,
        full: h.full,
        startedAt: h.startedAt,
        finishedAt: h.finishedAt,
        pages: h.pages,
        rows: h.rows,
        error: h.error?.message ?? null,
      })),
    };
  }

  /** Push the outbox, then reconcile everything ("Sync everything now"); waits for both. */
  async syncNow(): Promise<void> {
    await this.pusher.kick();
    await this.sync();
  }

  budgetStatus(): SyncBudget {
    const t = this.engine.timing;
    const lastFullAt = this.engine.lastFullAt;
    return {
      ...this.budget.status(),
      tiers: {
        newRecordsEverySeconds: t.headIntervalMs / 1000,
        productsEverySeconds: t.productsIntervalMs / 1000,
        liveOrdersEverySeconds: t.liveIntervalMs / 1000,
        paymentsDueEverySeconds: t.paymentsIntervalMs / 1000,
        fullEverySeconds: t.reconcileIntervalMs / 1000,
        probeAfterSilenceSeconds: t.probeSilenceMs / 1000,
      },
      lastFullAt: lastFullAt === null ? null : new Date(lastFullAt).toISOString(),
    };
  }

  pendingRemovals(): { removals: PendingRemovalSummary[] } {
    const removals: PendingRemovalSummary[] = [];
    for (const r of this.engine.pendingRemovals()) {
      if (r.collection === 'scheduledPayments') continue;
      removals.push({
        collection: r.collection,
        count: r.ids.length,
        cached: r.cached,
        listed: r.listed,
        sampleIds: r.ids.slice(0, 20),
        reason: r.reason,
        detectedAt: r.detectedAt,
      });
    }
    return { removals };
  }

  decideRemoval(collection: 'products' | 'customers' | 'orders', confirm: boolean): { removed: number } {
    return { removed: this.engine.decideRemoval(collection, confirm) };
  }

  /** A full, resumable reconciliation of every list; one at a time. */
  async sync(): Promise<void> {
    if (this.closed) return;
    await this.engine.syncEverything();
  }

  // ---------------------------------------------------------------- events

  private emit: Emit = (event, payload) => this.options.emit(event, payload);

  private emitOutbox(): void {
    const counts = this.store.outboxCounts();
    this.emit('outboxChanged', {
      profileId: this.options.profileId,
      pending: counts.waiting,
      needsAttention: counts.needsAttention,
    });
  }

  private emitData(collections: Collection[]): void {
    const unique = [...new Set(collections.map((c) => EVENT_COLLECTION[c]))];
    if (unique.length) this.emit('dataRefreshed', { profileId: this.options.profileId, collections: unique });
  }
}

// ---------------------------------------------------------------- row shapes

function productRow(row: CachedRow<'products'>): ProductRow {
  return { ...row.entity, pending: row.pending, localOnly: row.local };
}
function customerRow(row: CachedRow<'customers'>): CustomerRow {
  return { ...row.entity, id: row.id, pending: row.pending, localOnly: row.local };
}
function paymentRow(row: CachedRow<'scheduledPayments'>): ScheduledPaymentRow {
  return { ...row.entity, id: row.id, pending: row.pending, localOnly: row.local };
}

/** A customer's fields as GET shows them, from the create/update body (see wire.ts). */
function customerFields(input: CustomerInput): Omit<Customer, 'id' | 'customer_id' | 'created_at' | 'updated_at'> {
  const addresses: CustomerAddress[] = [];
  if (input.addresses?.billing_address) addresses.push({ ...input.addresses.billing_address, address_type: 'billing' });
  if (input.addresses?.shipping_address) addresses.push({ ...input.addresses.shipping_address, address_type: 'shipping' });
  return {
    first_name: input.first_name,
    last_name: input.last_name,
    email: input.email,
    date_of_birth: input.date_of_birth ?? null,
    phone: input.phone ?? null,
    organisation: input.organisation ?? null,
    addresses,
  };
}

const KIND_LABEL: Record<OutboxEntry['kind'], string> = {
  'customer.create': 'Create customer',
  'customer.update': 'Update customer',
  'order.create': 'Create order',
  'order.cancel': 'Cancel order',
  'order.pause': 'Pause order',
  'order.resume': 'Resume order',
  'order.renewCheckout': 'Renew checkout of order',
  'scheduledPayment.update': 'Change scheduled payment',
};

function summarize(entry: OutboxEntry): OutboxEntrySummary {
  let subject = entry.targetId > 0 ? `#${entry.targetId}` : '(new)';
  if (entry.kind === 'customer.create' || entry.kind === 'customer.update') subject = entry.payload.email;
  if (entry.kind === 'order.create') subject = entry.payload.order.invoice_id ?? subject;
  return {
    seq: entry.seq,
    kind: entry.kind,
    summary: `${KIND_LABEL[entry.kind]} ${subject}`,
    state: entry.state,
    targetId: entry.targetId,
    attempts: entry.attempts,
    lastError: entry.lastError,
    payload: entry.payload,
    createdAt: entry.createdAt,
    updatedAt: entry.updatedAt,
  };
}

/** Every order gets a merchant invoice id: it is the natural key that prevents duplicates. */
function newInvoiceId(): string {
  return `BPD-${Date.now().toString(36).toUpperCase()}-${randomBytes(3).toString('hex').toUpperCase()}`;
}

function toMoney(cents: number): string {
  return (cents / 100).toFixed(2);
}

function lowerFirst(text: string): string {
  return text.charAt(0).toLowerCase() + text.slice(1);
}
