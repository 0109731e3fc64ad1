/**
 * Browser figures, in Debian's Chromium driven by Playwright against the web host of the Desk
 * process (whose large merchant has its orders cached): first paint, profile switch, scroll.
 *
 * Times come from the renderer's own performance marks: 'desk:shell-start' (main.ts),
 * 'desk:switch-start' (profiles.svelte.ts) and 'desk:rows-painted:<grid label>' (VirtualTable,
 * set in the animation frame after the first rows render).
 */
import { chromium, errors, type Browser, type BrowserContext, type Page } from '@playwright/test';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../test/support/chromium.ts';
import { median, round } from './stats.ts';

export const VIEWPORT = { width: 1280, height: 800 };

/**
 * The little of the DOM the page functions below use. They run in Chromium (Playwright sends
 * their source, so they can use nothing from this module), but are type-checked here, where the
 * project's tsconfig has no DOM library.
 */
interface PageElement {
  scrollTop: number;
  readonly scrollHeight: number;
  readonly clientHeight: number;
  querySelector(selector: string): PageElement | null;
  getAttribute(name: string): string | null;
}
interface PageWindow {
  document: { querySelector(selector: string): PageElement | null };
  requestAnimationFrame(callback: (now: number) => void): number;
}

export interface BrowserPlan {
  openUrl: string;
  large: { id: string; name: string };
  small: { id: string; name: string };
  runs: number;
  scrollSeconds: number;
  /** Pixels scrolled per animation frame. */
  scrollStep: number;
}

/** `--only first-paint`: that figure alone. */
export type FirstPaintOnlyFigures = Pick<BrowserFigures, 'chromium' | 'mode' | 'grid' | 'firstPaint'>;

export interface BrowserFigures {
  chromium: string;
  mode: 'headless';
  /** The grid measured: Orders when the Orders screen has its grid, else Products. */
  grid: { view: string; label: string; rows: number };
  firstPaint: {
    runs: number;
    /** Navigation start → first rows painted. */
    fromNavigationMs: number;
    /** 'desk:shell-start' → first rows painted. */
    afterShellMs: number;
    /** Navigation start → 'desk:shell-start' (HTML + script load and evaluation). */
    shellStartMs: number;
    /** The very first load, with an empty HTTP cache (one sample, not a median). */
    coldFromNavigationMs: number;
    /** Where the time after the shell goes (medians), from the page's resource timing of its Desk calls. */
    phases: FirstPaintPhases;
    samples: { fromNavigationMs: number[]; afterShellMs: number[] };
  };
  profileSwitch: {
    runs: number;
    /** Median over every switch, both directions. */
    medianMs: number;
    toLargeMs: number;
    toSmallMs: number;
    samples: { toLargeMs: number[]; toSmallMs: number[] };
  };
  scroll: {
    runs: number;
    seconds: number;
    pxPerFrame: number;
    /** Median over runs of the frames whose rAF delta exceeded 16.7 ms. */
    framesOver16_7ms: number;
    /**
     * Median over runs of the frames over 17.5 ms: over the 16.7 ms budget by more than the frame
     * clock's own jitter (an idle page here sees deltas of up to 16.8 ms).
     */
    framesOver17_5ms: number;
    /** Median over runs of the frames that missed at least one vsync (delta > 25 ms). */
    framesOver25ms: number;
    framesPerRun: number;
    /** Median over runs of the longest frame. */
    longestFrameMs: number;
    /** Median over runs of the frames that showed at least one "Loading…" placeholder row. */
    framesWithPlaceholders: number;
    /** The same counts on the same page without scrolling: the frame clock's own lateness. */
    idleFramesOver16_7ms: number;
    idleFramesOver25ms: number;
    rowsScrolledPerRun: number;
    samples: {
      over16_7: number[];
      over17_5: number[];
      over25: number[];
      longest: number[];
      idleOver16_7: number[];
      idleOver25: number[];
    };
  };
}

