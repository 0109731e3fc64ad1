/**
 * Scheduled payments of an active instalment order: skip one and reschedule another with the
 * date picker; BillPro (the sandbox) then holds exactly those changes.
 */
import { expect, test } from '@playwright/test';
import { expectNoSeriousA11yIssues } from './support/a11y.ts';
import { localDay } from './support/dates.ts';
import { connectSandbox, useDesk } from './support/desk.ts';
import { createInstalmentOrder, sandboxCall } from './support/sandbox-api.ts';

const desk = useDesk();

interface Payment {
  id: number;
  status: string;
  scheduled_at: string;
}


test('skip one scheduled payment and reschedule another', async ({ page }) => {
  const pageErrors: string[] = [];
  page.on('pageerror', (e) => pageErrors.push(e.message));
  const orderId = await createInstalmentOrder(desk.sandbox, { paid: true, invoicePrefix: 'E2E-PAY' });
  const before = (await sandboxCall<Payment[]>(desk.sandbox, `/orders/${orderId}/scheduled_payments`)).sort((a, b) => a.scheduled_at.localeCompare(b.scheduled_at));
  expect(before.map((p) => p.status)).toEqual(['scheduled', 'scheduled', 'scheduled']);

  await connectSandbox(page, desk);
  await page.evaluate((hash) => (window.location.hash = hash), `#/orders/${orderId}`);

  const section = page.getByRole('region', { name: 'Scheduled payments' });
  await expect(page.locator('header.head').getByText('Active', { exact: true })).toBeVisible();
  const rows = section.getByRole('row');
  await expect(rows).toHaveCount(4, { timeout: 15_000 }); // header + three payments

  // Skip the first payment.
  await rows.nth(1).getByRole('button', { name: 'Skip' }).click();
  const skip = page.getByRole('dialog', { name: 'Skip this payment?' });
  await expect(skip).toContainText('the amount is removed from the order total');
  await skip.getByRole('button', { name: 'Skip payment' }).click();
  await expect(skip).toBeHidden();
  await expect(rows.nth(1).getByText('Skipped', { exact: true })).toBeVisible();
  await expect(rows.nth(1).getByRole('button')).toHaveCount(0);

  // Reschedule the second: a date is required, then a future one is sent at 09:00 UTC.
  await rows.nth(2).getByRole('button', { name: 'Reschedule' }).click();
  const reschedule = page.getByRole('dialog', { name: 'Reschedule this payment' });
  await reschedule.getByRole('button', { name: 'Reschedule' }).click();
  await expect(reschedule.getByText('Pick the new date.')).toBeVisible();
  await expect(reschedule.getByLabel('New date')).toHaveAttribute('aria-invalid', 'true');
  await expectNoSeriousA11yIssues(page, 'reschedule dialog');
  const day = localDay(45);
  await reschedule.getByLabel('New date').fill(day);
  await expect(reschedule).toContainText('Collected at 09:00 UTC that day');
  await page.screenshot({ path: 'artifacts/e2e-payments-reschedule.png' });
  await reschedule.getByRole('button', { name: 'Reschedule' }).click();
  await expect(reschedule).toBeHidden();
  await expect(section.getByText(`${day} 09:00 UTC`)).toBeVisible();

  // BillPro holds both changes.
  const after = await sandboxCall<Payment[]>(desk.sandbox, `/orders/${orderId}/scheduled_payments`);
  const byId = new Map(after.map((p) => [p.id, p]));
  expect(byId.get(before[0]!.id)?.status).toBe('skipped');
  expect(byId.get(before[1]!.id)?.status).toBe('scheduled');
  expect(Date.parse(byId.get(before[1]!.id)!.scheduled_at)).toBe(Date.parse(`${day}T09:00:00Z`));
  expect(byId.get(before[2]!.id)?.status).toBe('scheduled');

  await expectNoSeriousA11yIssues(page, 'order with scheduled payments');
  await page.screenshot({ path: 'artifacts/e2e-payments.png', fullPage: true });
  expect(pageErrors).toEqual([]);
});
