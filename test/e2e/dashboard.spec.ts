/**
 * The dashboard a new user lands on after "Try the sandbox": once the first sync is done, its
 * figures are BillPro's figures. The expected numbers are computed here straight from the
 * sandbox's API (the embedded sandbox runs the default seed, so seed 1's first token reaches
 * it) and compared with the dashboard's data tables, the same figures the charts draw. The page
 * runs under the web host's strict CSP; any console error (a CSP violation included) fails.
 */
import { expect, test, type Page } from '@playwright/test';
import { sandboxTokens } from '../../electron/sandbox/auth.ts';
import { expectNoSeriousA11yIssues } from './support/a11y.ts';
import { useDesk } from './support/desk.ts';

const desk = useDesk({ sandbox: false });
const TOKEN = sandboxTokens(1)[0]!.token;
/** The orders whose scheduled payments the Desk syncs (core/session/sync.ts LIVE). */
const LIVE = new Set(['active', 'failed', 'suspended', 'paused', 'review']);

async function allPages<T>(baseUrl: string, path: string): Promise<T[]> {
  const rows: T[] = [];
  for (let page = 1; ; page++) {
    const response = await fetch(`${baseUrl}${path}?page=${page}`, { headers: { Authorization: `Bearer ${TOKEN}` } });
    expect(response.status, `${path} page ${page}`).toBe(200);
    const batch = (await response.json()) as T[];
    if (batch.length === 0) return rows;
    rows.push(...batch);
  }
}

async function inBatches<T, R>(items: T[], size: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = [];
  for (let i = 0; i < items.length; i += size) out.push(...(await Promise.all(items.slice(i, i + size).map(work))));
  return out;
}

const cents = (amount: string) => Math.round(Number(amount) * 100);
const humanize = (s: string) => s.replace(/_/g, ' ').replace(/^\w/, (c) => c.toUpperCase());

/** What BillPro holds, shaped like the dashboard's tables. */
async function expectedFigures(baseUrl: string) {
  const orders = await allPages<{ id: number; status: string }>(baseUrl, '/orders');
  const customers = await allPages<unknown>(baseUrl, '/customers');
  const products = await allPages<unknown>(baseUrl, '/products');
  const byStatus: Record<string, number> = {};
  for (const order of orders) byStatus[humanize(order.status)] = (byStatus[humanize(order.status)] ?? 0) + 1;

  const now = Date.now();
  const until = now + 30 * 86_400_000;
  const payments = (
    await inBatches(
      orders.filter((o) => LIVE.has(o.status)),
      8,
      (o) => allPages<{ status: string; scheduled_at: string; amount: string }>(baseUrl, `/orders/${o.id}/scheduled_payments`),
    )
  ).flat();
  const due: Record<string, { count: number; cents: number }> = {};
  for (const p of payments) {
    const at = Date.parse(p.scheduled_at);
    if (p.status !== 'scheduled' || at < now || at >= until) continue;
    const day = p.scheduled_at.slice(0, 10);
    due[day] = { count: (due[day]?.count ?? 0) + 1, cents: (due[day]?.cents ?? 0) + cents(p.amount) };
  }
  return { totals: { orders: orders.length, customers: customers.length, products: products.length }, byStatus, due };
}