export interface FirstPaintPhases {
  /** 'desk:shell-start' → the first Desk call leaves (Svelte mounts the app). */
  firstCallAfterShellMs: number;
  /** The `profiles.list` round trip. */
  profilesListMs: number;
  /** 'desk:shell-start' → the grid's first `<view>.list` call leaves. */
  ordersCallStartAfterShellMs: number;
  /** That call's round trip (HTTP to the web host, the Desk's query, JSON both ways). */
  ordersCallMs: number;
  /** Of which inside the Desk (`Desk.dispatch`, the web host's Server-Timing). */
  ordersCallDeskMs: number;
  /** 'desk:shell-start' → the `profiles.list` answer (the frame can mount from then on). */
  profilesAnsweredAfterShellMs: number;
  /** Its answer → the rows painted mark (rendering the rows, then the next frame). */
  paintAfterDataMs: number;
  /** Main-thread tasks over 50 ms (Long Tasks API), their time between the shell mark and the rows. */
  longTasksMs: number;
  /**
   * The page's main thread's CPU time (thread time, CDP Performance.getMetrics) from navigation
   * until the bench saw the rows mark: all the work the page did to show its first rows, module
   * evaluation included. Unlike the wall-clock figures it hardly moves when other processes share
   * the cores.
   */
  mainThreadCpuMs: number;
  /** Of which running script (ScriptDuration), and laying out and styling the page. */
  scriptCpuMs: number;
  layoutAndStyleMs: number;
}

/** Records long tasks from the page's start (a string: page code must not pass through tsx). */
const LONG_TASKS = `
  window.__deskLongTasks = [];
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) window.__deskLongTasks.push([e.startTime, e.duration]);
  }).observe({ type: 'longtask', buffered: true });
`;

export interface RpcCall {
  method: string;
  start: number;
  end: number;
  /** Time inside the Desk (the web host's Server-Timing), of the round trip end − start. */
  deskMs: number | null;
}

/** The page's Desk calls (POST /rpc/<method>), from its resource timing. */
export async function rpcCalls(page: Page): Promise<RpcCall[]> {
  return page.evaluate(() =>
    (
      performance.getEntriesByType('resource') as unknown as {
        name: string;
        startTime: number;
        responseEnd: number;
        serverTiming?: { name: string; duration: number }[];
      }[]
    )
      .filter((e) => new URL(e.name).pathname.startsWith('/rpc/'))
      .map((e) => ({
        method: decodeURIComponent(new URL(e.name).pathname.slice('/rpc/'.length)),
        start: e.startTime,
        end: e.responseEnd,
        deskMs: e.serverTiming?.find((t) => t.name === 'desk')?.duration ?? null,
      })),
  );
}

interface Marks {
  shell: number | null;
  rows: number[];
  switchStart: number | null;
}

async function marks(page: Page, label: string): Promise<Marks> {
  // No named functions inside page code: tsx compiles this module with esbuild's keepNames,
  // which wraps them in a `__name` helper the page does not have.
  return page.evaluate(
    (name) => ({
      shell: performance.getEntriesByName('desk:shell-start', 'mark').at(-1)?.startTime ?? null,
      rows: performance.getEntriesByName(`desk:rows-painted:${name}`, 'mark').map((m) => m.startTime),
      switchStart: performance.getEntriesByName('desk:switch-start', 'mark').at(-1)?.startTime ?? null,
    }),
    label,
  );
}

/**
 * Resolves with the first `desk:rows-painted:<label>` mark after `after`. It waits in the page on a
 * PerformanceObserver, through a plain evaluate: Playwright's waitForFunction would first inject
 * its selector engine into the page — ~10 ms of the page's main thread, inside the very window
 * being measured (a first-paint trace showed it between the frame and the rows).
 */
export async function waitForMark(page: Page, name: string, after: number, timeoutMs: number): Promise<number> {
  const found = await page.evaluate(
    ({ name, after, timeoutMs }) =>
      // No named functions in page code (see `marks`).
      new Promise<number | null>((resolve) => {
        const already = performance.getEntriesByName(name, 'mark').find((e) => e.startTime > after);
        if (already) return resolve(already.startTime);
        const timer = setTimeout(() => {
          observer.disconnect();
          resolve(null);
        }, timeoutMs);
        const observer = new PerformanceObserver((list) => {
          const at = list.getEntries().find((e) => e.name === name && e.startTime > after);
          if (!at) return;
          clearTimeout(timer);
          observer.disconnect();
          resolve(at.startTime);
        });
        observer.observe({ type: 'mark' });
      }),
    { name, after, timeoutMs },
  );
  if (found === null) throw new errors.TimeoutError(`no '${name}' mark within ${timeoutMs} ms`);
  return found;
}

async function waitForRows(page: Page, label: string, after: number, timeoutMs: number): Promise<number> {
  return waitForMark(page, `desk:rows-painted:${label}`, after, timeoutMs);
}

