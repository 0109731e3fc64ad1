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
  ProductRow,
  ReadProblemItem,
  ScheduledPaymentRow,
  SyncStatus,
} from '../common/contract.ts';
import { BillProClient, isListOrdersUnsupported } from './billpro/client.ts';
import { checkCompatibility } from './billpro/compatibility.ts';
import type { ReadProblem } from './billpro/envelope.ts';
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
import { formatMinorUnits, toMinorUnits } from '../common/money.ts';
import { timestampMs } from '../common/time.ts';
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
import { pullCollection, refreshEach } from './sync/puller.ts';
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
const LIVE: OrderStatus[] = ['active', 'failed', 'suspended', 'paused', 'review'];
const UPDATABLE_PAYMENT = new Set(['scheduled', 'soft-declined', 'hard-declined', 'paused']);
/** The least time between two pulls started by connectivity coming back. */
const RECONNECT_PULL_GAP_MS = 30_000;
/** Scheduled payments are listed per order: sync them for the most recent live orders only. */
const PAYMENT_SYNC_ORDERS = 2_000;
/** Distinct unreadable records kept for Activity. */
const READ_PROBLEMS_KEPT = 200;
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
  private syncing: Promise<void> | null = null;
  private syncAbort: AbortController | null = null;
  private syncTimer: NodeJS.Timeout | null = null;
  private closed = false;
  private readonly refreshing = new Set<string>();

  private constructor(
    private readonly options: SessionOptions,
    private readonly store: Store,
  ) {
    const { tuning } = options;
    this.client = new BillProClient(
      { baseUrl: options.connection.baseUrl, token: options.connection.token, profileId: options.connection.profileId },
      { timeoutMs: tuning.requestTimeoutMs ?? 15_000, onReadProblem: (problem) => this.recordReadProblem(problem) },
    );
    this.connectivity = new ConnectivityTracker(
      (state, detail) => {
        this.emit('connectivity', { profileId: options.profileId, state, detail });
        if (state === 'online') {
          void this.pusher.kick();
          // Back online: refresh, but not again and again while a flaky link flaps.
          if (Date.now() - this.lastPullStartedAt > RECONNECT_PULL_GAP_MS) void this.sync();
        }
      },
      async () => {
        await this.client.listProducts(1);
      },
      tuning.probeIntervalMs ?? 5_000,
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
    void session.sync();
    const interval = options.tuning.syncIntervalMs ?? 5 * 60_000;
    session.syncTimer = setInterval(() => {
      if (session.connectivity.online) void session.sync();
    }, interval);
    session.syncTimer.unref();
    return session;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (this.syncTimer) clearInterval(this.syncTimer);
    this.syncAbort?.abort();
    this.connectivity.close();
    await this.syncing?.catch(() => undefined);
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
    const cents = (v: string | undefined | null) => toMinorUnits(v ?? '0') ?? 0;
    let discount = 0;
    let fee = 0;
    let tax = 0;
    const products = lines.map(({ line, product }) => {
      const qty = line.qty ?? null;
      const amount = line.amount ?? product.price;
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
      // Unknown until BillPro answers: a total is BillPro's figure, never Desk's reconstruction.
      total_amount: null,
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
    if (update.scheduled_at && timestampMs(update.scheduled_at) <= Date.now()) {
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
      syncing: this.syncing !== null,
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

  // ---------------------------------------------------------------- reading what BillPro sends

  /** Records Desk could not read, by where they were and what failed; counted, newest first. */
  private readonly readProblems = new Map<string, ReadProblemItem>();
  /** Read failures per assumption id (assumptions.ts), for the compatibility check. */
  private readonly assumptionFailures = new Map<string, number>();

  private recordReadProblem(problem: ReadProblem): void {
    for (const id of problem.assumptions) this.assumptionFailures.set(id, (this.assumptionFailures.get(id) ?? 0) + 1);
    const key = `${problem.endpoint}|${problem.id ?? `#${problem.index ?? ''}`}|${problem.issues.join('|')}`;
    const before = this.readProblems.get(key);
    this.readProblems.delete(key);
    this.readProblems.set(key, {
      endpoint: problem.endpoint,
      subject: problem.subject,
      index: problem.index,
      id: problem.id,
      issues: problem.issues,
      assumptions: problem.assumptions,
      shape: JSON.stringify(problem.shape),
      count: (before?.count ?? 0) + 1,
      lastSeen: new Date().toISOString(),
    });
    // Bounded: the oldest distinct problems give way.
    while (this.readProblems.size > READ_PROBLEMS_KEPT) {
      const oldest = this.readProblems.keys().next().value;
      if (oldest === undefined) break;
      this.readProblems.delete(oldest);
    }
  }

  listReadProblems() {
    return {
      problems: [...this.readProblems.values()].reverse(),
      counts: [...this.assumptionFailures.entries()].map(([assumption, count]) => ({ assumption, count })),
    };
  }

  /** Read-only calls against BillPro, judged against every assumption (compatibility.ts). */
  async checkCompatibility() {
    const known = this.store.list('orders', { filter: { local: false }, limit: 1, offset: 0 }).rows[0]?.id ?? null;
    return checkCompatibility(this.options.connection, {
      timeoutMs: this.options.tuning.requestTimeoutMs ?? 15_000,
      runtimeFailures: this.assumptionFailures,
      knownOrderId: known,
    });
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

  /** Push the outbox, then pull everything; waits for both. */
  async syncNow(): Promise<void> {
    await this.pusher.kick();
    await this.sync();
    const problem = this.lastSyncError;
    if (problem) throw problem;
  }

  private lastSyncError: DeskError | null = null;
  private lastPullStartedAt = 0;

  /** Pull every collection; one run at a time. */
  sync(): Promise<void> {
    if (this.closed) return Promise.resolve();
    if (!this.syncing) {
      this.lastPullStartedAt = Date.now();
      this.syncing = this.pullAll().finally(() => {
        this.syncing = null;
      });
    }
    return this.syncing;
  }

  private async pullAll(): Promise<void> {
    const profileId = this.options.profileId;
    const abort = new AbortController();
    this.syncAbort = abort;
    const concurrency = 4;
    const progress = (collection: Collection | null, done: number, finished: boolean) =>
      this.emit('progress', {
        profileId,
        task: 'sync',
        collection: collection ? EVENT_COLLECTION[collection] : null,
        done,
        total: null,
        finished,
      });
    this.lastSyncError = null;
    try {
      const fetchers: [Collection, (page: number, signal: AbortSignal) => Promise<unknown[]>][] = [
        ['products', (page, signal) => this.client.listProducts(page, { signal })],
        ['customers', (page, signal) => this.client.listCustomers({ page }, { signal })],
        ['orders', (page, signal) => this.client.listOrders(page, { signal })],
      ];
      for (const [collection, fetchPage] of fetchers) {
        try {
          await pullCollection({
            store: this.store,
            collection,
            fetchPage,
            concurrency,
            signal: abort.signal,
            onProgress: (p) => progress(collection, p.rows, false),
          });
        } catch (error) {
          if (collection === 'orders' && isListOrdersUnsupported(error)) {
            await this.refreshKnownOrders(abort.signal, concurrency);
          } else {
            throw error;
          }
        }
        this.connectivity.report(null);
        this.emitData([collection]);
      }
      await this.pullScheduledPayments(abort.signal, concurrency, (done) => progress('scheduledPayments', done, false));
      this.emitData(['scheduledPayments']);
    } catch (error) {
      if (!abort.signal.aborted) {
        this.connectivity.report(error);
        this.lastSyncError = isDeskError(error) ? error : new DeskError('SERVER', 'The sync stopped on an unexpected error.');
      }
    } finally {
      progress(null, 0, true);
      if (this.syncAbort === abort) this.syncAbort = null;
    }
  }

  /** Without a list-orders endpoint: refresh the orders this device knows, one by one. */
  private async refreshKnownOrders(signal: AbortSignal, concurrency: number): Promise<void> {
    const ids = this.idsOf('orders', { status: [...PRELIMINARY, ...LIVE] }, Number.MAX_SAFE_INTEGER);
    await refreshEach(
      ids,
      concurrency,
      signal,
      (id) => this.client.getOrder(id, { signal }),
      (_, order) => this.store.upsertMany('orders', [order]),
      () => undefined,
    );
    this.store.markSynced('orders', new Date().toISOString());
  }

  private async pullScheduledPayments(signal: AbortSignal, concurrency: number, onProgress: (done: number) => void) {
    const ids = this.idsOf('orders', { status: LIVE }, PAYMENT_SYNC_ORDERS);
    const run = this.store.recordSync({ collection: 'scheduledPayments', full: false });
    let orders = 0;
    let rows = 0;
    try {
      await refreshEach(
        ids,
        concurrency,
        signal,
        (id) => this.client.listScheduledPayments(id, { signal }),
        (_, payments) => {
          orders += 1;
          rows += payments.length;
          if (payments.length) this.store.upsertMany('scheduledPayments', payments);
        },
        onProgress,
      );
      this.store.markSynced('scheduledPayments', new Date().toISOString());
      this.store.finishSync(run, { pages: orders, rows });
    } catch (error) {
      this.store.finishSync(run, {
        pages: orders,
        rows,
        error: isDeskError(error) ? error : new DeskError('NETWORK', 'The sync of scheduled payments stopped.'),
      });
      throw error;
    }
  }

  private idsOf(collection: 'orders', filter: { status: OrderStatus[] }, max: number): number[] {
    const ids: number[] = [];
    for (let offset = 0; ids.length < max; offset += 1000) {
      const page = this.store.list(collection, { filter, limit: 1000, offset });
      for (const row of page.rows) if (row.id > 0 && ids.length < max) ids.push(row.id);
      if (page.rows.length < 1000) break;
    }
    return ids;
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
  return formatMinorUnits(cents);
}

function lowerFirst(text: string): string {
  return text.charAt(0).toLowerCase() + text.slice(1);
}
