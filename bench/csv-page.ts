/**
 * The Orders CSV export as the operator feels it (issue 14): in headless Chromium against the web
 * host of the Desk process (its large merchant synced), click Export in the Orders list's export
 * dialog (its usual columns) → the file saved, i.e. Playwright's `download` event and
 * `download.path()` resolved (the whole file written to disk). The Desk's event-loop delay
 * (`monitorEventLoopDelay`, 10 ms resolution, in the Desk process) is watched from just before
 * the click to the saved file.
 *
 * Same-run comparisons, the same input (the columns and filters the page sent):
 * - the old path: the page calls `POST /rpc/orders.exportCsv` (the whole CSV as one string in one
 *   JSON answer), parses it and saves a Blob of it — what the page did before the stream;
 * - the floor: the page saves a Blob of the same text it already holds (download alone).
 * Runs alternate (stream, old, floor) so the machine's load falls on all three alike.
 */
import { chromium, type Download, type Page } from '@playwright/test';
import { readFileSync, statSync } from 'node:fs';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../test/support/chromium.ts';
import { signIn } from './browser.ts';
import { median, round } from './stats.ts';

export interface LoopDelay {
  p99Ms: number;
  maxMs: number;
}

export interface CsvPagePlan {
  openUrl: string;
  profileId: string;
  runs: number;
  /** Watches the Desk process's event loop from `start` to `stop`. */
  watch: { start(): void; stop(): Promise<LoopDelay> };
}

export interface CsvPageRun {
  /** Click → file saved. */
  ms: number;
  deskLoop: LoopDelay;
  /**
   * Streamed runs: where the time went, from the page's marks (stream.ts): click → the answer's
   * head (the snapshot taken), head → its last byte (the Desk building it, the transfer, the page
   * counting), last byte → file saved (the Blob, the download).
   */
  phases?: { headMs: number; bodyMs: number; saveMs: number };
}

export interface CsvPageFigures {
  chromium: string;
  rows: number;
  bytes: number;
  /** Click Export → file saved, streamed (the app today). */
  stream: { runs: CsvPageRun[]; medianMs: number; deskLoopMaxMs: number };
  /** The same export through the one-answer RPC (before the stream). */
  oneAnswer: { runs: CsvPageRun[]; medianMs: number; deskLoopMaxMs: number };
  /** Saving a Blob of the same text, already in the page. */
  saveOnly: { runs: number[]; medianMs: number };
  /** stream median ÷ one-answer median, and ÷ save-only median. */
  ratioToOneAnswer: number;
  ratioToSaveOnly: number;
  /** True when every streamed file was byte-identical to the one-answer file. */
  identical: boolean;
}

/** Page script (the bench has no DOM types): save the text `expression` names as `name`, as download.ts does. */
const saveBlob = (expression: string, name: string) => `{
  const url = URL.createObjectURL(new Blob([${expression}], { type: 'text/csv;charset=utf-8' }));
  const link = document.createElement('a');
  link.href = url;
  link.download = '${name}';
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}`;

/** In the page: the old path, the one answer's string saved (and kept for the floor). */
const ONE_ANSWER = `async (body) => {
  const answer = await (await fetch('rpc/orders.exportCsv', { method: 'POST', headers: { 'content-type': 'application/json' }, body })).json();
  if (!answer.ok) throw new Error('the one-answer export failed');
  window.benchCsv = answer.value.csv;
  ${saveBlob('answer.value.csv', 'one-answer.csv')}
}`;

/** In the page: the same text, already held, saved (the download alone). */
const SAVE_ONLY = `() => ${saveBlob("window.benchCsv ?? ''", 'save-only.csv')}`;

async function saved(page: Page, act: () => Promise<unknown>): Promise<{ download: Download; file: string }> {
  const downloading = page.waitForEvent('download', { timeout: 120_000 });
  await act();
  const download = await downloading;
  const file = await download.path();
  return { download, file };
}