/** The session cookie each launch's key was exchanged for (the key works once). */
const sessions = new Map<string, Awaited<ReturnType<BrowserContext['storageState']>>['cookies']>();

/**
 * Signs the context in. The first time, Chromium opens the launch URL (only a browser resolves
 * the web host's `<random>.localhost` name, and the key works once); later contexts get the
 * session cookie that visit earned.
 */
export async function signIn(context: BrowserContext, openUrl: string): Promise<void> {
  const known = sessions.get(openUrl);
  if (known) {
    await context.addCookies(known);
    return;
  }
  const page = await context.newPage();
  try {
    const response = await page.goto(openUrl);
    if (!response?.ok()) throw new Error(`the web host refused the launch key (${response?.status() ?? 'no answer'})`);
    sessions.set(openUrl, (await context.storageState()).cookies);
  } finally {
    await page.close();
  }
}

interface FrameRun {
  deltas: number[];
  placeholders: number;
  rows: number;
}

/**
 * Scrolls `selector` by `step` px in every animation frame for `seconds` (step 0: just watches
 * the frames) and returns the time between frames as requestAnimationFrame saw it.
 */
async function frames(page: Page, selector: string, seconds: number, step: number): Promise<FrameRun> {
  return page.evaluate(
    async ({ selector, seconds, step }) => {
      const win = globalThis as unknown as PageWindow;
      const el = win.document.querySelector(selector)!;
      const from = el.scrollTop;
      const deltas: number[] = [];
      let withPlaceholders = 0;
      let last = await new Promise<number>((resolve) => win.requestAnimationFrame(resolve));
      const end = last + seconds * 1000;
      while (last < end) {
        // Runs in this frame's callback phase (a microtask after the rAF callback), before
        // style and layout: the scroll and the rows it brings are this frame's work.
        el.scrollTop += step;
        const now = await new Promise<number>((resolve) => win.requestAnimationFrame(resolve));
        deltas.push(now - last);
        if (el.querySelector('[aria-busy="true"]')) withPlaceholders += 1;
        last = now;
      }
      return { deltas, placeholders: withPlaceholders, rows: (el.scrollTop - from) / 36 };
    },
    { selector, seconds, step },
  );
}

/** Which grid to measure: the Orders grid when that screen has one, else Products (and say so). */
async function chooseGrid(
  browser: Browser,
  origin: string,
  openUrl: string,
): Promise<{ view: string; label: string }> {
  const context = await browser.newContext({ viewport: VIEWPORT });
  try {
    await signIn(context, openUrl);
    const page = await context.newPage();
    await page.goto(`${origin}/#/orders`);
    try {
      await waitForRows(page, 'Orders', 0, 15_000);
      return { view: 'orders', label: 'Orders' };
    } catch (error) {
      if (!(error instanceof errors.TimeoutError)) throw error;
      return { view: 'products', label: 'Products' };
    }
  } finally {
    await context.close();
  }
}

export async function browserBench(plan: BrowserPlan, log: (line: string) => void): Promise<BrowserFigures> {
  return (await measure(plan, log, false)) as BrowserFigures;
}

/** The first-paint figure alone (no profile switch or scroll). */
export async function firstPaintBench(plan: BrowserPlan, log: (line: string) => void): Promise<FirstPaintOnlyFigures> {
  return measure(plan, log, true);
}

