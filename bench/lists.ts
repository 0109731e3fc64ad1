/**
 * Lists as the operator feels them, in headless Chromium against the web host of the Desk process
 * (its large merchant synced): typing a search, pressing a status chip or choosing a type, and
 * flinging the Orders grid with the mouse wheel.
 *
 * Every time comes from the page's own clock: the input event that started it (the LAST keydown
 * of a term typed key by key, a chip's pointerdown, the type select's input event), recorded by a
 * capturing listener, to the 'desk:rows-painted:<grid>' mark VirtualTable sets in the animation
 * frame after a query's rows render. The mark's detail names the query whose rows were painted, so
 * only the rows of the final term (or of the chip set pressed) count; a stale answer painted after
 * them is counted too (it should never happen).
 *
 * The same-run baseline is a static page (`page.setContent`) holding the same orders in memory
 * that filters them and paints the first 100 matching rows' cells as a table on every input, with
 * no debounce and no Desk: what painting and filtering cost in this browser on this machine.
 *
 * Fast scroll: wheel bursts of 2000 px over the grid, sampling every animation frame whether any
 * row inside the viewport is a "Loading…" placeholder or missing, with long tasks (Long Tasks API).
 */
import { chromium, type Page } from '@playwright/test';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../test/support/chromium.ts';
import { signIn } from './browser.ts';
import { median, percentile, round, sleep } from './stats.ts';

const VIEWPORT = { width: 1280, height: 800 };

export interface ListsPlan {
  openUrl: string;
  profileId: string;
  /** Search terms typed on the Orders list (and on Customers, a few). */
  terms: number;
  /** Of those, typed again while a sync runs. */
  termsDuringSync: number;
  customerTerms: number;
  /** Milliseconds between keys, as a person types. */
  keyDelayMs: number;
  /** Status chips pressed (each on, then off) and types chosen (each, then back to all). */
  chips: number;
  types: number;
  bursts: number;
  burstPx: number;
  /** Runs a sync of the large merchant over and over while `during` runs (null: not measured). */
  background: { start(): void; stop(): Promise<SyncRun> } | null;
}

/** The sync passes that ran behind a measurement, and the Desk's event-loop delay meanwhile. */
export interface SyncRun {
  passesMs: number[];
  loop: { p99Ms: number; maxMs: number };
}

export interface Felt {
  samples: number[];
  p50Ms: number;
  p95Ms: number;
  maxMs: number;
  /** Answers for an older query painted after the right rows (should be 0). */
  stalePaints: number;
  /**
   * Where each sample's time went (p50 / p95 over samples), from the page's resource timing of the
   * last list call before the paint: input → that call leaves (debounce, waiting for an answer
   * still on its way), the call itself (HTTP, the web host, the Desk), its answer → rows painted.
   */
  phases: { waitMs: [number, number]; callMs: [number, number]; paintMs: [number, number] } | null;
}

export interface ListsFigures {
  chromium: string;
  search: {
    keyDelayMs: number;
    terms: string[];
    /** Last keystroke → the final term's rows painted, Orders list. */
    orders: Felt;
    /** The same terms on the static page. */
    baseline: Felt;
    /** orders p95 ÷ baseline p95. */
    ratioP95: number;
    /** The same, with a sync of the large merchant running the whole time. */
    duringSync: (Felt & { syncPasses: number; syncPassMs: number[]; deskLoopDelay: SyncRun['loop'] }) | null;
    customers: Felt | null;
    /** Desk calls per search typed (the Orders list), by method: how many round trips one term costs. */
    callsPerTerm: Record<string, number>;
  };
  chips: {
    /** Status chip pressed / type chosen → the rows for the new filters painted. */
    orders: Felt;
    baseline: Felt;
    ratioP95: number;
  };
  scroll: {
    bursts: number;
    burstPx: number;
    /** Long tasks (> 50 ms) while scrolling, and the longest (0 when none). */
    longTasks: number;
    longestTaskMs: number;
    frames: number;
    /** Frames in which a row inside the viewport was a placeholder or not rendered. */
    framesWithBlankRows: number;
    /** Longest run of consecutive such frames. */
    longestBlankRunFrames: number;
    /** Bursts during which any frame showed blank rows. */
    burstsWithBlankRows: number;
    /**
     * The renderer main thread's own busy time over the whole scroll (Chromium's Performance
     * metrics): what the long tasks cost in CPU, as opposed to wall time on a shared machine.
     */
    renderer: {
      taskMs: number;
      /** CPU time the main thread actually got (ThreadTime): far below taskMs when the machine is shared. */
      threadCpuMs: number;
      scriptMs: number;
      layoutMs: number;
      styleMs: number;
      /** The bench's own DevTools commands (wheel events, flags, the frame sampler's reads). */
      devtoolsMs: number;
      wallMs: number;
    };
  };
}