export async function csvPageBench(plan: CsvPagePlan, log: (line: string) => void): Promise<CsvPageFigures> {
  const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: [...CHROMIUM_ARGS], headless: true });
  try {
    const origin = new URL(plan.openUrl).origin;
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, acceptDownloads: true });
    await signIn(context, plan.openUrl);
    const page = await context.newPage();
    page.setDefaultTimeout(120_000);
    await page.goto(`${origin}/#/orders`);
    const exportButton = page.getByRole('button', { name: 'Export CSV' });
    await exportButton.and(page.locator(':enabled')).waitFor();

    let input = '';
    page.on('request', (request) => {
      if (request.url().endsWith('/stream/orders.exportCsv')) input = request.postData() ?? '';
    });
    const stream: CsvPageRun[] = [];
    const oneAnswer: CsvPageRun[] = [];
    const saveOnly: number[] = [];
    let identical = true;
    let rows = 0;
    let bytes = 0;
    for (let run = 0; run < plan.runs; run++) {
      // The app: click Export in the dialog → the file saved.
      await exportButton.click();
      const dialog = page.getByRole('dialog', { name: /Export [\d,]+ orders? to CSV/ });
      const go = dialog.getByRole('button', { name: 'Export', exact: true });
      await go.waitFor();
      plan.watch.start();
      await page.evaluate('performance.clearMarks(); performance.mark("bench:csv-click")');
      let t = performance.now();
      const streamed = await saved(page, () => go.click());
      const streamMs = performance.now() - t;
      const marks = (await page.evaluate(
        `['bench:csv-click', 'desk:stream-head:orders.exportCsv', 'desk:stream-end:orders.exportCsv'].map((n) => performance.getEntriesByName(n).at(-1)?.startTime ?? NaN)`,
      )) as number[];
      const [click = NaN, head = NaN, end = NaN] = marks;
      // The page's clock starts its click mark a moment before Node's; the save phase is the rest.
      const phases = { headMs: round(head - click), bodyMs: round(end - head), saveMs: round(streamMs - (end - click)) };
      stream.push({ ms: round(streamMs), deskLoop: await plan.watch.stop(), phases });
      await page.getByText(/^Exported [\d,]+ orders? to /).waitFor();
      const text = readFileSync(streamed.file);
      bytes = text.length;
      rows = Number(/^Exported ([\d,]+)/.exec((await page.getByText(/^Exported [\d,]+ orders? to /).textContent()) ?? '')?.[1]?.replace(/,/g, '') ?? 0);
      await streamed.download.delete();

      // Before: the one-answer RPC, its JSON parsed, a Blob of the string saved.
      plan.watch.start();
      t = performance.now();
      const old = await saved(page, () => page.evaluate(`(${ONE_ANSWER})(${JSON.stringify(input)})`));
      const oldMs = performance.now() - t;
      oneAnswer.push({ ms: round(oldMs), deskLoop: await plan.watch.stop() });
      if (!readFileSync(old.file).equals(text)) identical = false;
      await old.download.delete();

      // The floor: a Blob of the same text the page already holds, saved.
      t = performance.now();
      const floor = await saved(page, () => page.evaluate(`(${SAVE_ONLY})()`));
      saveOnly.push(round(performance.now() - t));
      if (statSync(floor.file).size !== bytes) identical = false;
      await floor.download.delete();
      await page.evaluate('delete window.benchCsv');
      log(
        `  run ${run + 1}/${plan.runs}: stream ${round(streamMs)} ms (Desk loop max ${stream.at(-1)!.deskLoop.maxMs} ms; ` +
          `head ${phases.headMs}, body ${phases.bodyMs}, save ${phases.saveMs} ms), ` +
          `one answer ${round(oldMs)} ms (max ${oneAnswer.at(-1)!.deskLoop.maxMs} ms), save only ${saveOnly.at(-1)} ms; ${rows} rows, ${round(bytes / 1024 / 1024, 1)} MB`,
      );
    }
    const streamMedian = median(stream.map((r) => r.ms));
    const oneMedian = median(oneAnswer.map((r) => r.ms));
    const saveMedian = median(saveOnly);
    return {
      chromium: browser.version(),
      rows,
      bytes,
      stream: { runs: stream, medianMs: streamMedian, deskLoopMaxMs: Math.max(...stream.map((r) => r.deskLoop.maxMs)) },
      oneAnswer: { runs: oneAnswer, medianMs: oneMedian, deskLoopMaxMs: Math.max(...oneAnswer.map((r) => r.deskLoop.maxMs)) },
      saveOnly: { runs: saveOnly, medianMs: saveMedian },
      ratioToOneAnswer: round(streamMedian / oneMedian, 2),
      ratioToSaveOnly: round(streamMedian / saveMedian, 2),
      identical,
    };
  } finally {
    await browser.close();
  }
}
