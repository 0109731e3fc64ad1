/**
 * "Try the sandbox" → first rows painted, as a new operator feels it: a Desk process of its own
 * on an empty data folder (no profile, nothing in the keychain for it), the embedded sandbox's
 * launcher handed to it as the entry points do, the console served by the real web host, and
 * headless Chromium clicking the first screen's "Try the sandbox" button.
 *
 * Every run is a first start: a new Desk process, a new data folder, a new browser context (its
 * HTTP cache empty), so nothing — the sandbox's seeding, the profile, the cache — is left from an
 * earlier run.
 *
 * Times come from the page's own marks: 'desk:try-sandbox' (profiles.svelte.ts, when the click's
 * handler starts), 'desk:rows-painted:Products' (VirtualTable, the frame after the first rows
 * render) and 'desk:figures-painted:Dashboard' (Dashboard, the frame after its figures first show,
 * which waits for the whole first sync by design).
 */
import { chromium } from '@playwright/test';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../test/support/chromium.ts';
import { rpcCalls, signIn, VIEWPORT } from './browser.ts';
import type { DispatchTiming } from './desk-process.ts';
import { startDeskProcess } from './processes.ts';
import { median, round } from './stats.ts';

export interface TrySandboxPlan {
  runs: number;
}

export interface TrySandboxFigures {
  runs: number;
  /** The screen the click was made on, and whose rows are measured. */
  screen: 'products';
  /** Click → first product rows painted (the budget figure). */
  toRowsMs: number;
  /** Click → the Dashboard's figures painted (after the whole first sync), the same click. */
  toDashboardFiguresMs: number;
  /** Where the time to the first rows goes (medians, from the page's resource timing). */
  phases: {
    /** The `profiles.trySandbox` round trip (starting the sandbox, adding the profile). */
    trySandboxCallMs: number;
    /** Click → the `products.list` call whose answer painted the rows left. */
    listCallStartMs: number;
    /** That call's round trip. */
    listCallMs: number;
    /** How many `products.list` calls the page made before its rows painted. */
    listCalls: number;
    /** That answer → the rows painted mark. */
    paintAfterDataMs: number;
  };
  /** Time inside `Desk.dispatch` per method (last run). */
  deskDispatch: Record<string, DispatchTiming>;
  samples: { toRowsMs: number[]; toDashboardFiguresMs: number[] };
}

export async function trySandboxBench(
  plan: TrySandboxPlan,
  deps: { deskScript: string; rendererDir: string },
  log: (line: string) => void,
): Promise<TrySandboxFigures> {
  const browser = await chromium.launch({
    executablePath: CHROMIUM_PATH,
    args: [...CHROMIUM_ARGS],
    headless: true,
  });
  const toRows: number[] = [];
  const toFigures: number[] = [];
  const phases = {
    trySandboxCallMs: [] as number[],
    listCallStartMs: [] as number[],
    listCallMs: [] as number[],
    listCalls: [] as number[],
    paintAfterDataMs: [] as number[],
  };
  let deskDispatch: Record<string, DispatchTiming> = {};
  try {
    for (let i = 0; i < plan.runs; i++) {
      const dataDir = mkdtempSync(path.join(os.tmpdir(), 'desk-first-start-'));
      const child = startDeskProcess(
        deps.deskScript,
        { dataDir, baseUrl: '', search: null, staticDir: deps.rendererDir, firstStart: true },
        { a: '', b: '' },
      );
      try {
        const { openUrl } = await child.next('serving-first-start', 60_000);
        const origin = new URL(openUrl).origin;
        const context = await browser.newContext({ viewport: VIEWPORT });
        await signIn(context, openUrl);
        const page = await context.newPage();
        // The first screen, on the Products screen's address: after the click the operator is
        // on Products, whose first rows are the figure (the "first product row").
        await page.goto(`${origin}/#/products`);
        const button = page.getByRole('button', { name: 'Try the sandbox' });
        await button.waitFor({ state: 'visible', timeout: 30_000 });
        await button.click();
        await page.waitForFunction(
          () =>
            performance.getEntriesByName('desk:try-sandbox', 'mark').length > 0 &&
            performance.getEntriesByName('desk:rows-painted:Products', 'mark').length > 0,
          undefined,
          { timeout: 60_000, polling: 'raf' },
        );
        const marks = await page.evaluate(() => ({
          click: performance.getEntriesByName('desk:try-sandbox', 'mark')[0]!.startTime,
          rows: performance.getEntriesByName('desk:rows-painted:Products', 'mark')[0]!.startTime,
        }));
        toRows.push(round(marks.rows - marks.click));
        const calls = (await rpcCalls(page)).filter((c) => c.start >= marks.click && c.end <= marks.rows);
        const tryCall = calls.find((c) => c.method === 'profiles.trySandbox');
        const lists = calls.filter((c) => c.method === 'products.list');
        const list = lists.at(-1);
        if (tryCall && list) {
          phases.trySandboxCallMs.push(tryCall.end - tryCall.start);
          phases.listCallStartMs.push(list.start - marks.click);
          phases.listCallMs.push(list.end - list.start);
          phases.listCalls.push(lists.length);
          phases.paintAfterDataMs.push(marks.rows - list.end);
        }
        // The same click, on to the Dashboard: its figures wait for the whole first sync.
        await page.evaluate(
          () => ((globalThis as unknown as { location: { hash: string } }).location.hash = '#/dashboard'),
        );
        await page.waitForFunction(
          () => performance.getEntriesByName('desk:figures-painted:Dashboard', 'mark').length > 0,
          undefined,
          { timeout: 180_000, polling: 100 },
        );
        const figures = await page.evaluate(
          () => performance.getEntriesByName('desk:figures-painted:Dashboard', 'mark')[0]!.startTime,
        );
        toFigures.push(round(figures - marks.click));
        log(
          `  run ${i + 1}/${plan.runs}: first product rows ${toRows.at(-1)} ms after the click; dashboard figures ${toFigures.at(-1)} ms`,
        );
        await context.close();
        child.send({ type: 'stop' });
        deskDispatch = (await child.next('dispatch', 30_000)).byMethod;
        await child.exited;
      } finally {
        child.kill();
        rmSync(dataDir, { recursive: true, force: true });
      }
    }
  } finally {
    await browser.close();
  }
  return {
    runs: plan.runs,
    screen: 'products',
    toRowsMs: median(toRows),
    toDashboardFiguresMs: median(toFigures),
    phases: {
      trySandboxCallMs: round(median(phases.trySandboxCallMs)),
      listCallStartMs: round(median(phases.listCallStartMs)),
      listCallMs: round(median(phases.listCallMs)),
      listCalls: median(phases.listCalls),
      paintAfterDataMs: round(median(phases.paintAfterDataMs)),
    },
    deskDispatch,
    samples: { toRowsMs: toRows, toDashboardFiguresMs: toFigures },
  };
}
