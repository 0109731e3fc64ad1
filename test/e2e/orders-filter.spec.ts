/**
 * Narrow the Orders list by status and purchase type, then export it: the CSV holds a header
 * and exactly the rows the list counts, all of the chosen statuses and type.
 */
import { readFileSync } from 'node:fs';
import { expect, test, type Page } from '@playwright/test';
import { expectNoSeriousA11yIssues } from './support/a11y.ts';
import { connectSandbox, useDesk } from './support/desk.ts';
import { sandboxCall } from './support/sandbox-api.ts';

const desk = useDesk();

// VirtualTable's scrolling viewport sits inside the focusable grid, which scrolls it with the
// arrow keys, PageUp/PageDown, Home and End (checked at the end of the test); axe cannot see that.
const GRID_SCROLLS_BY_KEYBOARD = ['scrollable-region-focusable'];

/** How many orders BillPro (the sandbox) holds with this status and type, paging its order list. */
async function countInSandbox(status: string, type: string): Promise<number> {
  let count = 0;
  for (let page = 1; ; page++) {
    const rows = await sandboxCall<unknown[]>(desk.sandbox, `/orders?status=${status}&order_type=${type}&page=${page}`);
    count += rows.length;
    if (rows.length < 25) return count;
  }
}

/** The number in "1,234 orders · synced …". */
async function shownCount(page: Page): Promise<number> {
  const text = (await page.getByText(/^[\d,]+ orders? · synced/).textContent()) ?? '';
  return Number(text.replace(/ order.*$/, '').replace(/,/g, ''));
}

test('filter orders by status and type, export the filtered list as CSV', async ({ page }) => {
  const pageErrors: string[] = [];
  page.on('pageerror', (e) => pageErrors.push(e.message));
  await connectSandbox(page, desk);
  await page.getByRole('link', { name: 'Orders', exact: true }).click();

  const grid = page.getByRole('grid', { name: 'Orders' });
  // The list counts every order once the sync has pulled them all.
  const all = (await sandboxCall<{ orders: number }>(desk.sandbox, '/stats?profile_id=1', { control: true })).orders;
  expect(all).toBeGreaterThan(100);
  await expect.poll(() => shownCount(page).catch(() => 0), { timeout: 30_000 }).toBe(all);
  await expect(grid.getByRole('row').nth(1)).toBeVisible();

  // Status: Active and Paused; type: Subscription.
  await page.getByRole('button', { name: 'Active', exact: true }).click();
  await page.getByRole('button', { name: 'Paused', exact: true }).click();
  await expect(page.getByRole('button', { name: 'Active', exact: true })).toHaveAttribute('aria-pressed', 'true');
  await page.getByLabel('Purchase type').selectOption('subscription');
  await expect(page.getByRole('button', { name: 'Clear filters (2)' })).toBeVisible();
  const filtered = (await countInSandbox('active', 'subscription')) + (await countInSandbox('paused', 'subscription'));
  expect(filtered).toBeGreaterThan(0);
  await expect.poll(() => shownCount(page)).toBe(filtered);

  // Every visible row is a subscription in one of the chosen statuses.
  const firstRow = grid.getByRole('row').nth(1);
  await expect(firstRow.getByRole('gridcell').nth(2)).toHaveText('Subscription');
  await expect(firstRow.getByRole('gridcell').nth(3)).toHaveText(/^\s*(Active|Paused)\s*$/);

  // Sorting by total, highest first, keeps the same rows.
  await page.getByLabel('Sort by').selectOption('total-desc');
  await expect.poll(() => shownCount(page)).toBe(filtered);

  await expectNoSeriousA11yIssues(page, 'orders list', GRID_SCROLLS_BY_KEYBOARD);
  await page.screenshot({ path: 'artifacts/e2e-orders-filter.png' });
  await page.emulateMedia({ colorScheme: 'dark' });
  await page.screenshot({ path: 'artifacts/e2e-orders-filter-dark.png' });
  await page.emulateMedia({ colorScheme: 'light' });

  const downloading = page.waitForEvent('download');
  await page.getByRole('button', { name: 'Export CSV' }).click();
  // Only the columns whose values hold no commas, so a line splits simply.
  const dialog = page.getByRole('dialog', { name: /Export [\d,]+ orders to CSV/ });
  for (const column of ['Invoice ID', 'Customer name', 'Customer email', 'Products', 'Currency', 'Total', 'Created at']) await dialog.getByLabel(column).uncheck();
  await dialog.getByRole('button', { name: 'Export', exact: true }).click();
  const download = await downloading;
  expect(download.suggestedFilename()).toMatch(/^orders-sandbox-merchant-active-paused-subscription-\d{4}-\d{2}-\d{2}\.csv$/);
  const csv = readFileSync(await download.path(), 'utf8');
  const lines = csv.trimEnd().split('\r\n');
  expect(lines[0]).toBe('Order ID,Type,Status');
  expect(lines).toHaveLength(filtered + 1);
  for (const line of lines.slice(1)) {
    const cells = line.split(',');
    expect(cells[1]).toBe('Subscription');
    expect(['Active', 'Paused']).toContain(cells[2]);
  }
  await expect(page.getByText(`Exported ${filtered.toLocaleString('en-US')} order`)).toBeVisible();

  // A customer picked in the filter box narrows to that customer's orders.
  await page.getByRole('combobox', { name: 'Customer' }).fill('a');
  const option = page.getByRole('listbox', { name: 'Customer: matches' }).getByRole('option').first();
  const picked = ((await option.locator('span').first().textContent()) ?? '').trim();
  await option.click();
  await expect(page.getByRole('button', { name: 'Clear filters (3)' })).toBeVisible();
  // Either that customer's orders, or (no active or paused subscription of theirs) the designed empty state.
  const theirs = grid.getByRole('row').nth(1).getByRole('gridcell').nth(1).filter({ hasText: picked });
  await expect(theirs.or(page.getByText('No orders match these filters.'))).toBeVisible();
  expect(await shownCount(page)).toBeLessThanOrEqual(filtered);

  // A created-from date after every order leaves nothing, and says so.
  await page.getByLabel('Created from').fill('2099-01-01');
  await expect(page.getByText('No orders match these filters.')).toBeVisible();
  await expect(page.getByText(/^0 orders · synced/)).toBeVisible();

  // Clearing the filters brings every order back.
  await page.getByRole('button', { name: 'Clear filters (4)' }).click();
  await expect.poll(() => shownCount(page)).toBe(all);

  // The grid by keyboard: End scrolls to the last order, Home back, Enter opens the active row.
  await grid.focus();
  await page.keyboard.press('End');
  await expect(grid.locator(`[aria-rowindex="${all + 1}"]`)).toBeVisible();
  await page.keyboard.press('Home');
  await page.keyboard.press('ArrowDown');
  await page.keyboard.press('Enter');
  await expect(page).toHaveURL(/#\/orders\/\d+$/);
  await expect(page.getByRole('heading', { level: 2, name: 'Scheduled payments' })).toBeVisible();
  expect(pageErrors).toEqual([]);
});
