/**
 * Desk event loop, CSV export and idle memory (issue 14), run inside the Desk process
 * (desk-process.ts, the bundle the web host ships) on a fresh data folder:
 *
 * 1. **Loop under load**: `perf_hooks.monitorEventLoopDelay` (5 ms resolution) while, at once,
 *    the first full sync of the large merchant runs (`sync.now`), the dashboard asks for
 *    `dashboard.summary` every second (as its screen does when refreshed) and, as soon as all of
 *    the orders are cached, an Orders CSV export of every order runs. A watchdog timer (every
 *    2 ms) records each stall over 50 ms with what was under way (the sync's collection, the
 *    Desk calls in flight).
 * 2. **CSV export alone**, after the sync: from the call to the file complete on disk, as the
 *    browser mode serves it — `desk.dispatch('orders.exportCsv')`, the web host's JSON body built
 *    from the answer (`sendJson`), that body written to a file through a stream with backpressure
 *    (standing in for the page's download); the loop's delay during it.
 * 3. **RSS after an idle hour**: the sync tiers' clock (SessionTuning.syncClock) moved one second
 *    per 10 ms tick for 3,600 ticks — probes, head refreshes, live orders and payments due, with
 *    their requests to the sandbox — then two gc()s and `process.memoryUsage().rss`.
 */
import { createWriteStream, readFileSync } from 'node:fs';
import { monitorEventLoopDelay, type IntervalHistogram } from 'node:perf_hooks';
import { finished } from 'node:stream/promises';
import type { MethodInput, MethodName, MethodOutput } from '../electron/common/contract.ts';
import type { Desk } from '../electron/core/desk.ts';
import { round } from './stats.ts';

export interface LoopDelay {
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  samples: number;
}

export interface Stall {
  ms: number;
  /**
   * CPU time the process used during the stall (all its threads). Far below `ms`: the process
   * was waiting for a core (a busy machine), not working.
   */
  cpuMs: number;
  /** Seconds since the phase started. */
  atS: number;
  /** What was under way: the sync's collection, Desk calls in flight. */
  during: string[];
}

export interface CsvExportFigures {
  rows: number;
  bytes: number;
  /** From the call to the file complete on disk. */
  totalMs: number;
  /** Inside `Desk.dispatch`. */
  dispatchMs: number;
  /** The web host's JSON body of the answer (one synchronous JSON.stringify). */
  bodyMs: number;
  /** Writing the body to the file. */
  writeMs: number;
  loop: LoopDelay;
  stalls: Stall[];
}

export interface DeskLoopFigures {
  orders: number;
  syncMs: number;
  /** Dashboard calls during the sync, and their time inside the Desk. */
  dashboardCalls: number;
  dashboardMedianMs: number;
  dashboardMaxMs: number;
  /** The loop while sync, dashboard and export ran together. */
  loop: LoopDelay;
  stalls: Stall[];
  /** The export that ran during the sync (started when every order was cached). */
  exportDuringSync: CsvExportFigures | null;
  /** The same export alone afterwards. */
  exportAlone: CsvExportFigures;
  rssAfterSyncMb: number;
  rssAfterIdleHourMb: number;
  heapUsedAfterIdleHourMb: number;
  rssAnonAfterIdleHourMb: number | null;
  idleHourRealS: number;
  idleHourTicks: number;
}

export interface LoopPlan {
  orders: number;
  exportFile: string;
}

type Call = <M extends MethodName>(name: M, input: MethodInput<M>) => Promise<MethodOutput<M>>;

const ms = (ns: number) => round(ns / 1e6, 1);
const mb = (bytes: number) => Math.round((bytes / 1024 / 1024) * 10) / 10;

function collectGarbage(): void {
  const gc = (globalThis as { gc?: () => void }).gc;
  gc?.();
  gc?.();
}

function rssAnonMb(): number | null {
  try {
    const kb = /^RssAnon:\s+(\d+) kB/m.exec(readFileSync('/proc/self/status', 'utf8'))?.[1];
    return kb === undefined ? null : mb(Number(kb) * 1024);
  } catch {
    return null;
  }
}

/** The loop's delay histogram plus a watchdog naming what was under way at each long stall. */
class LoopWatch {
  readonly #histogram: IntervalHistogram = monitorEventLoopDelay({ resolution: 5 });
  readonly #stalls: Stall[] = [];
  readonly #doing = new Map<string, number>();
  /** Begun since the watchdog's last turn: a block that began and ended within one gap is named too. */
  readonly #recent = new Set<string>();
  #timer: NodeJS.Timeout | undefined;
  #last = 0;
  #lastCpu = process.cpuUsage();
  #started = 0;

