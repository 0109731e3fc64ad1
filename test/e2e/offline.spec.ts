/**
 * Issue "Offline-first": BillPro goes away; the operator creates a customer, an order for that
 * new customer and cancels another order; the web host restarts — cached lists and pending
 * badges are still there; BillPro comes back — everything is sent once, badges clear.
 */
import { expect, test } from '@playwright/test';
import { connectSandbox, useDesk } from './support/desk.ts';
import { startSandboxProcess, startWebHostProcess } from './support/processes.ts';
import { sandboxCall } from './support/sandbox-api.ts';

const desk = useDesk();

interface Order {
  id: number;
  status: string;
  invoice_id: string | null;
  customer_id: number;
}

test('changes made offline survive a restart and are sent exactly once', async ({ page }) => {
  test.setTimeout(120_000);
  const email = `offline.${Date.now()}@example.com`;
  const invoice = `OFFLINE-${Date.now() % 1_000_000}`;
  const pending = (await sandboxCall<Order[]>(desk.sandbox, '/orders?status=pending')).find((o) => o.status === 'pending');
  expect(pending, 'the sandbox seeds pending orders').toBeTruthy();

  await connectSandbox(page, desk);
  const screens = page.getByRole('navigation', { name: 'Screens' });
  await screens.getByRole('link', { name: 'Orders' }).click();
  // Every order cached before BillPro goes away: the count shows the first pages as soon as they
  // land ("… · synced never" while the first sync is still pulling the rest).
  await expect(page.getByText(/^[1-9][\d,]* orders · synced (?!never)/)).toBeVisible({ timeout: 30_000 });

  // BillPro goes away.
  await desk.sandbox.stop();

  // 1. A new customer.
  await screens.getByRole('link', { name: 'Customers' }).click();
  await page.getByRole('button', { name: 'New customer' }).click();
  await page.getByLabel('First name').fill('Olive');
  await page.getByLabel('Last name').fill('Offline');
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Phone').fill('+447911123456');
  const billing = page.getByRole('group', { name: 'Billing address' });
  await billing.getByLabel('Street').fill('1 Station Road');
  await billing.getByLabel('City').fill('York');
  await billing.getByLabel('Postal code').fill('YO1 1AA');
  await billing.getByLabel('Country').selectOption('GB');
  await page.getByRole('button', { name: 'Create customer' }).click();
  await expect(page.getByText('Saved on this device. It goes to BillPro as soon as the connection is back.')).toBeVisible({ timeout: 30_000 });
  await expect(page.getByText(/Working offline|unreachable/i).first()).toBeVisible();

  // 2. An order for that new customer.
  await screens.getByRole('link', { name: 'Orders' }).click();
  await page.getByRole('button', { name: 'New order' }).click();
  await page.getByRole('radio', { name: /^Single payment/ }).check();
  await page.getByRole('button', { name: 'Next' }).click();
  await page.getByRole('combobox', { name: 'Customer' }).fill('Olive');
  await page.getByRole('listbox', { name: 'Customer: matches' }).getByRole('option', { name: /Olive Offline/ }).click();
  await page.getByRole('button', { name: 'Next' }).click();
  await page.getByLabel('Add a product').selectOption({ index: 1 });
  await page.getByRole('button', { name: 'Add', exact: true }).click();
  await page.getByRole('button', { name: 'Next' }).click();
  await page.getByLabel('Invoice ID').fill(invoice);
  await page.getByRole('button', { name: 'Create order' }).click();
  await expect(page.getByRole('heading', { level: 1, name: `Order ${invoice}` })).toBeVisible({ timeout: 30_000 });
  await expect(page.getByText('not sent yet').first()).toBeVisible();

  // 3. Cancel another (pending) order.
  await page.goto(`${desk.host.origin}/#/orders/${pending!.id}`);
  await page.getByRole('button', { name: 'Cancel order' }).click();
  await page.getByRole('dialog').getByRole('button', { name: /^Cancel order/ }).click();
  await expect(page.getByRole('heading', { level: 1 }).locator('..').getByText('Cancelled').first()).toBeVisible({ timeout: 30_000 });

  // Restart the web host: cached lists and pending badges are still there.
  await desk.host.stop();
  desk.host = await startWebHostProcess(desk.dataDir);
  await page.goto(desk.host.openUrl);
  await screens.getByRole('link', { name: 'Customers' }).click();
  const customers = page.getByRole('grid', { name: 'Customers' });
  await expect(customers.getByRole('row', { name: /Olive Offline/ })).toContainText('not sent yet');
  await screens.getByRole('link', { name: 'Orders' }).click();
  const orders = page.getByRole('grid', { name: 'Orders' });
  await expect(orders.getByRole('row', { name: new RegExp(invoice) })).toContainText('not sent yet');
  await expect(page.getByRole('navigation', { name: 'Merchant profiles' }).getByLabel(/3 changes waiting to sync/)).toBeVisible();
  await page.screenshot({ path: 'artifacts/e2e-offline-waiting.png' });

  // BillPro comes back on the same address: everything syncs, badges clear.
  desk.sandbox = await startSandboxProcess({ port: desk.sandbox.port });
  await page.getByRole('button', { name: 'Sync now' }).click();
  await expect(orders.getByRole('row', { name: new RegExp(invoice) })).not.toContainText('not sent yet', { timeout: 30_000 });
  await expect(page.getByRole('navigation', { name: 'Merchant profiles' }).getByLabel(/changes waiting to sync/)).toHaveCount(0);
  await screens.getByRole('link', { name: 'Customers' }).click();
  await expect(customers.getByRole('row', { name: /Olive Offline/ })).not.toContainText('not sent yet');
  await page.screenshot({ path: 'artifacts/e2e-offline-synced.png' });

  // BillPro holds each change exactly once.
  const stats = await sandboxCall<{ duplicateEmails: string[]; duplicateInvoiceIds: string[] }>(desk.sandbox, '/stats?profile_id=1', { control: true });
  expect(stats.duplicateEmails).toEqual([]);
  expect(stats.duplicateInvoiceIds).toEqual([]);
  const found = await sandboxCall<{ id: number; email: string }[]>(desk.sandbox, `/customers?email=${encodeURIComponent(email)}`);
  expect(found).toHaveLength(1);
  const created = await sandboxCall<Order[]>(desk.sandbox, `/orders?invoice_id=${invoice}`);
  expect(created).toHaveLength(1);
  expect(created[0]!.customer_id).toBe(found[0]!.id);
  expect((await sandboxCall<Order>(desk.sandbox, `/orders/${pending!.id}`)).status).toBe('cancelled');
});
