/**
 * Settings → profile → Check compatibility against the sandbox (every checkable assumption
 * held) and against a variant BillPro (a {"data": …} envelope, string ids, zone-less timestamps,
 * another payment-link name, no total_amount, not-found as 422 "Bad Request"): the differences
 * are named and a report can be copied. Activity lists a record Desk could not read.
 * Screenshots go to artifacts/ for the issue note.
 */
import { expect, test } from '@playwright/test';
import { expectNoSeriousA11yIssues } from './support/a11y.ts';
import { connectSandbox, PROFILE_NAME, useDesk } from './support/desk.ts';

const desk = useDesk();

async function setWire(wire: object): Promise<void> {
  const response = await fetch(`${desk.sandbox.controlUrl}/wire`, {
    method: 'PUT',
    headers: { authorization: `Bearer ${desk.sandbox.tokens[0]!.token}`, 'content-type': 'application/json' },
    body: JSON.stringify(wire),
  });
  expect(response.status).toBe(200);
}

test('check compatibility against the sandbox and a variant BillPro', async ({ page }) => {
  // Tall enough that the whole check fits without scrolling, for the screenshots.
  await page.setViewportSize({ width: 1280, height: 2800 });
  await connectSandbox(page, desk);
  await page.getByRole('navigation', { name: 'Screens' }).getByRole('link', { name: 'Settings' }).click();
  const card = page.getByRole('region', { name: PROFILE_NAME });
  const check = card.getByRole('button', { name: 'Check compatibility' });
  await check.click();
  const summary = card.getByRole('status').filter({ hasText: /held ·/ });
  await expect(summary).toContainText(/\d+ held · 0 not held · \d+ not checked/, { timeout: 30_000 });
  await expectNoSeriousA11yIssues(page, 'settings: compatibility check');
  await card.getByRole('group', { name: 'BillPro compatibility' }).screenshot({ path: 'artifacts/compatibility-sandbox.png' });

  await setWire({ envelope: 'data', stringIds: true, zonelessTimestamps: true, paymentLinkField: 'payment_url', omitTotalAmount: true, notFoundBody: 'bad-request' });
  await check.click();
  await expect(summary).toContainText(/[1-9]\d* not held/, { timeout: 30_000 });
  const table = card.getByRole('table');
  await expect(table.getByRole('row', { name: /envelope\.bare/ })).toContainText('Not held');
  await expect(table.getByRole('row', { name: /order\.payment-link-field/ })).toContainText('payment_url');
  await expect(table.getByRole('row', { name: /time\.zoneless-is-utc/ })).toContainText('Not checked');
  await card.getByText('Report for BillPro support').click();
  await expect(card.getByLabel('Compatibility report')).toHaveValue(/\[NOT HELD\] envelope\.bare/);
  await card.getByRole('group', { name: 'BillPro compatibility' }).screenshot({ path: 'artifacts/compatibility-variation.png' });
});

test('Activity lists a record Desk could not read, with its shape and no values', async ({ page }) => {
  await connectSandbox(page, desk);
  await setWire({ breakRecords: { ids: [2], field: 'price', value: '4.4e1' } });
  await page.getByRole('button', { name: 'Sync now' }).first().click();
  await page.getByRole('navigation', { name: 'Screens' }).getByRole('link', { name: 'Activity' }).click();
  const section = page.getByRole('region', { name: 'Records Desk could not read' });
  await expect(section).toContainText('page 1 of the products', { timeout: 30_000 });
  await expect(section).toContainText('price: must be a plain non-negative amount');
  await expect(section).toContainText('money.decimal');
  await expect(section).not.toContainText('4.4e1');
  await expectNoSeriousA11yIssues(page, 'activity: unreadable record');
  await section.screenshot({ path: 'artifacts/activity-unreadable-record.png' });
  await setWire({});
});
