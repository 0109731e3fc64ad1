/**
 * The Desk in a process of its own, as the web host runs it, so its memory is measured without
 * the sandbox's (or the benchmark runner's) in the same heap. Started by run.ts with
 * --expose-gc and an IPC channel; it uses the real keychain (KeytarSecretStore on the private
 * gnome-keyring run.ts started) and the real encrypted cache.
 *
 * 1. adds the large merchant (token BENCH_TOKEN_A) and syncs it (`sync.now`): reports the time
 *    and the RSS after a gc — the memory figure;
 * 2. optionally runs the search benchmark against that cache (search.ts);
 * 3. optionally adds and syncs a second, small merchant (BENCH_TOKEN_B) and serves the console
 *    over the web host until told to stop — for the browser figures.
 */
import { readFileSync } from 'node:fs';
import { monitorEventLoopDelay, type IntervalHistogram } from 'node:perf_hooks';
import path from 'node:path';
import type { MethodInput, MethodName, MethodOutput } from '../electron/common/contract.ts';
import { Desk } from '../electron/core/desk.ts';
import { cacheKeyAccount, KeytarSecretStore } from '../electron/core/secrets.ts';
import { profileFolder } from '../electron/core/session.ts';
import { SandboxLauncher } from '../electron/sandbox/launcher.ts';
import { startWebHost } from '../electron/web-host.ts';
import { deskLoop, type DeskLoopFigures, type LoopPlan } from './desk-loop.ts';
import { searchBench, type SearchFigures, type SearchPlan } from './search.ts';
import { median, percentile, round } from './stats.ts';

export interface ChildConfig {
  dataDir: string;
  baseUrl: string;
  search: SearchPlan | null;
  /** Built renderer to serve; null: exit after the sync (and search). */
  staticDir: string | null;
  /**
   * A first start instead (`--only try-sandbox`): an empty data folder, no profile, the embedded
   * sandbox's launcher handed to the Desk as the entry points do; serve `staticDir` at once.
   */
  firstStart?: boolean;
  /** Instead of all the above: the event-loop, CSV and idle-hour figures (desk-loop.ts). */
  loop?: LoopPlan;
}

export interface MemorySample {
  syncMs: number;
  /** RSS with the Desk open and a profile added, before any sync (after a gc). */
  rssBeforeMb: number;
  /** RSS after the sync, after a gc: the figure held against the budget. */
  rssAfterMb: number;
  /** Highest RSS the process reached (during the sync). */
  peakRssMb: number;
  heapUsedMb: number;
  heapTotalMb: number;
  externalMb: number;
  /** Linux /proc split of the RSS: anonymous memory (heaps, malloc) and mapped files (code). */
  rssAnonMb: number | null;
  rssFileMb: number | null;
  orders: number;
}

export type ChildReport =
  | ({ type: 'synced' } & MemorySample)
  | ({ type: 'search' } & SearchFigures)
  | {
      type: 'serving';
      openUrl: string;
      large: { id: string; name: string };
      small: { id: string; name: string };
    }
  | { type: 'serving-first-start'; openUrl: string }
  | { type: 'dispatch'; byMethod: Record<string, DispatchTiming> }
  | { type: 'sync-stopped'; passesMs: number[]; loop: { p99Ms: number; maxMs: number } }
  | { type: 'watch-stopped'; p99Ms: number; maxMs: number }
  | ({ type: 'loop' } & DeskLoopFigures)
  | { type: 'failed'; message: string };

/** Time inside `Desk.dispatch` per method while the browser figures were taken (server side). */
export interface DispatchTiming {
  calls: number;
  medianMs: number;
  p95Ms: number;
}

export const LARGE_NAME = 'Large merchant';
export const SMALL_NAME = 'Small merchant';

/** Resolves once the message has left, so exiting right after cannot drop it. */
function report(message: ChildReport): Promise<void> {
  return new Promise((resolve) => {
    if (!process.send) resolve();
    else process.send(message, undefined, undefined, () => resolve());
  });
}

const mb = (bytes: number) => Math.round((bytes / 1024 / 1024) * 10) / 10;

function collectGarbage(): void {
  const gc = (globalThis as { gc?: () => void }).gc;
  // Twice: the first pass can leave finalizer-held garbage for the second.
  gc?.();
  gc?.();
}

function rssSplit(): { rssAnonMb: number | null; rssFileMb: number | null } {
  try {
    const status = readFileSync('/proc/self/status', 'utf8');
    const kb = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN);
    return { rssAnonMb: mb(kb('RssAnon') * 1024), rssFileMb: mb(kb('RssFile') * 1024) };
  } catch {
    return { rssAnonMb: null, rssFileMb: null };
  }
}

