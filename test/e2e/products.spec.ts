/**
 * Finding a product: search by name, narrow by type and group, open it and read what an order
 * of it will cost — price, currency, tax, discount, fee, deposit, schedule.
 */
import { expect, test } from '@playwright/test';
import { expectNoSeriousA11yIssues } from './support/a11y.ts';
import { connectSandbox, useDesk } from './support/desk.ts';
import { sandboxCall } from './support/sandbox-api.ts';

const desk = useDesk();

interface Product {
  id: number;
  name: string | null;
  product_id: string;
  product_type: string;
  product_group: string | null;
  product_status: string;
  price: string;
  tax: { name: string } | null;
}

test('search, filter and open a product', async ({ page }) => {
  const all: Product[] = [];
  for (let page = 1; ; page++) {
    const items = await sandboxCall<Product[]>(desk.sandbox, `/products?page=${page}`);
    all.push(...items);
    if (items.length < 25) break;
  }
  const target = all.find((p) => p.product_type === 'subscription' && p.product_group && p.tax && p.name);
  expect(target, 'the sandbox seeds a grouped, taxed subscription product').toBeTruthy();

  await connectSandbox(page, desk);
  await page.getByRole('navigation', { name: 'Screens' }).getByRole('link', { name: 'Products' }).click();
  const grid = page.getByRole('grid', { name: 'Products' });
  await expect(page.getByText(/^[1-9]\d* products · synced/)).toBeVisible({ timeout: 20_000 });

  // Narrow by type and group: every row left is of that type and group.
  await page.getByLabel('Type').selectOption('subscription');
  await page.getByLabel('Group').selectOption(target!.product_group!);
  const expected = all.filter((p) => p.product_type === 'subscription' && p.product_group === target!.product_group).length;
  await expect(page.getByText(new RegExp(`^${expected} products? · synced`))).toBeVisible();
  const types = await grid.getByRole('row').filter({ hasNot: page.getByRole('columnheader') }).allTextContents();
  expect(types.length).toBe(expected);
  for (const text of types) expect(text).toContain('Subscription');

  // Then search by part of its name, with the keyboard: focus the grid, Enter opens the first row.
  await page.getByLabel('Type').selectOption('');
  await page.getByLabel('Group').selectOption('');
  await page.getByRole('searchbox', { name: 'Search products' }).fill(target!.name!.split(' ')[0]!.toLowerCase());
  const row = grid.getByRole('row', { name: new RegExp(target!.product_id) });
  await expect(row).toBeVisible();
  await row.click();
  const detail = page.getByRole('complementary', { name: target!.name! });
  await expect(detail).toBeVisible();
  await expect(detail).toContainText(target!.product_id);
  await expect(detail).toContainText(target!.tax!.name);
  await expect(detail).toContainText('every');
  await expectNoSeriousA11yIssues(page, 'products with a product open');
  await page.screenshot({ path: 'artifacts/e2e-products.png' });
});