/** The page's input events and long tasks, recorded from its start (page code as a string: tsx must not compile it). */
const PAGE_PROBES = `
  window.__deskInputs = [];
  for (const type of ['keydown', 'pointerdown', 'input', 'change']) {
    window.addEventListener(type, (e) => window.__deskInputs.push([type, performance.now()]), true);
  }
  window.__deskLongTasks = [];
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) window.__deskLongTasks.push([e.startTime, e.duration]);
  }).observe({ type: 'longtask', buffered: true });
  window.__deskFrames = null;
  window.__deskBurst = -1;
  window.__deskStartFrames = (selector, rowHeight) => {
    const frames = [];
    window.__deskFrames = frames;
    const tick = (now) => {
      if (window.__deskFrames !== frames) return;
      const vp = document.querySelector(selector);
      if (vp) {
        const top = vp.scrollTop;
        const bottom = top + vp.clientHeight;
        const total = Number(vp.closest('[role="grid"]').getAttribute('aria-rowcount')) - 1;
        const want = new Set();
        for (let i = Math.floor(top / rowHeight); i < Math.min(total, Math.ceil(bottom / rowHeight)); i++) want.add(i);
        for (const row of vp.querySelectorAll('[role="row"]')) {
          const index = Number(row.getAttribute('aria-rowindex')) - 2;
          if (want.has(index) && !row.querySelector('[aria-busy="true"]')) want.delete(index);
        }
        frames.push([now, window.__deskBurst, want.size]);
      }
      requestAnimationFrame(tick);
    };
    requestAnimationFrame(tick);
  };
  window.__deskStopFrames = () => {
    const frames = window.__deskFrames || [];
    window.__deskFrames = null;
    return frames;
  };
`;

/**
 * The static baseline: the same orders in memory, filtered and painted as a table on every input.
 * It carries the probes itself: `setContent` rewrites the document, which drops the listeners an
 * init script added.
 */
function baselineHtml(rows: string[][]): string {
  return `<!doctype html><html><head><meta charset="utf-8"><style>
    body { font: 14px system-ui, sans-serif; margin: 16px; }
    table { border-collapse: collapse; width: 100%; table-layout: fixed; }
    td { height: 35px; border-bottom: 1px solid #ddd; padding: 0 8px; white-space: nowrap; overflow: hidden; text-overflow: ellipsis; }
  </style><script>${PAGE_PROBES}</script></head><body>
  <input id="q" type="search"> <span id="chips"></span>
  <table><tbody id="rows"></tbody></table>
  <script>
    const data = ${JSON.stringify(rows).replace(/</g, '\\u003c')};
    const lower = data.map((r) => r.join(' ').toLowerCase());
    let status = '';
    const body = document.getElementById('rows');
    const paint = () => {
      const q = document.getElementById('q').value.trim().toLowerCase();
      const out = [];
      for (let i = 0; i < data.length && out.length < 100; i++) {
        if ((!q || lower[i].includes(q)) && (!status || data[i][3] === status)) out.push(data[i]);
      }
      const fragment = document.createDocumentFragment();
      for (const r of out) {
        const tr = document.createElement('tr');
        for (const cell of r) {
          const td = document.createElement('td');
          td.textContent = cell;
          tr.appendChild(td);
        }
        fragment.appendChild(tr);
      }
      body.replaceChildren(fragment);
      const detail = { total: out.length, query: { search: q || undefined, status: status || undefined } };
      requestAnimationFrame(() => performance.mark('desk:rows-painted:Baseline', { detail }));
    };
    document.getElementById('q').addEventListener('input', paint);
    for (const s of [...new Set(data.map((r) => r[3]))]) {
      const b = document.createElement('button');
      b.textContent = s;
      b.addEventListener('click', () => { status = status === s ? '' : s; paint(); });
      document.getElementById('chips').appendChild(b);
    }
    paint();
  </script></body></html>`;
}

