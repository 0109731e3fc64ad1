/**
 * Sync figure: a full pull of the orders into an empty cache by the real puller
 * (`pullCollection` + `BillProClient`, 4 pages at a time as the session's sync does), against a bare
 * `fetch` loop over the same pages in the same windows of 4. Both stop at the first empty page,
 * as the puller does (a short page may be the server's page size).
 *
 * A third loop, the real client without the store, splits the Desk's time into what the client
 * adds (envelope + schema parsing) and what the cache adds (writes, FTS index, commits).
 */
import { randomBytes } from 'node:crypto';
import { closeSync, fdatasyncSync, mkdtempSync, openSync, rmSync, writeSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { BillProClient } from '../electron/core/billpro/client.ts';
import Database from 'libsql';
import { ENTITY_SCHEMAS } from '../electron/core/store/collections.ts';
import { Connection, openConnection } from '../electron/core/store/database.ts';
import { openStore, Store } from '../electron/core/store/index.ts';
import { migrate } from '../electron/core/store/migrations.ts';
import { NO_FACTS, pullCollection } from '../electron/core/sync/puller.ts';
import { median, round } from './stats.ts';

/** SessionSync.pullAll (core/session/sync.ts) pulls with this many pages in flight. */
export const APP_CONCURRENCY = 4;

export interface SyncFigures {
  orders: number;
  pages: number;
  runs: number;
  concurrency: number;
  deskMs: number;
  bareMs: number;
  clientOnlyMs: number;
  /** Time inside the store's synchronous calls (writes, index upkeep, commits) during a Desk pull. */
  deskStoreMs: number;
  /** Median time in each store method per Desk pull (upsertMany = one transaction per page). */
  storeByMethodMs: Record<string, number>;
  /** bare / Desk. */
  ratio: number;
  /** Median 4 KiB write + fdatasync on the cache's disk. */
  fsyncMs: number;
  /** pages × 2 durable commits per page (rows, then the resume point) × fsyncMs. */
  durableCommitFloorMs: number;
  /** The same comparison with a delay added to every page, as from a BillPro that is not on loopback. */
  withLatency: { latencyMs: number; runs: number; deskMs: number; bareMs: number; ratio: number } | null;
  storeBreakdown: StoreBreakdown;
  samples: { deskMs: number[]; bareMs: number[]; clientOnlyMs: number[]; deskStoreMs: number[] };
}

interface Source {
  baseUrl: string;
  token: string;
}

async function windows(
  fetchPage: (page: number) => Promise<number>,
): Promise<{ rows: number; pages: number }> {
  let rows = 0;
  let pages = 0;
  for (let next = 1; ; next += APP_CONCURRENCY) {
    const counts = await Promise.all(Array.from({ length: APP_CONCURRENCY }, (_, i) => fetchPage(next + i)));
    for (const n of counts) {
      rows += n;
      if (n > 0) pages += 1;
      // The Desk's rule: only an empty page ends a list.
      if (n === 0) return { rows, pages };
    }
  }
}

async function bare(source: Source): Promise<{ ms: number; rows: number; pages: number }> {
  const headers = { Authorization: `Bearer ${source.token}`, Accept: 'application/json' };
  const started = performance.now();
  const done = await windows(async (page) => {
    const response = await fetch(`${source.baseUrl}/orders?page=${page}`, { headers });
    const body = (await response.json()) as unknown;
    const list = Array.isArray(body) ? body : (body as { data?: unknown[] }).data;
    if (!Array.isArray(list)) throw new Error(`page ${page} is not a list`);
    return list.length;
  });
  return { ms: performance.now() - started, ...done };
}

async function clientOnly(source: Source): Promise<number> {
  const client = new BillProClient(
    { baseUrl: source.baseUrl, token: source.token, profileId: null },
    { timeoutMs: 15_000 },
  );
  const started = performance.now();
  await windows(async (page) => (await client.listOrders(page)).length);
  return performance.now() - started;
}

/** Counts the time spent inside each of the store's methods (all synchronous, on this thread). */
function timedStore(store: Store): { store: Store; byMethod: Map<string, number> } {
  const byMethod = new Map<string, number>();
  const proxy = new Proxy(store, {
    get(target, property, receiver) {
      const value: unknown = Reflect.get(target, property, receiver);
      if (typeof value !== 'function') return value;
      return (...args: unknown[]) => {
        const t = performance.now();
        try {
          return (value as (...a: unknown[]) => unknown).apply(target, args);
        } finally {
          const name = String(property);
          byMethod.set(name, (byMethod.get(name) ?? 0) + performance.now() - t);
        }
      };
    },
  });
  return { store: proxy, byMethod };
}

interface DeskRun {
  ms: number;
  storeMs: number;
  byMethod: Map<string, number>;
  rows: number;
  pages: number;
}

async function desk(source: Source): Promise<DeskRun> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'desk-bench-sync-'));
  try {
    const store = openStore({
      file: path.join(dir, 'cache.db'),
      encryptionKey: randomBytes(32).toString('hex'),
    });
    const client = new BillProClient(
      { baseUrl: source.baseUrl, token: source.token, profileId: null },
      { timeoutMs: 15_000 },
    );
    const timed = timedStore(store);
    const started = performance.now();
    const result = await pullCollection({
      store: timed.store,
      collection: 'orders',
      fetchPage: (page, signal) => client.listOrders(page, { signal }),
      concurrency: () => APP_CONCURRENCY,
      signal: new AbortController().signal,
      facts: NO_FACTS,
      onFacts: () => undefined,
      onProgress: () => undefined,
    });
    const ms = performance.now() - started;
    store.close();
    const storeMs = [...timed.byMethod.values()].reduce((a, b) => a + b, 0);
    return { ms, storeMs, byMethod: timed.byMethod, rows: result.rows, pages: result.pages };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Median time of a 4 KiB write + fdatasync in `dir`: what one durable commit costs at least. */
export function fsyncLatencyMs(dir: string, samples = 100): number {
  const file = path.join(dir, `fsync-probe-${process.pid}`);
  const fd = openSync(file, 'w');
  const block = Buffer.alloc(4096, 7);
  const times: number[] = [];
  try {
    for (let i = 0; i < samples; i++) {
      const t = performance.now();
      writeSync(fd, block);
      fdatasyncSync(fd);
      times.push(performance.now() - t);
    }
  } finally {
    closeSync(fd);
    rmSync(file, { force: true });
  }
  return round(median(times), 2);
}

/** Adds (or clears) a fixed delay on every order-list request of the sandbox. */
async function setLatency(source: Source, latencyMs: number | null): Promise<void> {
  const control = `${new URL(source.baseUrl).origin}/__sandbox/faults`;
  const headers = { Authorization: `Bearer ${source.token}`, 'Content-Type': 'application/json' };
  const response =
    latencyMs === null
      ? await fetch(control, { method: 'DELETE', headers })
      : await fetch(control, {
          method: 'POST',
          headers,
          body: JSON.stringify({ kind: 'latency', latencyMs, method: 'GET', path: '/orders' }),
        });
  if (!response.ok) throw new Error(`the sandbox refused the latency setting (${response.status})`);
}

/**
 * Where the cache's write time goes: the pages already in memory, written as the puller writes
 * them (upsertMany, then the resume point) into a fresh cache built as openStore builds it,
 * then with one thing changed at a time. Diagnostic only: the app always runs the first one.
 */
const STORE_VARIANTS = {
  asTheApp: 'encrypted, synchronous=FULL, full-text index (what the app runs)',
  noFsync: 'synchronous=NORMAL: commits not flushed to the disk',
  unencrypted: 'no encryption key',
  noFullTextIndex: 'without the orders full-text index triggers',
} as const;
type StoreVariant = keyof typeof STORE_VARIANTS;

function variantStore(dir: string, variant: StoreVariant): Store {
  const file = path.join(dir, `${variant}.db`);
  let db: Connection;
  if (variant === 'unencrypted') {
    db = new Connection(new Database(file));
    for (const pragma of [
      'journal_mode = WAL',
      'synchronous = FULL',
      'busy_timeout = 5000',
      'temp_store = MEMORY',
    ]) {
      db.exec(`PRAGMA ${pragma}`);
    }
  } else {
    db = openConnection(file, randomBytes(32).toString('hex'));
  }
  if (variant === 'noFsync') db.exec('PRAGMA synchronous = NORMAL');
  migrate(db);
  if (variant === 'noFullTextIndex') {
    for (const trigger of ['orders_fts_insert', 'orders_fts_update', 'orders_fts_delete'])
      db.exec(`DROP TRIGGER ${trigger}`);
  }
  return new Store(
    file,
    db,
    () => new Date(),
    () => undefined,
  );
}

function writePages(store: Store, pages: readonly unknown[][]): number {
  const run = store.syncLog.recordSync({ collection: 'orders', full: true });
  const started = performance.now();
  for (const [i, items] of pages.entries()) {
    store.cache.upsertMany('orders', items, { run });
    store.cache.saveSyncProgress('orders', { nextPage: i + 2 });
  }
  return performance.now() - started;
}

async function storeBreakdown(source: Source, runs: number): Promise<StoreBreakdown> {
  const client = new BillProClient({ baseUrl: source.baseUrl, token: source.token, profileId: null });
  const pages: unknown[][] = [];
  for (let page = 1; ; page++) {
    const items = await client.listOrders(page);
    if (items.length) pages.push(items);
    if (items.length === 0) break;
  }
  const parse: number[] = [];
  const times = new Map<StoreVariant, number[]>();
  for (let r = 0; r < runs; r++) {
    const t = performance.now();
    for (const items of pages) for (const item of items) ENTITY_SCHEMAS.orders.parse(item);
    parse.push(performance.now() - t);
    for (const variant of Object.keys(STORE_VARIANTS) as StoreVariant[]) {
      const dir = mkdtempSync(path.join(os.tmpdir(), 'desk-bench-store-'));
      try {
        const store = variantStore(dir, variant);
        times.set(variant, [...(times.get(variant) ?? []), writePages(store, pages)]);
        store.close();
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    }
  }
  return {
    pages: pages.length,
    runs,
    schemaParseMs: round(median(parse)),
    writeMs: Object.fromEntries(
      (Object.keys(STORE_VARIANTS) as StoreVariant[]).map((v) => [v, round(median(times.get(v) ?? []))]),
    ) as Record<StoreVariant, number>,
    variants: STORE_VARIANTS,
  };
}

export interface StoreBreakdown {
  pages: number;
  runs: number;
  /** Parsing every order with the cache's schema (part of upsertMany). */
  schemaParseMs: number;
  /** Writing every page as the puller does, in each variant. */
  writeMs: Record<StoreVariant, number>;
  variants: typeof STORE_VARIANTS;
}

export interface SyncPlan {
  runs: number;
  /** Round trip added by the sandbox for the second comparison (a BillPro that is not on loopback). */
  latencyMs: number;
  latencyRuns: number;
}

export async function syncBench(
  source: Source,
  plan: SyncPlan,
  log: (line: string) => void,
): Promise<SyncFigures> {
  // Warm-up (connections, JIT), not counted.
  await bare(source);
  await clientOnly(source);
  const first = await desk(source);
  const samples: SyncFigures['samples'] = { deskMs: [], bareMs: [], clientOnlyMs: [], deskStoreMs: [] };
  const methods = new Map<string, number[]>();
  let pages = first.pages;
  for (let i = 0; i < plan.runs; i++) {
    // Interleaved, so a burst of load from elsewhere hurts all three alike.
    const b = await bare(source);
    const c = await clientOnly(source);
    const d = await desk(source);
    if (d.rows !== b.rows) throw new Error(`the Desk pulled ${d.rows} orders, the bare loop ${b.rows}`);
    pages = d.pages;
    samples.bareMs.push(round(b.ms));
    samples.clientOnlyMs.push(round(c));
    samples.deskMs.push(round(d.ms));
    samples.deskStoreMs.push(round(d.storeMs));
    for (const [name, ms] of d.byMethod) methods.set(name, [...(methods.get(name) ?? []), ms]);
    log(
      `  sync run ${i + 1}/${plan.runs}: Desk ${round(d.ms)} ms (store ${round(d.storeMs)} ms), client only ${round(c)} ms, bare ${round(b.ms)} ms`,
    );
  }

  const remote = { deskMs: [] as number[], bareMs: [] as number[] };
  if (plan.latencyRuns > 0) {
    await setLatency(source, plan.latencyMs);
    try {
      for (let i = 0; i < plan.latencyRuns; i++) {
        const b = await bare(source);
        const d = await desk(source);
        remote.bareMs.push(round(b.ms));
        remote.deskMs.push(round(d.ms));
        log(
          `  sync run ${i + 1}/${plan.latencyRuns} at +${plan.latencyMs} ms per page: Desk ${round(d.ms)} ms, bare ${round(b.ms)} ms`,
        );
      }
    } finally {
      await setLatency(source, null);
    }
  }

  const deskMs = median(samples.deskMs);
  const bareMs = median(samples.bareMs);
  const breakdown = await storeBreakdown(source, plan.runs);
  log(
    `  store writes alone: ${Object.entries(breakdown.writeMs)
      .map(([v, ms]) => `${v} ${ms} ms`)
      .join(', ')}`,
  );
  const commitsPerPage = 2;
  const fsyncMs = fsyncLatencyMs(os.tmpdir());
  return {
    orders: first.rows,
    pages,
    runs: plan.runs,
    concurrency: APP_CONCURRENCY,
    deskMs,
    bareMs,
    clientOnlyMs: median(samples.clientOnlyMs),
    deskStoreMs: median(samples.deskStoreMs),
    storeByMethodMs: Object.fromEntries([...methods].map(([name, ms]) => [name, round(median(ms))])),
    ratio: round(bareMs / deskMs, 2),
    fsyncMs,
    durableCommitFloorMs: round(pages * commitsPerPage * fsyncMs),
    withLatency:
      plan.latencyRuns > 0
        ? {
            latencyMs: plan.latencyMs,
            runs: plan.latencyRuns,
            deskMs: median(remote.deskMs),
            bareMs: median(remote.bareMs),
            ratio: round(median(remote.bareMs) / median(remote.deskMs), 2),
          }
        : null,
    storeBreakdown: breakdown,
    samples,
  };
}