async function measure(
  plan: BrowserPlan,
  log: (line: string) => void,
  firstPaintOnly: boolean,
): Promise<BrowserFigures | FirstPaintOnlyFigures> {
  const browser = await chromium.launch({
    executablePath: CHROMIUM_PATH,
    args: [...CHROMIUM_ARGS],
    headless: true,
  });
  try {
    const origin = new URL(plan.openUrl).origin;
    const grid = await chooseGrid(browser, origin, plan.openUrl);
    if (grid.view !== 'orders')
      log('  the Orders screen has no grid labelled "Orders" yet: measuring Products instead');
    const context = await browser.newContext({ viewport: VIEWPORT });
    await context.addInitScript(LONG_TASKS);
    await signIn(context, plan.openUrl);
    // The first load finds the HTTP cache empty: the cold figure.
    const opener = await context.newPage();
    await opener.goto(`${origin}/#/${grid.view}`);
    const cold = await waitForRows(opener, grid.label, 0, 30_000);
    const gridRows = await opener.evaluate(
      (label) =>
        Number(
          (globalThis as unknown as PageWindow).document
            .querySelector(`[role="grid"][aria-label="${label}"]`)
            ?.getAttribute('aria-rowcount') ?? 1,
        ) - 1,
      grid.label,
    );
    await opener.close();

    // ---------------------------------------------------------------- first paint
    const fromNavigation: number[] = [];
    const afterShell: number[] = [];
    const shellStart: number[] = [];
    const phases: Record<keyof FirstPaintPhases, number[]> = {
      firstCallAfterShellMs: [],
      profilesListMs: [],
      ordersCallStartAfterShellMs: [],
      ordersCallMs: [],
      ordersCallDeskMs: [],
      profilesAnsweredAfterShellMs: [],
      paintAfterDataMs: [],
      longTasksMs: [],
      mainThreadCpuMs: [],
      scriptCpuMs: [],
      layoutAndStyleMs: [],
    };
    for (let i = 0; i < plan.runs; i++) {
      const page = await context.newPage();
      const cdp = await context.newCDPSession(page);
      await cdp.send('Performance.enable', { timeDomain: 'threadTicks' });
      await page.goto(`${origin}/#/${grid.view}`);
      const rows = await waitForRows(page, grid.label, 0, 30_000);
      const metric = Object.fromEntries(
        (await cdp.send('Performance.getMetrics')).metrics.map((m) => [m.name, m.value * 1000]),
      );
      await cdp.detach();
      const { shell } = await marks(page, grid.label);
      if (shell === null) throw new Error("the renderer set no 'desk:shell-start' mark");
      fromNavigation.push(round(rows));
      afterShell.push(round(rows - shell));
      shellStart.push(shell);
      const calls = (await rpcCalls(page)).filter((c) => c.end <= rows);
      const first = calls[0];
      const profilesList = calls.find((c) => c.method === 'profiles.list');
      const list = calls.filter((c) => c.method === `${grid.view}.list`).at(-1);
      if (first && profilesList && list) {
        phases.firstCallAfterShellMs.push(first.start - shell);
        phases.profilesListMs.push(profilesList.end - profilesList.start);
        phases.ordersCallStartAfterShellMs.push(list.start - shell);
        phases.ordersCallMs.push(list.end - list.start);
        phases.ordersCallDeskMs.push(list.deskMs ?? NaN);
        phases.profilesAnsweredAfterShellMs.push(profilesList.end - shell);
        phases.paintAfterDataMs.push(rows - list.end);
        const busy = await page.evaluate(
          ({ from, to }) =>
            ((globalThis as unknown as { __deskLongTasks?: [number, number][] }).__deskLongTasks ?? [])
              // The part of each task inside the window: the first one (evaluating the bundle,
              // mounting the app) starts before the shell mark it sets.
              .reduce(
                (sum, [start, duration]) =>
                  sum + Math.max(0, Math.min(start + duration, to) - Math.max(start, from)),
                0,
              ),
          { from: shell, to: rows },
        );
        phases.longTasksMs.push(busy);
        phases.mainThreadCpuMs.push(metric.ThreadTime ?? NaN);
        phases.scriptCpuMs.push(metric.ScriptDuration ?? NaN);
        phases.layoutAndStyleMs.push((metric.LayoutDuration ?? NaN) + (metric.RecalcStyleDuration ?? NaN));
      }
      await page.close();
    }
    log(
      `  first paint: ${fromNavigation.join(', ')} ms from navigation; ${afterShell.join(', ')} ms after the shell`,
    );

    const firstPaint = {
      runs: plan.runs,
      fromNavigationMs: median(fromNavigation),
      afterShellMs: median(afterShell),
      shellStartMs: round(median(shellStart)),
      coldFromNavigationMs: round(cold),
      phases: Object.fromEntries(Object.entries(phases).map(([k, v]) => [k, median(v)])) as unknown as FirstPaintPhases,
      samples: { fromNavigationMs: fromNavigation, afterShellMs: afterShell },
    };
    if (firstPaintOnly) {
      await context.close();
      return { chromium: browser.version(), mode: 'headless', grid: { ...grid, rows: gridRows }, firstPaint };
    }

    // ---------------------------------------------------------------- profile switch
    const page = await context.newPage();
    await page.goto(`${origin}/#/${grid.view}`);
    await waitForRows(page, grid.label, 0, 30_000);
    const switcher = page.getByRole('navigation', { name: 'Merchant profiles' });
    const toLarge: number[] = [];
    const toSmall: number[] = [];
    for (let i = 0; i < plan.runs * 2; i++) {
      const target = i % 2 === 0 ? plan.small : plan.large;
      await page.evaluate(() => performance.clearMarks());
      await switcher.getByRole('button', { name: target.name }).click();
      await page.waitForFunction(
        () => performance.getEntriesByName('desk:switch-start', 'mark').length > 0,
        undefined,
        {
          timeout: 10_000,
        },
      );
      const start = (await marks(page, grid.label)).switchStart!;
      const painted = await waitForRows(page, grid.label, start, 30_000);
      (target === plan.large ? toLarge : toSmall).push(round(painted - start));
      // Let the new screen settle (name look-ups, counts) before the next click.
      await page.waitForTimeout(300);
    }
    log(
      `  switch to the small merchant: ${toSmall.join(', ')} ms; back to the large one: ${toLarge.join(', ')} ms`,
    );

    // ---------------------------------------------------------------- scroll
    const over16: number[] = [];
    const over17: number[] = [];
    const idleOver16: number[] = [];
    const idleOver25: number[] = [];
    const over25: number[] = [];
    const longest: number[] = [];
    const placeholders: number[] = [];
    let framesPerRun = 0;
    let rowsScrolled = 0;
    const viewport = `[role="grid"][aria-label="${grid.label}"] [role="rowgroup"]`;
    for (let i = 0; i < plan.runs; i++) {
      // Each run scrolls rows not seen before, so every run loads its pages as a person would.
      await page.evaluate(
        ({ selector, fraction }) => {
          const el = (globalThis as unknown as PageWindow).document.querySelector(selector)!;
          el.scrollTop = Math.floor((el.scrollHeight - el.clientHeight) * fraction);
        },
        { selector: viewport, fraction: i / (plan.runs + 1) },
      );
      await page.waitForTimeout(500);
      // The same loop without scrolling first: how often the frame clock itself runs late here.
      const idle = await frames(page, viewport, plan.scrollSeconds, 0);
      idleOver16.push(idle.deltas.filter((d) => d > 16.7).length);
      idleOver25.push(idle.deltas.filter((d) => d > 25).length);
      const result = await frames(page, viewport, plan.scrollSeconds, plan.scrollStep);
      over16.push(result.deltas.filter((d) => d > 16.7).length);
      over17.push(result.deltas.filter((d) => d > 17.5).length);
      over25.push(result.deltas.filter((d) => d > 25).length);
      longest.push(round(Math.max(...result.deltas)));
      placeholders.push(result.placeholders);
      framesPerRun = result.deltas.length;
      rowsScrolled = Math.round(result.rows);
    }
    log(
      `  scroll: frames over 16.7 ms per run ${over16.join(', ')}; over 17.5 ms ${over17.join(', ')}; over 25 ms ${over25.join(', ')}; longest ${longest.join(', ')} ms`,
    );
    log(
      `  idle (no scrolling): frames over 16.7 ms ${idleOver16.join(', ')}; over 25 ms ${idleOver25.join(', ')}`,
    );
    await page.close();
    await context.close();

    return {
      chromium: browser.version(),
      mode: 'headless',
      grid: { ...grid, rows: gridRows },
      firstPaint,
      profileSwitch: {
        runs: plan.runs * 2,
        medianMs: median([...toLarge, ...toSmall]),
        toLargeMs: median(toLarge),
        toSmallMs: median(toSmall),
        samples: { toLargeMs: toLarge, toSmallMs: toSmall },
      },
      scroll: {
        runs: plan.runs,
        seconds: plan.scrollSeconds,
        pxPerFrame: plan.scrollStep,
        framesOver16_7ms: median(over16),
        framesOver17_5ms: median(over17),
        framesOver25ms: median(over25),
        framesPerRun,
        longestFrameMs: median(longest),
        framesWithPlaceholders: median(placeholders),
        idleFramesOver16_7ms: median(idleOver16),
        idleFramesOver25ms: median(idleOver25),
        rowsScrolledPerRun: rowsScrolled,
        samples: {
          over16_7: over16,
          over17_5: over17,
          over25,
          longest,
          idleOver16_7: idleOver16,
          idleOver25,
        },
      },
    };
  } finally {
    await browser.close();
  }
}