interface PaintMark {
  t: number;
  query: Record<string, unknown> | undefined;
}

async function paintMarks(page: Page, label: string, after: number): Promise<PaintMark[]> {
  return page.evaluate(
    ({ name, after }) =>
      performance
        .getEntriesByName(`desk:rows-painted:${name}`, 'mark')
        .filter((m) => m.startTime > after)
        .map((m) => ({
          t: m.startTime,
          query: ((m as unknown as { detail?: { query?: Record<string, unknown> } }).detail ?? {}).query,
        })),
    { name: label, after },
  );
}

async function inputsSince(page: Page, cursor: number): Promise<[string, number][]> {
  return page.evaluate(
    (from) =>
      ((globalThis as unknown as { __deskInputs: [string, number][] }).__deskInputs ?? []).slice(from),
    cursor,
  );
}

async function inputCursor(page: Page): Promise<number> {
  return page.evaluate(() => (globalThis as unknown as { __deskInputs: unknown[] }).__deskInputs.length);
}

/** What a query's filters are, compared with what the bench asked for (absent = not filtered). */
function sameQuery(query: Record<string, unknown> | undefined, wanted: Record<string, unknown>): boolean {
  if (!query) return false;
  return Object.entries(wanted).every(([key, value]) => JSON.stringify(query[key]) === JSON.stringify(value));
}

/**
 * Waits for the rows of `wanted` to be painted after `start`, then a moment more to catch an older
 * answer painted over them. Returns the time from `start` and whether something stale followed.
 */
async function feltSince(
  page: Page,
  label: string,
  start: number,
  wanted: Record<string, unknown>,
): Promise<{ ms: number; stale: boolean }> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    const marks = await paintMarks(page, label, start);
    const hit = marks.find((m) => sameQuery(m.query, wanted));
    if (hit) {
      await sleep(400);
      const later = (await paintMarks(page, label, hit.t)).filter((m) => !sameQuery(m.query, wanted));
      return { ms: hit.t - start, stale: later.length > 0 };
    }
    if (Date.now() > deadline)
      throw new Error(
        `no rows painted for ${JSON.stringify(wanted)} on ${label} within 60 s (marks: ${JSON.stringify(marks)})`,
      );
    await sleep(20);
  }
}

interface Phase {
  wait: number;
  call: number;
  paint: number;
}

function felt(samples: number[], stale: number, phases: Phase[] = []): Felt {
  const rounded = samples.map((s) => round(s));
  const spread = (values: number[]): [number, number] => [median(values), round(percentile(values, 95))];
  return {
    samples: rounded,
    p50Ms: median(rounded),
    p95Ms: round(percentile(rounded, 95)),
    maxMs: round(Math.max(...rounded)),
    stalePaints: stale,
    phases: phases.length
      ? {
          waitMs: spread(phases.map((p) => round(p.wait))),
          callMs: spread(phases.map((p) => round(p.call))),
          paintMs: spread(phases.map((p) => round(p.paint))),
        }
      : null,
  };
}

/** The last `method` call that answered between `start` and `painted` (resource timing). */
async function phaseOf(page: Page, method: string, start: number, painted: number): Promise<Phase | null> {
  const call = await page.evaluate(
    ({ method, start, painted }) =>
      (
        performance.getEntriesByType('resource') as unknown as {
          name: string;
          startTime: number;
          responseEnd: number;
        }[]
      )
        .filter(
          (e) => e.name.endsWith(`/rpc/${method}`) && e.responseEnd >= start && e.responseEnd <= painted,
        )
        .map((e) => ({ start: e.startTime, end: e.responseEnd }))
        .at(-1) ?? null,
    { method, start, painted },
  );
  return call ? { wait: call.start - start, call: call.end - call.start, paint: painted - call.end } : null;
}