/** Time inside `Desk.dispatch` per method, for the 'dispatch' report. */
function timedDesk(desk: Desk, timings: Map<string, number[]>): Parameters<typeof startWebHost>[0]['desk'] {
  return {
    dispatch: async (name, input) => {
      const t = performance.now();
      try {
        return await desk.dispatch(name, input);
      } finally {
        const later = (input as { offset?: unknown } | null)?.offset;
        const key =
          name === 'orders.list' && typeof later === 'number' && later > 0 ? `${name} (later page)` : name;
        timings.set(key, [...(timings.get(key) ?? []), performance.now() - t]);
      }
    },
    onEvent: (listener) => desk.onEvent(listener),
    openStream: (name, input, signal) => desk.openStream(name, input, signal),
  };
}

function dispatchReport(timings: Map<string, number[]>): ChildReport {
  return {
    type: 'dispatch',
    byMethod: Object.fromEntries(
      [...timings].map(([name, ms]) => [
        name,
        { calls: ms.length, medianMs: median(ms), p95Ms: round(percentile(ms, 95), 2) },
      ]),
    ),
  };
}

function stopMessage(): Promise<void> {
  return new Promise<void>((resolve) => {
    process.on('message', (message: unknown) => {
      if ((message as { type?: string }).type === 'stop') resolve();
    });
    process.on('disconnect', () => resolve());
  });
}

/**
 * A first start, as `npm run web` on a new machine: an empty data folder, the embedded sandbox's
 * launcher (not started until "Try the sandbox"), the console served at once.
 */
async function firstStart(config: ChildConfig): Promise<void> {
  if (!config.staticDir) throw new Error('a first start needs a renderer to serve');
  const secrets = new KeytarSecretStore();
  await secrets.check();
  const desk = await Desk.create({
    dataDir: config.dataDir,
    secrets,
    mode: 'web',
    version: 'bench',
    platform: process.platform,
    launchers: { sandbox: new SandboxLauncher() },
  });
  const timings = new Map<string, number[]>();
  const host = await startWebHost({ desk: timedDesk(desk, timings), staticDir: config.staticDir, port: 0 });
  const stopped = stopMessage();
  await report({ type: 'serving-first-start', openUrl: host.openUrl });
  await stopped;
  await report(dispatchReport(timings));
  await host.close();
  await desk.close();
}