async function shownFigures(page: Page) {
  const byStatus = Object.fromEntries(
    await page
      .getByRole('table', { name: 'Orders by status' })
      .locator('tbody tr')
      .evaluateAll((rows) => rows.map((r) => [r.querySelector('th')?.textContent?.trim() ?? '', Number(r.querySelector('data')?.getAttribute('value'))])),
  ) as Record<string, number>;
  const dueRows = await page
    .getByRole('table', { name: 'Scheduled payments due in the next 30 days' })
    .locator('tbody tr')
    .evaluateAll((rows) =>
      rows.map((r) => {
        const values = [...r.querySelectorAll('data')].map((d) => d.getAttribute('value') ?? '');
        // One amount column per currency: compared with the sandbox's per-day sum, so add them here.
        const cents = values.slice(1).reduce((sum, v) => sum + Math.round(Number(v) * 100), 0);
        return [r.querySelector('time')?.getAttribute('datetime') ?? '', { count: Number(values[0]), cents }] as const;
      }),
    );
  const stat = async (name: string) => Number((await page.getByRole('link', { name: new RegExp(`^${name} `) }).locator('.value').textContent())?.replace(/\D/g, ''));
  return {
    totals: { orders: await stat('Orders'), customers: await stat('Customers'), products: await stat('Products') },
    byStatus,
    due: Object.fromEntries(dueRows) as Record<string, { count: number; cents: number }>,
  };
}

test('after the first sync the dashboard shows what BillPro holds', async ({ page }) => {
  const consoleErrors: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error') consoleErrors.push(m.text());
  });
  page.on('pageerror', (e) => consoleErrors.push(e.message));

  await page.goto(desk.host.openUrl);
  await page.getByRole('button', { name: 'Try the sandbox' }).click();
  await expect(page.getByRole('heading', { name: 'Dashboard', level: 1 })).toBeVisible();

  const baseUrl = await page.evaluate(async () => {
    const answer = (await (await fetch('rpc/profiles.list', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' })).json()) as {
      value: { profiles: { environment: string; baseUrl: string }[] };
    };
    return answer.value.profiles.find((p) => p.environment === 'sandbox')!.baseUrl;
  });

  // The first sync ends with the scheduled payments; the progress bar goes when it is done.
  await expect(page.getByRole('table', { name: 'Orders by status' })).toBeAttached({ timeout: 30_000 });
  await expect(page.getByRole('progressbar')).toHaveCount(0, { timeout: 30_000 });
  await expect(page.getByText(/· synced just now/)).toBeVisible();

  const expected = await expectedFigures(baseUrl);
  expect(Object.keys(expected.due).length, 'the sandbox has payments due in the next 30 days').toBeGreaterThan(0);
  await expect.poll(() => shownFigures(page), { timeout: 15_000 }).toEqual(expected);

  // The headline sum is the table's total.
  const totalDue = Object.values(expected.due).reduce((n, d) => n + d.count, 0);
  await expect(page.getByRole('listitem').filter({ hasText: 'Payments due in the next 30 days' })).toContainText(totalDue.toLocaleString('en-US'));

  // Keyboard: one tab stop per chart, arrows walk the bars and the tooltip follows.
  const statusChart = page.getByRole('img', { name: /orders in each status/ });
  await statusChart.focus();
  await page.keyboard.press('End');
  const lastStatus = await page.getByRole('table', { name: 'Orders by status' }).locator('tbody tr th').last().textContent();
  await expect(page.locator('.tooltip')).toContainText(lastStatus!.trim());

  // "Show as table" puts the figures on screen.
  const toggle = page.getByRole('region', { name: 'Orders by status' }).getByRole('button', { name: 'Show as table' });
  await toggle.click();
  await expect(page.getByRole('region', { name: 'Orders by status' }).getByRole('button', { name: 'Hide table' })).toHaveAttribute('aria-expanded', 'true');
  await page.getByRole('heading', { name: 'Dashboard', level: 1 }).click();

  await expectNoSeriousA11yIssues(page, 'dashboard');
  // The content pane scrolls inside the window: a tall window shows every chart at once.
  await page.setViewportSize({ width: 1280, height: 1500 });
  await page.screenshot({ path: 'artifacts/e2e-dashboard.png' });

  await page.emulateMedia({ colorScheme: 'dark' });
  await page.getByRole('img', { name: /scheduled payments due each day/ }).hover({ position: { x: 120, y: 100 } });
  await expectNoSeriousA11yIssues(page, 'dashboard: dark');
  await page.screenshot({ path: 'artifacts/e2e-dashboard-dark.png' });

  expect(consoleErrors).toEqual([]);
});