/** Types each term key by key into `input`, from an empty box showing the whole list. */
async function typeTerms(
  page: Page,
  input: string,
  label: string,
  terms: readonly string[],
  delay: number,
  method: string | null = null,
): Promise<Felt> {
  const samples: number[] = [];
  const phases: Phase[] = [];
  let stale = 0;
  const box = page.locator(input);
  for (const term of terms) {
    if ((await box.inputValue()) !== '') {
      const before = await page.evaluate(() => performance.now());
      await box.fill('');
      await feltSince(page, label, before, { search: undefined });
    }
    await box.focus();
    await sleep(300); // the list settles (counts, names) as it would before a person types again
    const cursor = await inputCursor(page);
    await page.keyboard.type(term, { delay });
    const keys = (await inputsSince(page, cursor)).filter(([type]) => type === 'keydown');
    const last = keys.at(-1)?.[1];
    if (last === undefined) throw new Error('the page saw no keydown');
    const result = await feltSince(page, label, last, { search: term.trim() });
    samples.push(result.ms);
    if (result.stale) stale += 1;
    const phase = method ? await phaseOf(page, method, last, last + result.ms) : null;
    if (phase) phases.push(phase);
  }
  return felt(samples, stale, phases);
}

/** Rows of the current Orders list through the page's own Desk calls (the web host's RPC). */
async function rpc<T>(page: Page, method: string, input: unknown): Promise<T> {
  return page.evaluate(
    async ({ method, input }) => {
      const response = await fetch(`rpc/${encodeURIComponent(method)}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(input),
      });
      const result = (await response.json()) as { ok: boolean; value?: unknown; error?: { message: string } };
      if (!result.ok) throw new Error(`${method}: ${result.error?.message ?? 'failed'}`);
      return result.value;
    },
    { method, input },
  ) as Promise<T>;
}

interface OrderLike {
  invoice_id?: string | null;
  name?: string | null;
  customer_name?: string | null;
  order_type?: string;
  status?: string;
  total?: string | number | null;
  created_at?: string;
}

/** Terms as operators type them: surnames (whole or the first letters) and starts of invoice ids. */
function chooseTerms(surnames: string[], invoices: string[], count: number): string[] {
  const terms: string[] = [];
  const names = [...new Set(surnames.filter((s) => s.length >= 3))];
  const ids = [...new Set(invoices.filter((s) => s.length >= 4))];
  for (let i = 0; terms.length < count && i < count * 4; i++) {
    const kind = i % 3;
    const name = names[(i * 7) % Math.max(1, names.length)];
    const id = ids[(i * 11) % Math.max(1, ids.length)];
    const term = kind === 0 ? name : kind === 1 ? name?.slice(0, 4) : id?.slice(0, Math.min(id.length, 6));
    if (term && !terms.includes(term.toLowerCase())) terms.push(term.toLowerCase());
  }
  return terms;
}

async function scrollBursts(page: Page, plan: ListsPlan): Promise<ListsFigures['scroll']> {
  const viewport = '[role="grid"][aria-label="Orders"] [role="rowgroup"]';
  const box = await page.locator(viewport).boundingBox();
  if (!box) throw new Error('the Orders grid has no box');
  await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
  await page.evaluate((selector) => {
    const el = (
      globalThis as unknown as { document: { querySelector(s: string): { scrollTop: number } } }
    ).document.querySelector(selector);
    el.scrollTop = 0;
  }, viewport);
  await sleep(500);
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Performance.enable');
  const metrics = async () =>
    Object.fromEntries(
      (await cdp.send('Performance.getMetrics')).metrics.map((m) => [m.name, m.value]),
    ) as Record<string, number>;
  const startMetrics = await metrics();
  const from = await page.evaluate(() => performance.now());
  await page.evaluate(
    ({ selector }) =>
      (globalThis as unknown as { __deskStartFrames(s: string, h: number): void }).__deskStartFrames(
        selector,
        36,
      ),
    { selector: viewport },
  );
  // A fling: each burst four wheel notches of a quarter, then a short look at the rows.
  for (let burst = 0; burst < plan.bursts; burst++) {
    await page.evaluate((b) => ((globalThis as unknown as { __deskBurst: number }).__deskBurst = b), burst);
    for (let i = 0; i < 4; i++) await page.mouse.wheel(0, plan.burstPx / 4);
    await sleep(150);
  }
  await sleep(300);
  const frames = await page.evaluate(() =>
    (globalThis as unknown as { __deskStopFrames(): [number, number, number][] }).__deskStopFrames(),
  );
  const tasks = (
    await page.evaluate(
      () => (globalThis as unknown as { __deskLongTasks: [number, number][] }).__deskLongTasks,
    )
  ).filter(([start]) => start >= from);
  const endMetrics = await metrics();
  const spent = (name: string) => round(((endMetrics[name] ?? 0) - (startMetrics[name] ?? 0)) * 1000);
  const renderer = {
    taskMs: spent('TaskDuration'),
    threadCpuMs: spent('ThreadTime'),
    scriptMs: spent('ScriptDuration'),
    layoutMs: spent('LayoutDuration'),
    styleMs: spent('RecalcStyleDuration'),
    devtoolsMs: spent('DevToolsCommandDuration'),
    wallMs: spent('Timestamp'),
  };
  await cdp.detach();
  let run = 0;
  let longest = 0;
  const bursts = new Set<number>();
  for (const [, burst, blank] of frames) {
    if (blank > 0) {
      run += 1;
      longest = Math.max(longest, run);
      bursts.add(burst);
    } else run = 0;
  }
  return {
    bursts: plan.bursts,
    burstPx: plan.burstPx,
    longTasks: tasks.filter(([, d]) => d > 50).length,
    longestTaskMs: round(Math.max(0, ...tasks.map(([, d]) => d))),
    frames: frames.length,
    framesWithBlankRows: frames.filter(([, , blank]) => blank > 0).length,
    longestBlankRunFrames: longest,
    burstsWithBlankRows: bursts.size,
    renderer,
  };
}

/** Counts the page's Desk calls by method since `from` (resource timing). */
async function callsSince(page: Page, from: number): Promise<Record<string, number>> {
  return page.evaluate((after) => {
    const counts: Record<string, number> = {};
    for (const e of performance.getEntriesByType('resource') as unknown as {
      name: string;
      startTime: number;
    }[]) {
      const path = new URL(e.name).pathname;
      if (e.startTime < after || !path.startsWith('/rpc/')) continue;
      const method = decodeURIComponent(path.slice('/rpc/'.length));
      counts[method] = (counts[method] ?? 0) + 1;
    }
    return counts;
  }, from);
}

export async function listsBench(plan: ListsPlan, log: (line: string) => void): Promise<ListsFigures> {
  const browser = await chromium.launch({
    executablePath: CHROMIUM_PATH,
    args: [...CHROMIUM_ARGS],
    headless: true,
  });
  try {
    const origin = new URL(plan.openUrl).origin;
    const context = await browser.newContext({ viewport: VIEWPORT });
    await context.addInitScript(PAGE_PROBES);
    await signIn(context, plan.openUrl);
    const page = await context.newPage();
    await page.setDefaultTimeout(20_000);
    await page.goto(`${origin}/#/orders`);
    await feltSince(page, 'Orders', 0, {});

    // Terms and baseline data from the Desk, as the page sees it.
    const customers = await rpc<{ rows: { last_name?: string | null }[] }>(page, 'customers.list', {
      profileId: plan.profileId,
      limit: 300,
    });
    const orders: OrderLike[] = [];
    for (let offset = 0; offset < 5_000; offset += 1_000) {
      const answer = await rpc<{ rows: OrderLike[] }>(page, 'orders.list', {
        profileId: plan.profileId,
        offset,
        limit: 1_000,
      });
      orders.push(...answer.rows);
    }
    const terms = chooseTerms(
      customers.rows.map((c) => c.last_name ?? ''),
      orders.map((o) => o.invoice_id ?? ''),
      plan.terms,
    );
    log(`  terms: ${terms.join(', ')}`);

    // ------------------------------------------------------------ search on Orders
    resourceBufferLarge(page);
    const before = await page.evaluate(() => performance.now());
    const search = await typeTerms(page, '#order-search', 'Orders', terms, plan.keyDelayMs, 'orders.list');
    const calls = await callsSince(page, before);
    const callsPerTerm = Object.fromEntries(
      Object.entries(calls).map(([m, n]) => [m, round(n / terms.length, 1)]),
    );
    log(
      `  search → rows (Orders): p50 ${search.p50Ms} ms, p95 ${search.p95Ms} ms; ${search.samples.join(', ')}; phases ${JSON.stringify(search.phases)}`,
    );
    log(`  Desk calls per term typed: ${JSON.stringify(callsPerTerm)}`);

    // ------------------------------------------------------------ status chips and type
    await page.locator('#order-search').fill('');
    await sleep(500);
    const statusButtons = page.getByRole('group', { name: 'Status' }).getByRole('button');
    const chipCount = Math.min(plan.chips, await statusButtons.count());
    const chipSamples: number[] = [];
    const chipPhases: Phase[] = [];
    let chipStale = 0;
    for (let i = 0; i < chipCount; i++) {
      const button = statusButtons.nth(i);
      for (const pressing of [true, false]) {
        const cursor = await inputCursor(page);
        await button.click();
        const down = (await inputsSince(page, cursor)).find(([type]) => type === 'pointerdown')?.[1];
        if (down === undefined) throw new Error('the page saw no pointerdown');
        // Pressed: the rows of a query with that one status; released: of the whole list again.
        const result = pressing
          ? await feltUntilStatus(page, down)
          : await feltSince(page, 'Orders', down, { status: undefined });
        chipSamples.push(result.ms);
        const phase = await phaseOf(page, 'orders.list', down, down + result.ms);
        if (phase) chipPhases.push(phase);
        if (result.stale) chipStale += 1;
        await sleep(300);
      }
    }
    const typeOptions = (
      await page
        .locator('#order-type option')
        .evaluateAll((els) => els.map((e) => (e as unknown as { value: string }).value))
    ).filter((v) => v !== '');
    for (const type of typeOptions.slice(0, plan.types)) {
      for (const value of [type, '']) {
        const cursor = await inputCursor(page);
        await page.locator('#order-type').selectOption(value);
        const start = (await inputsSince(page, cursor)).find(([t]) => t === 'input' || t === 'change')?.[1];
        if (start === undefined) throw new Error('the page saw no input event from the type select');
        const result = await feltSince(page, 'Orders', start, { type: value || undefined });
        chipSamples.push(result.ms);
        const phase = await phaseOf(page, 'orders.list', start, start + result.ms);
        if (phase) chipPhases.push(phase);
        if (result.stale) chipStale += 1;
        await sleep(300);
      }
    }
    const chips = felt(chipSamples, chipStale, chipPhases);
    log(
      `  chip → rows (Orders): p50 ${chips.p50Ms} ms, p95 ${chips.p95Ms} ms; ${chips.samples.join(', ')}; phases ${JSON.stringify(chips.phases)}`,
    );

    // ------------------------------------------------------------ fast scroll
    const scroll = await scrollBursts(page, plan);
    log(
      `  scroll ${scroll.bursts} × ${scroll.burstPx} px: ${scroll.longTasks} long tasks (longest ${scroll.longestTaskMs} ms); ` +
        `blank rows in ${scroll.framesWithBlankRows} of ${scroll.frames} frames, longest run ${scroll.longestBlankRunFrames}, in ${scroll.burstsWithBlankRows} bursts; ` +
        `renderer busy ${scroll.renderer.taskMs} ms of ${scroll.renderer.wallMs} (CPU ${scroll.renderer.threadCpuMs}; script ${scroll.renderer.scriptMs}, ` +
        `layout ${scroll.renderer.layoutMs}, style ${scroll.renderer.styleMs}, the bench's DevTools commands ${scroll.renderer.devtoolsMs})`,
    );

    // ------------------------------------------------------------ search during a sync
    let duringSync: ListsFigures['search']['duringSync'] = null;
    if (plan.background && plan.termsDuringSync > 0) {
      await page.evaluate(() => {
        const el = (
          globalThis as unknown as { document: { querySelector(s: string): { scrollTop: number } } }
        ).document.querySelector('[role="grid"][aria-label="Orders"] [role="rowgroup"]');
        el.scrollTop = 0;
      });
      plan.background.start();
      await sleep(2_000);
      const during = await typeTerms(
        page,
        '#order-search',
        'Orders',
        terms.slice(0, plan.termsDuringSync),
        plan.keyDelayMs,
        'orders.list',
      );
      const sync = await plan.background.stop();
      duringSync = {
        ...during,
        syncPasses: sync.passesMs.length,
        syncPassMs: sync.passesMs,
        deskLoopDelay: sync.loop,
      };
      log(
        `  search → rows during a sync: p50 ${during.p50Ms} ms, p95 ${during.p95Ms} ms; ${during.samples.join(', ')} ` +
          `(${sync.passesMs.length} sync passes: ${sync.passesMs.join(', ')} ms; Desk event-loop delay p99 ${sync.loop.p99Ms} ms, max ${sync.loop.maxMs} ms)`,
      );
    }

    // ------------------------------------------------------------ Customers
    let customersFelt: Felt | null = null;
    if (plan.customerTerms > 0) {
      await page.goto(`${origin}/#/customers`);
      await feltSince(page, 'Customers', 0, {});
      customersFelt = await typeTerms(
        page,
        '#customer-search',
        'Customers',
        // Names only: a customer search for an invoice id finds nothing, and an empty list paints no rows.
        terms.filter((t) => /^[a-z' -]+$/.test(t)).slice(0, plan.customerTerms),
        plan.keyDelayMs,
        'customers.list',
      );
      log(`  search → rows (Customers): p50 ${customersFelt.p50Ms} ms, p95 ${customersFelt.p95Ms} ms`);
    }

    // ------------------------------------------------------------ the static baseline
    const cells = orders.map((o) => [
      String(o.invoice_id ?? o.name ?? ''),
      String(o.customer_name ?? ''),
      String(o.order_type ?? ''),
      String(o.status ?? ''),
      String(o.total ?? ''),
      String(o.created_at ?? '').slice(0, 10),
    ]);
    const still = await context.newPage();
    await still.setContent(baselineHtml(cells));
    await feltSince(still, 'Baseline', 0, {});
    const baseline = await typeTerms(still, '#q', 'Baseline', terms, plan.keyDelayMs);
    const baseChips: number[] = [];
    const chipButtons = still.locator('#chips button');
    const baseChipCount = Math.min(await chipButtons.count(), chipCount + plan.types);
    for (let i = 0; i < baseChipCount; i++) {
      for (let twice = 0; twice < 2; twice++) {
        const cursor = await inputCursor(still);
        await chipButtons.nth(i).click();
        const down = (await inputsSince(still, cursor)).find(([type]) => type === 'pointerdown')?.[1];
        if (down === undefined) throw new Error('the baseline page saw no pointerdown');
        const marks = await waitMarks(still, 'Baseline', down);
        baseChips.push(marks);
        await sleep(100);
      }
    }
    const baselineChips = felt(baseChips, 0);
    log(`  baseline: search p95 ${baseline.p95Ms} ms, chip p95 ${baselineChips.p95Ms} ms`);
    await still.close();
    await context.close();

    return {
      chromium: browser.version(),
      search: {
        keyDelayMs: plan.keyDelayMs,
        terms,
        orders: search,
        baseline,
        ratioP95: round(search.p95Ms / Math.max(0.1, baseline.p95Ms), 1),
        duringSync,
        customers: customersFelt,
        callsPerTerm,
      },
      chips: {
        orders: chips,
        baseline: baselineChips,
        ratioP95: round(chips.p95Ms / Math.max(0.1, baselineChips.p95Ms), 1),
      },
      scroll,
    };
  } finally {
    await browser.close();
  }
}

/** Some terms bring dozens of page requests: keep every resource entry. */
function resourceBufferLarge(page: Page): void {
  void page.evaluate(() => performance.setResourceTimingBufferSize(10_000));
}

/** A status chip pressed: its rows are those of a query with exactly one status. */
async function feltUntilStatus(page: Page, start: number): Promise<{ ms: number; stale: boolean }> {
  const deadline = Date.now() + 15_000;
  for (;;) {
    const marks = await paintMarks(page, 'Orders', start);
    const hit = marks.find(
      (m) => Array.isArray(m.query?.status) && (m.query.status as unknown[]).length === 1,
    );
    if (hit) {
      await sleep(400);
      const later = (await paintMarks(page, 'Orders', hit.t)).filter(
        (m) => JSON.stringify(m.query?.status) !== JSON.stringify(hit.query?.status),
      );
      return { ms: hit.t - start, stale: later.length > 0 };
    }
    if (Date.now() > deadline) throw new Error('no rows painted for a status chip within 15 s');
    await sleep(20);
  }
}

/** The baseline's first paint after `start`. */
async function waitMarks(page: Page, label: string, start: number): Promise<number> {
  for (let i = 0; i < 500; i++) {
    const marks = await paintMarks(page, label, start);
    if (marks[0]) return marks[0].t - start;
    await sleep(10);
  }
  throw new Error('the baseline painted nothing');
}