async function main(): Promise<void> {
  const config = JSON.parse(process.argv[2] ?? '{}') as ChildConfig;
  if (config.firstStart) return firstStart(config);
  const tokenA = process.env.BENCH_TOKEN_A;
  const tokenB = process.env.BENCH_TOKEN_B;
  if (!tokenA || !tokenB) throw new Error('BENCH_TOKEN_A and BENCH_TOKEN_B must be set');
  const secrets = new KeytarSecretStore();
  await secrets.check();
  // The sync tiers' clock, moved by the idle hour of desk-loop.ts (real time until then).
  const skew = { ms: 0 };
  const desk = await Desk.create({
    dataDir: config.dataDir,
    secrets,
    mode: 'web',
    version: 'bench',
    platform: process.platform,
    // No refresh tier mid-measurement, and no request budget ceiling: this process measures how
    // fast the Desk can pull and how much memory that takes, not how gently (bench/sync-budget.ts).
    // The loop part keeps the app's sync tiers (it plays their idle hour) on a clock it moves.
    tuning: config.loop
      ? { requestsPerMinute: 1_000_000, syncClock: () => Date.now() + skew.ms, syncTickMs: 10 }
      : { syncIntervalMs: 3_600_000, requestsPerMinute: 1_000_000 },
  });
  const call = async <M extends MethodName>(name: M, input: MethodInput<M>): Promise<MethodOutput<M>> => {
    const result = await desk.dispatch(name, input);
    if (!result.ok) throw new Error(`${name}: ${result.error.code} ${result.error.message}`);
    return result.value as MethodOutput<M>;
  };
  if (process.env.BENCH_TRACE) {
    desk.onEvent(({ event, payload }) => {
      if (event === 'connectivity') process.stderr.write(`desk event ${event} ${JSON.stringify(payload)}\n`);
    });
  }

  const large = await call('profiles.add', {
    name: LARGE_NAME,
    environment: 'custom',
    baseUrl: config.baseUrl,
    token: tokenA,
  });
  if (config.loop) {
    const figures = await deskLoop(desk, call, large.id, config.loop, skew);
    await report({ type: 'loop', ...figures });
    await desk.close();
    return;
  }
  collectGarbage();
  const rssBefore = process.memoryUsage().rss;
  const started = performance.now();
  await call('sync.now', { profileId: large.id });
  const syncMs = performance.now() - started;
  const orders = (await call('orders.list', { profileId: large.id, limit: 1 })).total;
  collectGarbage();
  const memory = process.memoryUsage();
  await report({
    type: 'synced',
    syncMs,
    rssBeforeMb: mb(rssBefore),
    rssAfterMb: mb(memory.rss),
    // maxRSS is in kilobytes.
    peakRssMb: mb(process.resourceUsage().maxRSS * 1024),
    heapUsedMb: mb(memory.heapUsed),
    heapTotalMb: mb(memory.heapTotal),
    externalMb: mb(memory.external),
    ...rssSplit(),
    orders,
  });

  if (config.search) {
    const key = await secrets.get(cacheKeyAccount(large.id));
    if (!key) throw new Error('the cache key of the large merchant is not in the keychain');
    const figures = await searchBench(config.search, {
      file: path.join(profileFolder(config.dataDir, large.id), 'cache.db'),
      key,
      query: (search) => call('orders.list', { profileId: large.id, search, limit: 100 }),
    });
    await report({ type: 'search', ...figures });
  }

  if (!config.staticDir) {
    await desk.close();
    return;
  }
  const small = await call('profiles.add', {
    name: SMALL_NAME,
    environment: 'custom',
    baseUrl: config.baseUrl,
    token: tokenB,
  });
  await call('sync.now', { profileId: small.id });
  await call('profiles.setActive', { id: large.id });
  const timings = new Map<string, number[]>();
  const host = await startWebHost({ desk: timedDesk(desk, timings), staticDir: config.staticDir, port: 0 });
  // 'sync-start': the large merchant syncs over and over (a sync running behind the screen, as
  // after a long time offline) until 'sync-stop', then says how many passes ran ('sync-stopped').
  let syncing: Promise<void> | null = null;
  let keepSyncing = false;
  const passes: number[] = [];
  let loop: IntervalHistogram | null = null;
  // 'watch-start' … 'watch-stop': the event-loop delay over a span the bench chooses (csv-page.ts).
  let watch: IntervalHistogram | null = null;
  const syncLoop = async () => {
    while (keepSyncing) {
      const t = performance.now();
      await call('sync.now', { profileId: large.id });
      passes.push(round(performance.now() - t));
    }
  };
  const stopped = new Promise<void>((resolve) => {
    process.on('message', (message: unknown) => {
      const type = (message as { type?: string }).type;
      if (type === 'stop') resolve();
      else if (type === 'watch-start') {
        watch?.disable();
        watch = monitorEventLoopDelay({ resolution: 10 });
        watch.enable();
      } else if (type === 'watch-stop') {
        watch?.disable();
        const ms = (ns: number | undefined) => round((ns ?? 0) / 1e6, 1);
        const delay = { p99Ms: ms(watch?.percentile(99)), maxMs: ms(watch?.max) };
        watch = null;
        void report({ type: 'watch-stopped', ...delay });
      }
      else if (type === 'sync-start' && !syncing) {
        keepSyncing = true;
        loop = monitorEventLoopDelay({ resolution: 10 });
        loop.enable();
        syncing = syncLoop().finally(() => (syncing = null));
      } else if (type === 'sync-stop') {
        keepSyncing = false;
        void (syncing ?? Promise.resolve()).then(() => {
          loop?.disable();
          const ms = (ns: number | undefined) => round((ns ?? 0) / 1e6, 1);
          const delay = { p99Ms: ms(loop?.percentile(99)), maxMs: ms(loop?.max) };
          loop = null;
          return report({ type: 'sync-stopped', passesMs: passes.splice(0), loop: delay });
        });
      }
    });
    process.on('disconnect', () => resolve());
  });
  await report({
    type: 'serving',
    openUrl: host.openUrl,
    large: { id: large.id, name: LARGE_NAME },
    small: { id: small.id, name: SMALL_NAME },
  });
  await stopped;
  await report(dispatchReport(timings));
  await host.close();
  await desk.close();
}

function describe(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const cause = error.cause === undefined ? '' : `\ncaused by: ${describe(error.cause)}`;
  return `${error.stack ?? error.message}${cause}`;
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    void report({ type: 'failed', message: describe(error) }).then(() => process.exit(1));
  },
);
