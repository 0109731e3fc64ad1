/**
 * Issue 13, what an operator expects of the lists (items 1, 4, 5, 8, "Clear filters" of 9, 11):
 * search picks the exact customer, Back returns to the same row, focus follows every move and
 * the keyboard reaches everything, the layout holds at 1024×640, and the Orders CSV has the
 * chosen columns in words under a file name that says what was exported. A UK operator (en-GB).
 */
import { readFileSync } from 'node:fs';
import { expect, test, type Locator, type Page } from '@playwright/test';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../support/chromium.ts';
import { expectNoSeriousA11yIssues } from './support/a11y.ts';
import { connectSandbox, useDesk } from './support/desk.ts';
import { sandboxCall } from './support/sandbox-api.ts';

const desk = useDesk({ sandbox: { orders: 5000 } });
test.use({
  locale: 'en-GB',
  timezoneId: 'Europe/London',
  // Real scrollbars (Playwright's headless hides them), so the grid's alignment is tested against one.
  launchOptions: {
    ...(CHROMIUM_PATH ? { executablePath: CHROMIUM_PATH } : {}),
    args: [...CHROMIUM_ARGS],
    ignoreDefaultArgs: ['--hide-scrollbars'],
  },
});
// 5,000 orders to sync first, on a machine shared by many.
test.describe.configure({ timeout: 180_000 });

// VirtualTable's viewport scrolls with the focusable grid's keys; axe cannot see that.
const GRID_SCROLLS_BY_KEYBOARD = ['scrollable-region-focusable'];

const JACK = 'jack.taylor@example.co.uk';
const LOOKALIKE = 'jack.taylor2@example.co.uk';

async function createCustomer(email: string, first = 'Jack', last = 'Taylor'): Promise<void> {
  await sandboxCall(desk.sandbox, '/customers', {
    method: 'POST',
    body: {
      customer: {
        first_name: first,
        last_name: last,
        email,
        addresses: { billing_address: { street: '1 High St', city: 'Bath', country: 'GB', postal_code: 'BA1 1AA' } },
      },
    },
  });
}

/** The number in "1,234 orders · synced …". */
async function shownCount(page: Page): Promise<number> {
  const text = (await page.getByText(/^[\d,]+ orders? · synced/).textContent()) ?? '';
  return Number(text.replace(/ order.*$/, '').replace(/,/g, ''));
}

async function allOrdersSynced(page: Page): Promise<number> {
  const all = (await sandboxCall<{ orders: number }>(desk.sandbox, '/stats?profile_id=1', { control: true })).orders;
  await expect.poll(() => shownCount(page).catch(() => 0), { timeout: 60_000 }).toBe(all);
  return all;
}

const focusedText = (page: Page) => page.evaluate(() => `${document.activeElement?.tagName}:${document.activeElement?.textContent?.trim().slice(0, 40) ?? ''}`);

async function expectFocused(locator: Locator): Promise<void> {
  await expect.poll(() => locator.evaluate((el) => el === document.activeElement), { timeout: 5_000 }).toBe(true);
}

const LONG_EMAIL = 'maximilian.alexander.featherstonehaugh-worthington@extraordinarily-long-domain-name.example.co.uk';

