/**
 * The command palette: Ctrl+K from anywhere, Escape closes it and gives focus back; typing part of
 * a customer's name and pressing Enter opens that customer's page.
 */
import { expect, test } from '@playwright/test';
import { expectNoSeriousA11yIssues } from './support/a11y.ts';
import { useDesk } from './support/desk.ts';

const desk = useDesk();

interface WireCustomer {
  id: number;
  first_name: string;
  last_name: string;
}

/** Every customer BillPro (the sandbox) holds, page by page. */
async function allCustomers(): Promise<WireCustomer[]> {
  const all: WireCustomer[] = [];
  for (let page = 1; ; page++) {
    const response = await fetch(`${desk.sandbox.baseUrl}/customers?page=${page}`, {
      headers: { authorization: `Bearer ${desk.sandbox.tokens[0]!.token}` },
    });
    const rows = (await response.json()) as WireCustomer[];
    if (rows.length === 0) return all;
    all.push(...rows);
  }
}

test('Ctrl+K, part of a customer name, Enter opens the customer', async ({ page }) => {
  // Search matches word prefixes. Pick a customer whose first name and last-name prefix no other
  // customer's name words start with, so the first match is unambiguous.
  const customers = await allCustomers();
  const words = (c: WireCustomer) => `${c.first_name} ${c.last_name}`.toLowerCase().split(/[^\p{L}]+/u);
  const target = customers.find((c) => {
    const [first, last] = [c.first_name.toLowerCase(), c.last_name.toLowerCase().slice(0, -1)];
    return !customers.some((o) => o.id !== c.id && (words(o).some((w) => w.startsWith(first)) || words(o).some((w) => w.startsWith(last))));
  });
  expect(target).toBeDefined();
  const typed = `${target!.first_name} ${target!.last_name.slice(0, -1)}`;

  await page.goto(desk.host.openUrl);
  await page.getByLabel('Profile name').fill('Acme Gym');
  await page.getByLabel('Environment').selectOption('custom');
  await page.getByLabel('API base URL').fill(desk.sandbox.baseUrl);
  await page.getByLabel('API token').fill(desk.sandbox.tokens[0]!.token);
  await page.getByRole('button', { name: 'Add profile', exact: true }).click();
  await page.getByRole('navigation', { name: 'Screens' }).getByRole('link', { name: 'Customers' }).click();
  const search = page.getByRole('searchbox', { name: 'Search customers' });
  await search.focus();

  // Open and close: focus returns to where it was.
  await page.keyboard.press('Control+k');
  const palette = page.getByRole('dialog', { name: 'Jump to' });
  const box = palette.getByRole('combobox');
  await expect(box).toBeFocused();
  await expect(palette.getByRole('option', { name: 'Settings' })).toBeVisible();
  await page.keyboard.press('Escape');
  await expect(palette).toBeHidden();
  await expect(search).toBeFocused();

  // Screens by name, with the arrow keys.
  await page.keyboard.press('Control+k');
  await box.fill('sett');
  await expect(palette.getByRole('option', { name: 'Settings' })).toHaveAttribute('aria-selected', 'true');
  await page.keyboard.press('Enter');
  await expect(page.getByRole('heading', { name: 'Settings', level: 1 })).toBeVisible();

  // A record found by part of its name.
  await page.keyboard.press('Control+k');
  await expect(box).toBeFocused();
  await box.fill(typed);
  const option = palette.getByRole('option', { name: new RegExp(`${target!.first_name} ${target!.last_name}`) });
  await expect(option).toBeVisible();
  await expect(option).toHaveAttribute('aria-selected', 'true');
  await expect(box).toHaveAttribute('aria-activedescendant', (await option.getAttribute('id'))!);
  await page.keyboard.press('ArrowDown');
  await page.keyboard.press('ArrowUp');
  await expect(option).toHaveAttribute('aria-selected', 'true');
  await expectNoSeriousA11yIssues(page, 'command palette');
  await page.screenshot({ path: 'artifacts/e2e-palette.png' });

  await page.keyboard.press('Enter');
  await expect(palette).toBeHidden();
  await expect(page).toHaveURL(new RegExp(`#/customers/${target!.id}$`));
  await expect(page.getByRole('heading', { name: `${target!.first_name} ${target!.last_name}`, level: 1 })).toBeVisible();
});