  start(): void {
    this.#histogram.reset();
    this.#histogram.enable();
    this.#started = this.#last = performance.now();
    this.#lastCpu = process.cpuUsage();
    this.#timer = setInterval(() => {
      const now = performance.now();
      const gap = now - this.#last;
      const cpu = process.cpuUsage(this.#lastCpu);
      this.#last = now;
      this.#lastCpu = process.cpuUsage();
      if (gap > 50) {
        const during = [...new Set([...this.#doing.keys(), ...this.#recent])];
        const cpuMs = round((cpu.user + cpu.system) / 1000, 1);
        this.#stalls.push({ ms: round(gap, 1), cpuMs, atS: round((now - this.#started) / 1000, 1), during });
      }
      this.#recent.clear();
    }, 2);
  }

  /** Marks `what` as under way until the returned function is called. */
  begin(what: string): () => void {
    this.#doing.set(what, (this.#doing.get(what) ?? 0) + 1);
    this.#recent.add(what);
    return () => {
      const left = (this.#doing.get(what) ?? 1) - 1;
      if (left <= 0) this.#doing.delete(what);
      else this.#doing.set(what, left);
    };
  }

  stop(): { loop: LoopDelay; stalls: Stall[] } {
    this.#histogram.disable();
    clearInterval(this.#timer);
    const h = this.#histogram;
    return {
      loop: { p50Ms: ms(h.percentile(50)), p99Ms: ms(h.percentile(99)), maxMs: ms(h.max), samples: h.count },
      stalls: [...this.#stalls].sort((a, b) => b.ms - a.ms).slice(0, 12),
    };
  }
}

const COLUMNS = ['invoice_id', 'customer_name', 'customer_email', 'products', 'type', 'status', 'total', 'created_at'] as const;

async function exportCsv(call: Call, profileId: string, file: string, watch: LoopWatch | null): Promise<CsvExportFigures> {
  const own = watch ? null : new LoopWatch();
  own?.start();
  const done = (watch ?? own)!.begin('orders.exportCsv');
  const started = performance.now();
  const value = await call('orders.exportCsv', { profileId, columns: [...COLUMNS] });
  const dispatchMs = performance.now() - started;
  // What the web host's sendJson does with the answer before it goes to the page.
  const bodyStarted = performance.now();
  const body = JSON.stringify({ ok: true, value });
  const bodyMs = performance.now() - bodyStarted;
  const writeStarted = performance.now();
  const out = createWriteStream(file);
  const PIECE = 1 << 20;
  for (let at = 0; at < body.length; at += PIECE) {
    if (!out.write(body.slice(at, at + PIECE))) await new Promise<void>((resolve) => out.once('drain', () => resolve()));
  }
  out.end();
  await finished(out);
  const writeMs = performance.now() - writeStarted;
  done();
  const figures = own?.stop();
  return {
    rows: value.rows,
    bytes: Buffer.byteLength(value.csv),
    totalMs: round(performance.now() - started),
    dispatchMs: round(dispatchMs),
    bodyMs: round(bodyMs, 1),
    writeMs: round(writeMs),
    loop: figures?.loop ?? { p50Ms: 0, p99Ms: 0, maxMs: 0, samples: 0 },
    stalls: figures?.stalls ?? [],
  };
}

/**
 * The three phases above. `skew` moves the sync tiers' clock (the Desk was created with
 * `syncClock: () => Date.now() + skew.ms` and `syncTickMs: 10`).
 */
export async function deskLoop(
  desk: Desk,
  call: Call,
  profileId: string,
  plan: LoopPlan,
  skew: { ms: number },
): Promise<DeskLoopFigures> {
  const watch = new LoopWatch();
  const phase: { label: string | null; end: (() => void) | null } = { label: null, end: null };
  const unsubscribe = desk.onEvent(({ event, payload }) => {
    if (event !== 'progress') return;
    const p = payload as { collection?: string | null; finished?: boolean; task?: string };
    const label = `sync ${p.collection ?? '(lists)'}`;
    if (label !== phase.label) {
      phase.end?.();
      phase.label = label;
      phase.end = watch.begin(label);
    }
  });
  watch.start();
  const syncStarted = performance.now();
  let syncDone = false;
  const endSyncCall = watch.begin('sync.now');
  const sync = call('sync.now', { profileId }).finally(() => {
    syncDone = true;
    endSyncCall();
  });
  const dashboard: number[] = [];
  let exportDuringSync: Promise<CsvExportFigures> | null = null;
  const startExport = () => {
    exportDuringSync ??= exportCsv(call, profileId, plan.exportFile, watch);
  };
  // The dashboard screen's call, once a second, while the sync runs.
  const dashboardLoop = (async () => {
    while (!syncDone) {
      const next = performance.now() + 1_000;
      const endCall = watch.begin('dashboard.summary');
      const t = performance.now();
      const summary = await call('dashboard.summary', { profileId, months: 12, days: 30 });
      dashboard.push(performance.now() - t);
      endCall();
      if (summary.totals.orders >= plan.orders) startExport();
      await new Promise((resolve) => setTimeout(resolve, Math.max(0, next - performance.now())));
    }
  })();
  await sync;
  const syncMs = performance.now() - syncStarted;
  await dashboardLoop;
  // A sync that finished before the dashboard saw every order: the export still runs under the watch.
  startExport();
  const during = await exportDuringSync!;
  const { loop, stalls } = watch.stop();
  unsubscribe();
  phase.end?.();

  const orders = (await call('orders.list', { profileId, limit: 1 })).total;
  collectGarbage();
  const rssAfterSyncMb = mb(process.memoryUsage().rss);

  const alone = await exportCsv(call, profileId, plan.exportFile, null);

  // One idle hour on the sync tiers' clock: 3,600 ticks of one simulated second.
  const idleStarted = performance.now();
  const TICKS = 3_600;
  for (let i = 0; i < TICKS; i++) {
    skew.ms += 1_000;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  const idleHourRealS = round((performance.now() - idleStarted) / 1000, 1);
  collectGarbage();
  const memory = process.memoryUsage();
  return {
    orders,
    syncMs: round(syncMs),
    dashboardCalls: dashboard.length,
    dashboardMedianMs: round([...dashboard].sort((a, b) => a - b)[Math.floor(dashboard.length / 2)] ?? 0, 1),
    dashboardMaxMs: round(Math.max(0, ...dashboard), 1),
    loop,
    stalls,
    exportDuringSync: during,
    exportAlone: alone,
    rssAfterSyncMb,
    rssAfterIdleHourMb: mb(memory.rss),
    heapUsedAfterIdleHourMb: mb(memory.heapUsed),
    rssAnonAfterIdleHourMb: rssAnonMb(),
    idleHourRealS,
    idleHourTicks: TICKS,
  };
}
