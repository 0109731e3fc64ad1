/**
 * Manage orders from their detail: cancel a pending order; pause an active subscription and
 * resume it. Each change shows in the UI and is what BillPro (the sandbox) then holds.
 */
import { expect, test, type Page } from '@playwright/test';
import { expectNoSeriousA11yIssues } from './support/a11y.ts';
import { connectSandbox, useDesk } from './support/desk.ts';
import { sandboxCall } from './support/sandbox-api.ts';

const desk = useDesk();

async function openOrders(page: Page): Promise<void> {
  await connectSandbox(page, desk);
  await page.getByRole('link', { name: 'Orders', exact: true }).click();
  await expect(page.getByText(/^[1-9][\d,]* orders · synced/)).toBeVisible({ timeout: 20_000 });
}

async function statusInSandbox(id: number): Promise<string> {
  return (await sandboxCall<{ status: string }>(desk.sandbox, `/orders/${id}`)).status;
}

function orderIdOf(page: Page): number {
  return Number(/#\/orders\/(\d+)$/.exec(page.url())![1]);
}

test('cancel a pending order', async ({ page }) => {
  await openOrders(page);
  await page.getByRole('button', { name: 'Pending', exact: true }).click();
  const grid = page.getByRole('grid', { name: 'Orders' });
  await expect(grid.getByRole('row').nth(1).getByRole('gridcell').nth(3)).toHaveText(/^\s*Pending\s*$/);
  await grid.getByRole('row').nth(1).click();
  await expect(page).toHaveURL(/#\/orders\/\d+$/);
  const id = orderIdOf(page);
  expect(await statusInSandbox(id)).toBe('pending');

  const header = page.locator('header.head');
  await expect(header.getByText('Pending', { exact: true })).toBeVisible();
  // A pending order cannot be paused or marked complete: only cancelled.
  await expect(header.getByRole('button', { name: 'Mark as complete' })).toHaveCount(0);
  await expect(header.getByRole('button', { name: 'Pause subscription' })).toHaveCount(0);
  await header.getByRole('button', { name: 'Cancel order' }).click();

  const dialog = page.getByRole('dialog', { name: /^Cancel order / });
  await expect(dialog).toBeVisible();
  await expect(dialog).toContainText('The order becomes Cancelled');
  await expectNoSeriousA11yIssues(page, 'cancel dialog');
  await page.screenshot({ path: 'artifacts/e2e-orders-manage-cancel-dialog.png' });
  await dialog.getByRole('button', { name: 'Cancel order' }).click();

  await expect(dialog).toBeHidden();
  await expect(header.getByText('Cancelled', { exact: true })).toBeVisible();
  await expect(page.getByRole('status').filter({ hasText: 'is now Cancelled' })).toBeVisible();
  expect(await statusInSandbox(id)).toBe('cancelled');
  // A cancelled order offers no manage action any more.
  await expect(header.getByRole('button', { name: 'Cancel order' })).toHaveCount(0);
});

test('pause an active subscription, then resume it', async ({ page }) => {
  await openOrders(page);

  // A new subscription, created here.
  await page.getByRole('button', { name: 'New order' }).click();
  await page.getByRole('radio', { name: /^Subscription/ }).check();
  await page.getByRole('button', { name: 'Next' }).click();
  await page.getByRole('combobox', { name: 'Customer' }).fill('a');
  await page.getByRole('listbox', { name: 'Customer: matches' }).getByRole('option').first().click();
  await page.getByRole('button', { name: 'Next' }).click();
  await page.getByLabel('Product', { exact: true }).selectOption({ index: 1 });
  await page.getByRole('button', { name: 'Next' }).click();
  await page.getByRole('button', { name: 'Create order' }).click();
  await expect(page).toHaveURL(/#\/orders\/\d+$/, { timeout: 20_000 });
  const id = orderIdOf(page);
  const header = page.locator('header.head');
  await expect(header.getByText('Pending', { exact: true })).toBeVisible();

  // The customer pays: the sandbox activates the order.
  await sandboxCall(desk.sandbox, `/orders/${id}/pay`, { method: 'POST', body: { outcome: 'approve' }, control: true });
  await header.getByRole('button', { name: 'Refresh' }).click();
  await expect(header.getByText('Active', { exact: true })).toBeVisible();
  await expect(page.getByRole('table').last().getByText('Scheduled', { exact: true })).toBeVisible();

  await header.getByRole('button', { name: 'Pause subscription' }).click();
  const pause = page.getByRole('dialog', { name: /^Pause order / });
  await expect(pause).toContainText('No payments are collected until you resume it');
  await pause.getByRole('button', { name: 'Pause subscription' }).click();
  await expect(header.getByText('Paused', { exact: true })).toBeVisible();
  expect(await statusInSandbox(id)).toBe('paused');
  // Its scheduled payment is paused too.
  await expect(page.getByRole('table').last().getByText('Paused', { exact: true })).toBeVisible();
  await expectNoSeriousA11yIssues(page, 'paused subscription');
  await page.screenshot({ path: 'artifacts/e2e-orders-manage-paused.png', fullPage: true });

  await header.getByRole('button', { name: 'Resume subscription' }).click();
  const resume = page.getByRole('dialog', { name: /^Resume order / });
  await resume.getByRole('button', { name: 'Resume subscription' }).click();
  await expect(header.getByText('Active', { exact: true })).toBeVisible();
  expect(await statusInSandbox(id)).toBe('active');

  // Change the billing interval from the next payment on: every 2 weeks.
  const payments = page.getByRole('region', { name: 'Scheduled payments' });
  await payments.getByRole('button', { name: /^Change the interval/ }).first().click();
  const change = page.getByRole('dialog', { name: 'Change the billing interval' });
  await expect(change).toContainText('applies from this payment on');
  await change.getByLabel('Every').fill('2');
  await change.getByLabel('Unit').selectOption('WEEK');
  await change.getByRole('button', { name: 'Change interval' }).click();
  await expect(change).toBeHidden();
  await expect(payments.getByRole('cell', { name: 'every 2 weeks' })).toBeVisible();
  const held = await sandboxCall<{ status: string; scheduled_interval: number | string; scheduled_duration_unit: string }[]>(
    desk.sandbox,
    `/orders/${id}/scheduled_payments`,
  );
  const next = held.find((p) => p.status === 'scheduled');
  expect(Number(next?.scheduled_interval)).toBe(2);
  expect(next?.scheduled_duration_unit).toBe('WEEK');

  // A live order is completed, not cancelled, by BillPro's cancel call: the dialog says so.
  await header.getByRole('button', { name: 'Mark as complete' }).click();
  const complete = page.getByRole('dialog', { name: /^Mark order .* as complete\?$/ });
  await expect(complete).toContainText('No further payments will be collected; refunds stay possible in BillPro.');
  await complete.getByRole('button', { name: 'Keep as is' }).click();
  await expect(complete).toBeHidden();
  // Focus returns to the button that opened the dialog.
  await expect(header.getByRole('button', { name: 'Mark as complete' })).toBeFocused();
  expect(await statusInSandbox(id)).toBe('active');
});