test.beforeAll(async () => {
  // The seed holds jack.taylor@… (customer 1) and its look-alikes, as the operator found them.
  const first = await sandboxCall<{ email: string }>(desk.sandbox, '/customers/1');
  expect(first.email).toBe(JACK);
  const taken = await fetch(`${desk.sandbox.baseUrl}/customers`, {
    method: 'POST',
    headers: { authorization: `Bearer ${desk.sandbox.tokens[0]!.token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ customer: { first_name: 'Jack', last_name: 'Taylor', email: LOOKALIKE } }),
  });
  expect(await taken.text()).toContain('has already been taken');
  // And the newest customer of all is another look-alike.
  await createCustomer(LONG_EMAIL, 'Maximilian', 'Featherstonehaugh');
  await createCustomer('jack.taylor22@example.com');
});

/** One CSV line's cells (RFC 4180 quoting). */
function csvCells(line: string): string[] {
  const cells: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!;
    if (quoted) {
      if (c === '"' && line[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (c === '"') quoted = false;
      else cell += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      cells.push(cell);
      cell = '';
    } else cell += c;
  }
  cells.push(cell);
  return cells;
}

test('item 1: typing jack.taylor@ picks jack.taylor@…, everywhere search is', async ({ page }) => {
  await connectSandbox(page, desk);
  await page.getByRole('link', { name: 'Orders', exact: true }).click();
  await allOrdersSynced(page);

  // The Orders customer filter: Enter picks the exact address; matches are marked.
  const picker = page.getByRole('combobox', { name: 'Customer' });
  await picker.fill('jack.taylor@');
  const options = page.getByRole('listbox', { name: 'Customer: matches' }).getByRole('option');
  await expect(options.first()).toContainText(JACK);
  await expect(options.first().locator('mark').filter({ hasText: '@' })).toHaveText('jack.taylor@');
  await picker.press('Enter');
  await expect(page.getByRole('button', { name: 'Clear filters (1)' })).toBeVisible();
  await expect(page).toHaveURL(/customerName=Jack(\+|%20)Taylor/);

  // A broad prefix says how many more there are.
  await page.getByRole('button', { name: 'Clear filters (1)' }).click();
  await picker.fill('a');
  await expect(page.getByText(/^[\d,]+ more match(es)?: type more to narrow$/)).toBeVisible();
  await picker.press('Escape');

  // Customers search: the exact address is the first row, its match highlighted.
  await page.getByRole('link', { name: 'Customers', exact: true }).click();
  await page.getByRole('searchbox', { name: 'Search customers' }).fill('jack.taylor@');
  const grid = page.getByRole('grid', { name: 'Customers' });
  await expect(grid.getByRole('row').nth(1)).toContainText(JACK);
  await expect(grid.getByRole('row').nth(1).locator('mark').filter({ hasText: '@' })).toHaveText(/^jack\.taylor@$/i);

  // Ctrl+K: the first customer found is the exact one.
  await page.keyboard.press('Control+k');
  await page.getByRole('combobox', { name: 'Jump to a screen, profile or record' }).fill('jack.taylor@');
  const palette = page.getByRole('listbox', { name: 'Results' });
  await expect(palette.getByRole('group', { name: 'Customers' }).getByRole('option').first()).toContainText(JACK);
  await page.keyboard.press('Escape');
});

test('items 4 and 5: Back returns to the same row, focus follows every move, keys reach everything', async ({ page }) => {
  await page.setViewportSize({ width: 1024, height: 640 });
  await connectSandbox(page, desk);
  await page.getByRole('link', { name: 'Orders', exact: true }).click();
  // Nav link: focus on the new screen's heading, not the body.
  await expectFocused(page.getByRole('heading', { level: 1, name: 'Orders' }));
  const all = await allOrdersSynced(page);

  // Far down the list (≈ row 4,000 of 5,000): End, then up a few pages.
  const grid = page.getByRole('grid', { name: 'Orders' });
  await grid.focus();
  await page.keyboard.press('End');
  for (let i = 0; i < 20; i++) await page.keyboard.press('PageUp');
  for (let i = 0; i < 3; i++) await page.keyboard.press('ArrowDown');
  const selected = grid.locator('[role="row"][aria-selected="true"]');
  const rowIndex = Number(await selected.getAttribute('aria-rowindex'));
  expect(rowIndex).toBeGreaterThan(all / 2);
  const invoice = ((await selected.getByRole('gridcell').first().textContent()) ?? '').trim();
  await page.keyboard.press('Enter');
  await expect(page).toHaveURL(/#\/orders\/\d+$/);
  // Opening a row: focus on the order's heading.
  await expectFocused(page.getByRole('heading', { level: 1 }));
  await expect(page.getByRole('heading', { level: 1 })).toContainText(invoice.replace(/ ?(not sent yet|changes waiting)$/, ''));

  // Back: the same row is selected and on screen, and the grid has focus to carry on from it.
  await page.goBack();
  await expect(page).toHaveURL(new RegExp(`#/orders\\?.*row=${rowIndex - 2}`));
  const again = grid.locator(`[role="row"][aria-rowindex="${rowIndex}"]`);
  await expect(again).toBeVisible();
  await expect(again).toHaveAttribute('aria-selected', 'true');
  await expect(again.getByRole('gridcell').first()).toContainText(invoice);
  await expectFocused(grid);

  // Esc from a detail goes back too (and Backspace), to the same place.
  await page.keyboard.press('Enter');
  await expect(page).toHaveURL(/#\/orders\/\d+$/);
  await expectFocused(page.getByRole('heading', { level: 1 }));
  await page.keyboard.press('Escape');
  await expect(page).toHaveURL(/#\/orders\?/);
  await expect(grid.locator(`[role="row"][aria-rowindex="${rowIndex}"]`)).toHaveAttribute('aria-selected', 'true');
  await expectFocused(grid);
  // Enter at once, even before the row's page has landed again: it opens when it does.
  await page.keyboard.press('Enter');
  await expect(page).toHaveURL(/#\/orders\/\d+$/);
  await expectFocused(page.getByRole('heading', { level: 1 }));
  await page.keyboard.press('Backspace');
  await expect(page).toHaveURL(/#\/orders\?/);
  await expect(grid.locator(`[role="row"][aria-rowindex="${rowIndex}"]`)).toBeVisible();
  await expectFocused(grid);

  // The breadcrumb: focus on the list again.
  await page.keyboard.press('Enter');
  await page.getByRole('navigation', { name: 'Breadcrumb' }).getByRole('link').click();
  await expect(page).toHaveURL(/#\/orders\?/);
  await expect.poll(() => focusedText(page)).toMatch(/^(H1:Orders|DIV:)/);

  // A view reopens from its link: the filters and the row come back in a new tab.
  await page.getByRole('button', { name: 'Paused', exact: true }).click();
  await expect(page).toHaveURL(/status=paused/);
  const link = page.url();
  const other = await page.context().newPage();
  await other.setViewportSize({ width: 1024, height: 640 });
  await other.goto(link);
  await expect(other.getByRole('button', { name: 'Paused', exact: true })).toHaveAttribute('aria-pressed', 'true');
  await other.close();
  await page.getByRole('button', { name: 'Clear filters (1)' }).click();

  // Ctrl+K: focus on the chosen screen's heading.
  await page.keyboard.press('Control+k');
  await page.getByRole('combobox', { name: 'Jump to a screen, profile or record' }).fill('Customers');
  await page.keyboard.press('Enter');
  await expectFocused(page.getByRole('heading', { level: 1, name: 'Customers' }));

  // `/` focuses the screen's search; `?` opens the shortcut sheet, Esc closes it.
  await page.getByRole('heading', { level: 1, name: 'Customers' }).focus();
  await page.keyboard.press('/');
  await expectFocused(page.getByRole('searchbox', { name: 'Search customers' }));
  await page.getByRole('heading', { level: 1, name: 'Customers' }).focus();
  await page.keyboard.press('Shift+?');
  const sheet = page.getByRole('dialog', { name: 'Keyboard shortcuts' });
  await expect(sheet).toBeVisible();
  await expect(sheet).toContainText('Search this list');
  await expectNoSeriousA11yIssues(page, 'shortcut sheet', GRID_SCROLLS_BY_KEYBOARD);
  await page.keyboard.press('Escape');
  await expect(sheet).toBeHidden();

  // Skip link: the first Tab stop, and it lands on the screen.
  await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
  await page.keyboard.press('Tab');
  const skip = page.getByRole('button', { name: 'Skip to content' });
  await expectFocused(skip);
  await expect(skip).toBeVisible();
  await page.keyboard.press('Enter');
  await expectFocused(page.getByRole('heading', { level: 1, name: 'Customers' }));
});

test('item 8 and the rest of the list habits: alignment, axis labels, toolbar, chips, presets, locale, Clear filters', async ({ page }) => {
  await page.setViewportSize({ width: 1024, height: 640 });
  await connectSandbox(page, desk);

  // Dashboard charts at 1024×640: no two axis labels of a chart overlap.
  await expect(page.getByRole('img', { name: /bar chart/i }).first()).toBeVisible({ timeout: 60_000 });
  const overlaps = await page.evaluate(() => {
    const found: string[] = [];
    for (const svg of document.querySelectorAll('svg')) {
      const boxes = [...svg.querySelectorAll('text.tick, text.category')].map((t) => ({ text: t.textContent ?? '', box: t.getBoundingClientRect() }));
      for (let i = 0; i < boxes.length; i++)
        for (let j = i + 1; j < boxes.length; j++) {
          const a = boxes[i]!.box;
          const b = boxes[j]!.box;
          if (a.left < b.right - 0.5 && b.left < a.right - 0.5 && a.top < b.bottom - 0.5 && b.top < a.bottom - 0.5) found.push(`${boxes[i]!.text}|${boxes[j]!.text}`);
        }
    }
    return found;
  });
  expect(overlaps).toEqual([]);
  await page.screenshot({ path: 'artifacts/ops-dashboard-1024-light.png' });

  await page.getByRole('link', { name: 'Orders', exact: true }).click();
  const all = await allOrdersSynced(page);
  const grid = page.getByRole('grid', { name: 'Orders' });

  // Header and cells line up column by column, whatever the scrollbar's width.
  const columnsOff = async () => {
    const heads = await grid.getByRole('columnheader').evaluateAll((els) => els.map((e) => Math.round(e.getBoundingClientRect().left)));
    const cells = await grid.getByRole('row').nth(1).getByRole('gridcell').evaluateAll((els) => els.map((e) => Math.round(e.getBoundingClientRect().left)));
    return heads.map((x, i) => Math.abs(x - (cells[i] ?? -999)));
  };
  await expect(grid.getByRole('row').nth(1).getByRole('gridcell').first()).not.toHaveText('Loading…');
  // With the scrollbar shown (see test.use), the rows are narrower than the head by its width.
  await expect
    .poll(() => grid.locator('[role="rowgroup"]').evaluate((v) => (v as HTMLElement).offsetWidth - (v as HTMLElement).clientWidth))
    .toBeGreaterThan(0);
  await expect.poll(async () => Math.max(...(await columnsOff()))).toBeLessThanOrEqual(1);

  // The toolbar stays on one line at 1024 px, and no invoice id is cut short.
  const toolbarTops = await page.locator('section[aria-labelledby="orders-title"] > .toolbar > :not(.sr-only)').evaluateAll((els) =>
    els.map((e) => Math.round(e.getBoundingClientRect().top + e.getBoundingClientRect().height / 2)),
  );
  expect(Math.max(...toolbarTops) - Math.min(...toolbarTops)).toBeLessThanOrEqual(4);
  const truncated = await grid.locator('[role="row"] [role="gridcell"]:first-child').evaluateAll((els) =>
    els.filter((e) => e.scrollWidth > e.clientWidth + 1).map((e) => e.textContent),
  );
  expect(truncated).toEqual([]);

  // Dates as a UK operator reads them.
  await expect(grid.getByRole('row').nth(1).getByRole('gridcell').nth(5)).toHaveText(/^\s*\d{2}\/\d{2}\/\d{4}\s*$/);
  await expect(page.getByText(new RegExp(`^${all.toLocaleString('en-GB')} orders · synced`))).toBeVisible();

  // Counts on the status chips: what BillPro holds in each status.
  const active = await sandboxCall<unknown[]>(desk.sandbox, '/orders?status=active&page=1');
  expect(active.length).toBeGreaterThan(0);
  const activeChip = page.getByRole('button', { name: 'Active', exact: true });
  const activeCount = async () => Number(((await activeChip.locator('.n').textContent()) ?? '').replace(/\D/g, ''));
  let inSandbox = 0;
  for (let p = 1; ; p++) {
    const rows = await sandboxCall<unknown[]>(desk.sandbox, `/orders?status=active&page=${p}`);
    inSandbox += rows.length;
    if (rows.length < 25) break;
  }
  await expect.poll(activeCount).toBe(inSandbox);
  await expect(activeChip).toHaveAccessibleDescription(`${inSandbox.toLocaleString('en-GB')} orders`);

  // Date presets: "Last month" fills both days; pressing it again clears them.
  const now = new Date();
  const first = new Date(now.getFullYear(), now.getMonth() - 1, 1);
  const last = new Date(now.getFullYear(), now.getMonth(), 0);
  const day = (d: Date) => `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
  await page.getByRole('button', { name: 'Last month' }).click();
  await expect(page.getByLabel('Created from')).toHaveValue(day(first));
  await expect(page.getByLabel('to', { exact: true })).toHaveValue(day(last));
  await expect(page.getByRole('button', { name: 'Last month' })).toHaveAttribute('aria-pressed', 'true');
  await page.getByRole('button', { name: 'Today' }).click();
  await expect(page.getByLabel('Created from')).toHaveValue(day(now));

  // Item 9: "Clear filters" also clears the search text.
  await page.getByRole('searchbox', { name: 'Search orders' }).fill('W');
  await expect(page.getByRole('button', { name: 'Clear filters (2)' })).toBeVisible();
  await page.getByRole('button', { name: 'Clear filters (2)' }).click();
  await expect(page.getByRole('searchbox', { name: 'Search orders' })).toHaveValue('');
  await expect.poll(() => shownCount(page)).toBe(all);

  await expectNoSeriousA11yIssues(page, 'orders list at 1024', GRID_SCROLLS_BY_KEYBOARD);
  await page.screenshot({ path: 'artifacts/ops-orders-1024-light.png' });
  await page.emulateMedia({ colorScheme: 'dark' });
  await page.screenshot({ path: 'artifacts/ops-orders-1024-dark.png' });
  await page.setViewportSize({ width: 1920, height: 1080 });
  await expect.poll(async () => Math.max(...(await columnsOff()))).toBeLessThanOrEqual(1);
  await page.screenshot({ path: 'artifacts/ops-orders-1920-dark.png' });
  await page.emulateMedia({ colorScheme: 'light' });
  await page.screenshot({ path: 'artifacts/ops-orders-1920-light.png' });
  await page.setViewportSize({ width: 1024, height: 640 });

  // A long email wraps between its parts, never inside one.
  await page.getByRole('link', { name: 'Customers', exact: true }).click();
  await page.getByRole('searchbox', { name: 'Search customers' }).fill('featherstonehaugh');
  await expect(page.getByRole('grid', { name: 'Customers' }).getByRole('row').nth(1)).toContainText('Maximilian');
  await page.getByRole('grid', { name: 'Customers' }).getByRole('row').nth(1).click();
  const email = page.locator('dt:text-is("Email") + dd');
  await expect(email).toContainText(LONG_EMAIL);
  await expect(email).toBeVisible();
  const split = await email.evaluate((dd) => {
    const broken: string[] = [];
    const walker = document.createTreeWalker(dd, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      const range = document.createRange();
      range.selectNodeContents(node);
      const lines = new Set([...range.getClientRects()].map((r) => Math.round(r.top)));
      if (lines.size > 1) broken.push(node.textContent ?? '');
    }
    return { broken, height: dd.getBoundingClientRect().height };
  });
  expect(split.broken).toEqual([]);
  await page.screenshot({ path: 'artifacts/ops-customer-long-email-1024.png' });

  // Visited links keep the app's colour (the style the browser applies to :visited).
  const visited = await page.evaluate(() => {
    for (const sheet of document.styleSheets) {
      for (const rule of sheet.cssRules) {
        if (rule instanceof CSSStyleRule && /(^|,\s*)a:visited\b/.test(rule.selectorText)) return rule.style.color;
      }
    }
    return null;
  });
  expect(visited).toBe('var(--accent)');
});

test('item 11: the Orders CSV has the chosen columns in words, a name after its filter, every filtered row', async ({ page }) => {
  await connectSandbox(page, desk);
  await page.getByRole('link', { name: 'Orders', exact: true }).click();
  await allOrdersSynced(page);
  const all = (await sandboxCall<{ orders: number }>(desk.sandbox, '/stats?profile_id=1', { control: true })).orders;
  // One filter at a time, each waited for: the count follows the filters a moment later.
  await page.getByRole('button', { name: 'Active', exact: true }).click();
  await expect.poll(() => shownCount(page)).toBeLessThan(all);
  const active = await shownCount(page);
  await page.getByLabel('Purchase type').selectOption('subscription');
  await expect(page.getByRole('button', { name: 'Clear filters (2)' })).toBeVisible();
  await expect.poll(() => shownCount(page)).toBeLessThan(active);
  const filtered = await shownCount(page);
  expect(filtered).toBeGreaterThan(0);

  await page.getByRole('button', { name: 'Export CSV' }).click();
  const dialog = page.getByRole('dialog', { name: /Export [\d,]+ orders? to CSV/ });
  await expect(dialog).toBeVisible();
  for (const column of ['Customer name', 'Customer email', 'Products']) await expect(dialog.getByLabel(column)).toBeChecked();
  await dialog.getByLabel('Currency').uncheck();
  await dialog.getByLabel('Created at').uncheck();
  await dialog.getByLabel('Changes waiting').check();
  await expectNoSeriousA11yIssues(page, 'export dialog', GRID_SCROLLS_BY_KEYBOARD);
  await page.screenshot({ path: 'artifacts/ops-orders-export-dialog.png' });
  const downloading = page.waitForEvent('download');
  await dialog.getByRole('button', { name: 'Export', exact: true }).click();
  const download = await downloading;
  expect(download.suggestedFilename()).toMatch(/^orders-sandbox-merchant-active-subscription-\d{4}-\d{2}-\d{2}\.csv$/);
  const lines = readFileSync(await download.path(), 'utf8').trimEnd().split('\r\n');
  expect(lines[0]).toBe('Invoice ID,Order ID,Customer name,Customer email,Products,Type,Status,Total,Changes waiting');
  expect(lines).toHaveLength(filtered + 1);
  for (const line of lines.slice(1)) {
    const cells = csvCells(line);
    expect(cells).toHaveLength(9);
    expect(cells[2]!.length, line).toBeGreaterThan(0); // the customer's name
    expect(cells[3], line).toMatch(/^[^@\s]+@[^@\s]+$/); // and email
    expect(cells[4]!.length, line).toBeGreaterThan(0); // products named
    expect(cells[5]).toBe('Subscription');
    expect(cells[6]).toBe('Active');
  }
  // The first row against BillPro: the name and email are that order's customer's.
  const sample = csvCells(lines[1]!);
  const order = await sandboxCall<{ invoice_id: string; customer_id: number }>(desk.sandbox, `/orders/${sample[1]}`);
  expect(order.invoice_id ?? '').toBe(sample[0]);
  const customer = await sandboxCall<{ email: string; first_name: string; last_name: string }>(desk.sandbox, `/customers/${order.customer_id}`);
  expect(sample[2]).toBe(`${customer.first_name} ${customer.last_name}`);
  expect(sample[3]).toBe(customer.email);
  await expect(page.getByText(/^Exported [\d,]+ orders? to orders-sandbox-merchant-active-subscription-/)).toBeVisible();

  // The whole list under another name.
  await page.getByRole('button', { name: 'Clear filters (2)' }).click();
  await page.getByRole('button', { name: 'Export CSV' }).click();
  const again = page.waitForEvent('download');
  await page.getByRole('dialog').getByRole('button', { name: 'Export', exact: true }).click();
  expect((await again).suggestedFilename()).toMatch(/^orders-sandbox-merchant-all-\d{4}-\d{2}-\d{2}\.csv$/);
});
