/**
 * Issue 13, part B — forms, details and status an operator can trust:
 *  2. typed changes are not lost by the sidebar, Ctrl+K, a profile switch or closing the tab;
 *  3. an instalment order shows BillPro's one interval, and its deposit;
 *  6. the status bar and the Dashboard agree on "synced", and the first sync says "still loading";
 *  7. the phone is only warned about, with an example, and BillPro decides — either way it rules;
 *  9. closed orders offer no payment link, a single payment is not "scheduled after the first",
 *     one status message at a time, "every 1 month, 10 instalments";
 * 12. Add profile is a dialog over the app that names the merchant; sandbox profiles say "Test data".
 * Each step asserts what today's code got wrong, against the spec's own sandbox.
 */
import { expect, test, type Page } from '@playwright/test';
import { expectNoSeriousA11yIssues } from './support/a11y.ts';
import { connectSandbox, PROFILE_NAME, useDesk } from './support/desk.ts';
import { sandboxCall } from './support/sandbox-api.ts';

const desk = useDesk();

interface Product {
  id: number;
  name: string | null;
  product_id: string;
  currency: string;
  product_type: string;
  product_status: string;
  lock_payment_config: boolean;
  split_number: number | string | null;
}
interface Order {
  id: number;
  invoice_id: string;
  initial_amount: string | null;
  monthly_amount: string | null;
  currency: string;
}
interface Payment {
  id: number;
  status: string;
  scheduled_interval: number | null;
  scheduled_duration_unit: string | null;
}

async function productOf(type: string, also: (p: Product) => boolean = () => true): Promise<Product> {
  for (let page = 1; page <= 4; page++) {
    const products = await sandboxCall<Product[]>(desk.sandbox, `/products?page=${page}`);
    const found = products.find((p) => p.product_type === type && p.product_status === 'active' && !p.lock_payment_config && also(p));
    if (found) return found;
  }
  throw new Error(`no active ${type} product with an unlocked schedule`);
}

async function firstCustomerId(): Promise<number> {
  const [customer] = await sandboxCall<{ id: number }[]>(desk.sandbox, '/customers?page=1');
  return customer!.id;
}

const invoice = (prefix: string) => `${prefix}-${Date.now() % 1_000_000}`;

/** An instalment order paid every 2 weeks after a deposit, created and paid in BillPro directly. */
async function fortnightlyInstalmentOrder(): Promise<Order> {
  const product = await productOf('instalment');
  const created = await sandboxCall<Order>(desk.sandbox, '/orders/create_instalment_order', {
    method: 'POST',
    body: {
      order: {
        currency: product.currency,
        customer_id: await firstCustomerId(),
        invoice_id: invoice('E2E-FORT'),
        order_products: [{ product_id: product.id }],
        initial_amount: '5.00',
        split_number: 3,
        scheduled_unit: 'WEEK',
        scheduled_interval: 2,
      },
    },
  });
  await sandboxCall(desk.sandbox, `/orders/${created.id}/pay`, { method: 'POST', body: { outcome: 'approve' }, control: true });
  return sandboxCall<Order>(desk.sandbox, `/orders/${created.id}`);
}

async function singlePaymentOrder(): Promise<Order> {
  const product = await productOf('single_payment');
  return sandboxCall<Order>(desk.sandbox, '/orders/create_single_order', {
    method: 'POST',
    body: {
      order: {
        currency: product.currency,
        customer_id: await firstCustomerId(),
        invoice_id: invoice('E2E-ONE'),
        order_products: [{ product_id: product.id }],
      },
    },
  });
}

async function open(page: Page, hash: string): Promise<void> {
  await page.evaluate((h) => (window.location.hash = h), hash);
}

const screens = (page: Page) => page.getByRole('navigation', { name: 'Screens' });
const switcher = (page: Page) => page.getByRole('navigation', { name: 'Merchant profiles' });

/** A second merchant to switch to (the multi-profile token's profile 2), added once. */
async function ensureSecondProfile(page: Page): Promise<void> {
  const northwind = switcher(page).getByRole('button', { name: /Northwind Fitness/ });
  if ((await northwind.count()) > 0) return;
  await switcher(page).getByRole('button', { name: 'Add a profile' }).click();
  await page.getByLabel('Profile name').fill('Northwind Fitness');
  await page.getByLabel('Environment').selectOption('custom');
  await page.getByLabel('API base URL').fill(desk.sandbox.baseUrl);
  await page.getByLabel('API token').fill(desk.sandbox.tokens[1]!.token);
  await page.getByLabel(/BillPro profile ID/).fill('2');
  await page.getByRole('button', { name: 'Add profile', exact: true }).click();
  await expect(northwind).toHaveAttribute('aria-current', 'true');
  await switcher(page).getByRole('button', { name: new RegExp(PROFILE_NAME) }).click();
  await expect(switcher(page).getByRole('button', { name: new RegExp(PROFILE_NAME) })).toHaveAttribute('aria-current', 'true');
}

test('item 6: the first sync says "still loading", and the status bar and Dashboard agree on "synced"', async ({ page }) => {
  // BillPro answers the orders slowly: products and customers land first, orders later.
  const fault = await sandboxCall<{ id: number }>(desk.sandbox, '/faults', {
    method: 'POST',
    body: { kind: 'latency', method: 'GET', path: '/orders', latencyMs: 4000 },
    control: true,
  });
  expect(fault.id).toBeGreaterThan(0);
  await connectSandbox(page, desk);
  const dashboard = page.getByRole('region', { name: 'Dashboard' });
  const bar = page.locator('.statusbar');
  // While orders are still arriving: no "No orders…" and no "Payments due 0", and no "Synced just now".
  await expect(dashboard.getByText(/^Still loading/)).toBeVisible();
  await expect(dashboard.getByText(/No orders in the last/)).toHaveCount(0);
  await expect(dashboard.getByText('Payments due in the next 30 days', { exact: true })).toHaveCount(0);
  await expect(dashboard.getByText('Synced never')).toBeVisible();
  await expect(bar.getByText('· synced never')).toBeVisible();
  await expectNoSeriousA11yIssues(page, 'dashboard during the first sync');

  await sandboxCall(desk.sandbox, '/faults', { method: 'DELETE', control: true });
  await expect(dashboard.getByText('Synced just now')).toBeVisible({ timeout: 60_000 });
  await expect(bar.getByText('· synced just now')).toBeVisible();
  await expect(dashboard.getByText(/^Still loading/)).toHaveCount(0);
  await expect(dashboard.getByText('Payments due in the next 30 days', { exact: true })).toBeVisible();
});

test('item 12: Add profile is a dialog over the app, names the merchant, and sandbox profiles say "Test data"', async ({ page }) => {
  await connectSandbox(page, desk);
  await screens(page).getByRole('link', { name: 'Orders' }).click();
  await switcher(page).getByRole('button', { name: 'Add a profile' }).click();
  let dialog = page.getByRole('dialog', { name: 'Add a merchant profile' });
  await expect(dialog).toBeVisible();
  // Over the app: the first-launch screen is not shown, the app stays behind the dialog.
  await expect(page.getByRole('heading', { name: 'Connect BillPro Desk' })).toHaveCount(0);
  await expect(page.locator('h1', { hasText: 'Orders' })).toBeAttached();
  // No built-in sandbox profile yet (this one is a custom URL): the dialog offers it.
  await expect(dialog.getByRole('button', { name: 'Try the sandbox' })).toBeVisible();
  await expectNoSeriousA11yIssues(page, 'add profile dialog');

  // A second merchant of the multi-profile token: success names it.
  await dialog.getByLabel('Profile name').fill('Northwind Fitness');
  await dialog.getByLabel('Environment').selectOption('custom');
  await dialog.getByLabel('API base URL').fill(desk.sandbox.baseUrl);
  await dialog.getByLabel('API token').fill(desk.sandbox.tokens[1]!.token);
  await dialog.getByLabel(/BillPro profile ID/).fill('2');
  await dialog.getByRole('button', { name: 'Add profile', exact: true }).click();
  await expect(dialog).toBeHidden();
  await expect(page.getByRole('status').filter({ hasText: 'Connected to “Northwind Fitness” on BillPro merchant profile 2.' })).toBeVisible();
  await expect(switcher(page).getByRole('button', { name: /Northwind Fitness/ })).toHaveAttribute('aria-current', 'true');
  await expect(page.getByRole('heading', { name: 'Orders', level: 1 })).toBeVisible();
  await expect(switcher(page).getByText('Test data')).toHaveCount(0);

  // The built-in sandbox from the dialog: marked "Test data" in the switcher and in Settings.
  await switcher(page).getByRole('button', { name: 'Add a profile' }).click();
  dialog = page.getByRole('dialog', { name: 'Add a merchant profile' });
  await dialog.getByRole('button', { name: 'Try the sandbox' }).click();
  await expect(dialog).toBeHidden({ timeout: 60_000 });
  const sandboxButton = switcher(page).getByRole('button', { name: /BillPro sandbox/ });
  await expect(sandboxButton).toHaveAttribute('aria-current', 'true');
  await expect(sandboxButton.getByText('Test data')).toBeVisible();
  await expect(page.getByRole('status').filter({ hasText: /Connected to “BillPro sandbox” on the BillPro sandbox \(test data\)/ })).toBeVisible();
  await screens(page).getByRole('link', { name: 'Settings' }).click();
  await expect(page.getByRole('region', { name: 'BillPro sandbox' }).getByText('Test data')).toBeVisible();
  await expect(page.getByRole('region', { name: 'Northwind Fitness' }).getByText('Test data')).toHaveCount(0);

  // Now a sandbox profile exists: the dialog no longer offers one; Escape closes it.
  await switcher(page).getByRole('button', { name: 'Add a profile' }).click();
  dialog = page.getByRole('dialog', { name: 'Add a merchant profile' });
  await expect(dialog.getByLabel('Profile name')).toBeFocused();
  await expect(dialog.getByRole('button', { name: 'Try the sandbox' })).toHaveCount(0);
  await page.keyboard.press('Escape');
  await expect(dialog).toBeHidden();
  await expect(page.getByRole('heading', { name: 'Settings', level: 1 })).toBeVisible();
  await switcher(page).getByRole('button', { name: new RegExp(PROFILE_NAME) }).click();
  await expect(switcher(page).getByRole('button', { name: new RegExp(PROFILE_NAME) })).toHaveAttribute('aria-current', 'true');
});

test('item 2: leaving a form with typed changes asks first — sidebar, Ctrl+K, profile switch, closing the tab', async ({ page }) => {
  await connectSandbox(page, desk);
  await ensureSecondProfile(page);
  await open(page, '#/customers/new');
  await expect(page.getByRole('heading', { name: 'New customer' })).toBeVisible();
  const first = page.getByLabel('First name');
  await first.fill('Priya');
  const leave = page.getByRole('dialog', { name: 'Leave without saving?' });

  // Sidebar: asked; "Keep as is" keeps the form and what was typed.
  await screens(page).getByRole('link', { name: 'Orders' }).click();
  await expect(leave).toBeVisible();
  await expect(leave).toContainText('changes to the new customer');
  await expectNoSeriousA11yIssues(page, 'leave guard dialog');
  await leave.getByRole('button', { name: 'Keep as is' }).click();
  await expect(leave).toBeHidden();
  expect(new URL(page.url()).hash).toBe('#/customers/new');
  await expect(first).toHaveValue('Priya');

  // Browser Back: asked, the address stays on the form.
  await page.goBack();
  await expect(leave).toBeVisible();
  await leave.getByRole('button', { name: 'Keep as is' }).click();
  expect(new URL(page.url()).hash).toBe('#/customers/new');
  await expect(first).toHaveValue('Priya');

  // Ctrl+K to another screen: asked too.
  await page.keyboard.press('Control+k');
  const palette = page.getByRole('combobox', { name: 'Jump to a screen, profile or record' });
  await palette.fill('Products');
  await palette.press('Enter');
  await expect(leave).toBeVisible();
  await leave.getByRole('button', { name: 'Keep as is' }).click();
  expect(new URL(page.url()).hash).toBe('#/customers/new');
  await expect(first).toHaveValue('Priya');
  // The held-back jump left no extra history entry: Back still asks to leave the form.
  await page.goBack();
  await expect(leave).toBeVisible();
  await leave.getByRole('button', { name: 'Keep as is' }).click();
  expect(new URL(page.url()).hash).toBe('#/customers/new');

  // A profile switch (click and Ctrl+2): asked, and the profile stays.
  await switcher(page).getByRole('button', { name: /Northwind Fitness/ }).click();
  await expect(leave).toBeVisible();
  await leave.getByRole('button', { name: 'Keep as is' }).click();
  await expect(switcher(page).getByRole('button', { name: new RegExp(PROFILE_NAME) })).toHaveAttribute('aria-current', 'true');
  await first.press('Control+2');
  await expect(leave).toBeVisible();
  await leave.getByRole('button', { name: 'Keep as is' }).click();
  await expect(switcher(page).getByRole('button', { name: new RegExp(PROFILE_NAME) })).toHaveAttribute('aria-current', 'true');
  await expect(first).toHaveValue('Priya');

  // Escape still asks with the form's own dialog, as before.
  await first.press('Escape');
  const discard = page.getByRole('dialog', { name: 'Discard your changes?' });
  await expect(discard).toBeVisible();
  await discard.getByRole('button', { name: 'Keep as is' }).click();

  // Closing the tab: the browser's own question.
  const asked = new Promise<string>((resolve) => page.once('dialog', (d) => { resolve(d.type()); void d.dismiss(); }));
  await page.close({ runBeforeUnload: true });
  expect(await asked).toBe('beforeunload');
  expect(page.isClosed()).toBe(false);

  // Discarding leaves for where the operator was going.
  await screens(page).getByRole('link', { name: 'Orders' }).click();
  await leave.getByRole('button', { name: 'Discard changes' }).click();
  await expect(page.getByRole('heading', { name: 'Orders', level: 1 })).toBeVisible();
  // A clean form leaves without a question.
  await open(page, '#/customers/new');
  await expect(page.getByRole('heading', { name: 'New customer' })).toBeVisible();
  await screens(page).getByRole('link', { name: 'Products' }).click();
  await expect(page.getByRole('heading', { name: 'Products', level: 1 })).toBeVisible();
  await expect(leave).toHaveCount(0);

  // The same guard on Settings: a rename typed and not saved asks too.
  await screens(page).getByRole('link', { name: 'Settings' }).click();
  await page.getByRole('region', { name: PROFILE_NAME }).getByLabel('Profile name').fill('Renamed, not saved');
  await screens(page).getByRole('link', { name: 'Orders' }).click();
  await expect(leave).toContainText(`changes to the profile “${PROFILE_NAME}”`);
  await leave.getByRole('button', { name: 'Discard changes' }).click();
  await expect(page.getByRole('heading', { name: 'Orders', level: 1 })).toBeVisible();
});

test('item 7: the phone is warned about with an example, never refused by the Desk; BillPro decides either way', async ({ page }) => {
  await connectSandbox(page, desk);
  await open(page, '#/customers/new');
  await page.getByLabel('First name').fill('Olivia');
  await page.getByLabel('Last name').fill('Drama');
  const email = `olivia.drama.${Date.now()}@example.com`;
  await page.getByLabel('Email').fill(email);
  const billing = page.getByRole('group', { name: 'Billing address' });
  await billing.getByLabel('Street').fill('1 Coronation St');
  await billing.getByLabel('City').fill('Manchester');
  await billing.getByLabel('Postal code').fill('M1 1AA');
  await billing.getByLabel('Country').selectOption('GB');
  const phone = page.getByLabel('Phone');
  // What a valid number looks like, for the chosen country.
  await expect(phone).toHaveAccessibleDescription(/for United Kingdom, e\.g\. \+44 7\d{3} \d{6}/);
  // Ofcom's drama range: libphonenumber does not list it; the Desk warns and does not refuse.
  await phone.fill('+447700900123');
  await phone.blur();
  const warning = page.getByRole('status').filter({ hasText: 'does not look like a United Kingdom number' });
  await expect(warning).toBeVisible();
  await expect(warning).toContainText('You can still save: BillPro checks it');
  await expect(phone).not.toHaveAttribute('aria-invalid', 'true');
  await expectNoSeriousA11yIssues(page, 'customer form: phone warning');

  // A BillPro that refuses it: its 422 goes beside the field, everything typed stays.
  expect((await sandboxCall<{ phone: string }>(desk.sandbox, '/rules', { control: true })).phone).toBe('country');
  await page.getByRole('button', { name: 'Create customer' }).click();
  await expect(phone).toHaveAttribute('aria-invalid', 'true');
  await expect(phone).toHaveAccessibleDescription(/is invalid/);
  await expect(page.getByRole('alert').filter({ hasText: 'BillPro did not save the customer' })).toBeVisible();
  await expect(phone).toHaveValue('+447700900123');
  await expect(page.getByLabel('Email')).toHaveValue(email);

  // A BillPro that takes it: the same number is saved, exactly as typed.
  await sandboxCall(desk.sandbox, '/rules', { method: 'POST', body: { phone: 'lenient' }, control: true });
  try {
    await page.getByRole('button', { name: 'Create customer' }).click();
    await expect(page.getByRole('heading', { name: 'Olivia Drama' })).toBeVisible();
    const held = await sandboxCall<{ phone: string | null }[]>(desk.sandbox, `/customers?email=${encodeURIComponent(email)}`);
    expect(held.map((c) => c.phone)).toEqual(['+447700900123']);
  } finally {
    await sandboxCall(desk.sandbox, '/rules', { method: 'POST', body: { phone: 'country' }, control: true });
  }

  // "Already taken" links to the customer who has the email.
  await open(page, '#/customers/new');
  await page.getByLabel('First name').fill('Olivia');
  await page.getByLabel('Last name').fill('Again');
  await page.getByLabel('Email').fill(email);
  await page.getByRole('button', { name: 'Create customer' }).click();
  await expect(page.getByLabel('Email')).toHaveAccessibleDescription(/has already been taken/);
  const holder = page.getByRole('link', { name: 'Olivia Drama' });
  await expect(holder).toBeVisible();
  await holder.click();
  await page.getByRole('dialog', { name: 'Leave without saving?' }).getByRole('button', { name: 'Discard changes' }).click();
  await expect(page.getByRole('heading', { name: 'Olivia Drama' })).toBeVisible();
});

test('items 3 and 9: one interval (BillPro\'s), the deposit, totals in order, timeline, copy; closed and single orders say the right thing', async ({ page, context }) => {
  await context.grantPermissions(['clipboard-read', 'clipboard-write']);
  const order = await fortnightlyInstalmentOrder();
  const payments = await sandboxCall<Payment[]>(desk.sandbox, `/orders/${order.id}/scheduled_payments`);
  expect(payments.every((p) => p.scheduled_interval === 2 && p.scheduled_duration_unit === 'WEEK')).toBe(true);

  await connectSandbox(page, desk);
  await open(page, `#/orders/${order.id}`);
  const totals = page.getByRole('region', { name: 'Totals' });
  await expect(totals).toContainText('every 2 weeks');
  await expect(totals).not.toContainText('every week');
  const section = page.getByRole('region', { name: 'Scheduled payments' });
  await expect(section.getByRole('row')).toHaveCount(payments.length + 1, { timeout: 15_000 });
  for (const row of await section.getByRole('row').all().then((rows) => rows.slice(1))) await expect(row).toContainText('every 2 weeks');
  // The usual order, and the deposit as BillPro gives it.
  await expect(totals.locator('dt')).toHaveText(['Subtotal', 'Discount', 'Fee', 'Tax', 'Total', 'Deposit', 'Each instalment', 'Instalments', 'Total with deposit', 'Payments in all', 'Remaining balance', 'Next charge']);
  expect(order.initial_amount).toBe('5.00');
  await expect(totals.locator('dt:text-is("Deposit") + dd')).toContainText('5.00');
  await expect(totals.locator('dt:text-is("Instalments") + dd')).toHaveText('3 instalments');
  await expect(totals.locator('dt:text-is("Remaining balance") + dd')).toHaveText('unknown (BillPro does not report it)');
  await expect(totals.locator('dt:text-is("Next charge") + dd')).not.toHaveText(/none/);
  await expect(page.getByRole('region', { name: 'Timeline' })).toContainText('Order created');

  // Copy beside the invoice id.
  await page.getByRole('button', { name: 'Copy invoice ID' }).click();
  expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(order.invoice_id);
  await page.getByRole('button', { name: 'Copy order ID' }).click();
  expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(String(order.id));

  // One status message: the next action clears the last one.
  await section.getByRole('row').nth(1).getByRole('button', { name: 'Skip' }).click();
  await page.getByRole('dialog', { name: 'Skip this payment?' }).getByRole('button', { name: 'Skip payment' }).click();
  const skipped = page.getByRole('status').filter({ hasText: /is skipped\./ });
  await expect(skipped).toBeVisible();
  await expect(page.getByRole('region', { name: 'Timeline' })).toContainText('sent from this device');
  await page.getByRole('button', { name: 'Refresh', exact: true }).click();
  await expect(skipped).toHaveCount(0);
  await expectNoSeriousA11yIssues(page, 'instalment order detail');

  // A single payment order awaiting payment: not "scheduled once the customer pays the first".
  const single = await singlePaymentOrder();
  await open(page, `#/orders/${single.id}`);
  const singlePayments = page.getByRole('region', { name: 'Scheduled payments' });
  await expect(singlePayments).toContainText('A single payment order is paid in one payment');
  await expect(singlePayments).not.toContainText('first payment');
  await expect(page.getByLabel('Payment link')).toBeVisible();
  await expect(page.getByRole('region', { name: 'Totals' }).locator('dt:text-is("Next charge")')).toHaveCount(0);

  // Cancelled: no payment link offered.
  await page.getByRole('button', { name: 'Cancel order' }).click();
  await page.getByRole('dialog', { name: /^Cancel order/ }).getByRole('button', { name: 'Cancel order' }).click();
  await expect(page.locator('header.head').getByText('Cancelled', { exact: true })).toBeVisible();
  await expect(page.getByLabel('Payment link')).toHaveCount(0);
  await expect(page.getByRole('link', { name: 'Open in browser' })).toHaveCount(0);
  await expect(page.getByRole('region', { name: 'Payment', exact: true })).toContainText('cancelled: it takes no payment');

  // "every 1 month, 10 instalments": no space before the comma, singulars right.
  const withSplit = await productOf('instalment', (p) => Number(p.split_number) > 1 && p.name !== null);
  await screens(page).getByRole('link', { name: 'Products' }).click();
  await page.getByRole('searchbox', { name: 'Search products' }).fill(withSplit.name ?? String(withSplit.id));
  // The row of that very product, once the search has narrowed the list (names can repeat).
  await page.getByRole('grid', { name: 'Products' }).getByRole('row').filter({ hasText: withSplit.product_id }).click();
  await expect(page.getByRole('heading', { name: withSplit.name ?? withSplit.product_id })).toBeVisible();
  const schedule = page.locator('dt:text-is("Schedule") + dd');
  await expect(schedule).toHaveText(new RegExp(`^every (\\d+ )?(day|week|month|year)s?, \\d+ instalments?`));
  await expect(schedule).not.toHaveText(/ ,/);
});

test('screenshots at 1024×640 and 1920×1080, light and dark, axe clean', async ({ page }) => {
  const order = await fortnightlyInstalmentOrder();
  await connectSandbox(page, desk);
  for (const scheme of ['light', 'dark'] as const) {
    await page.emulateMedia({ colorScheme: scheme });
    for (const [width, height] of [[1024, 640], [1920, 1080]] as const) {
      await page.setViewportSize({ width, height });
      const name = (what: string) => `artifacts/e2e-opsforms-${what}-${width}x${height}-${scheme}.png`;

      await open(page, `#/orders/${order.id}`);
      await expect(page.getByRole('region', { name: 'Scheduled payments' }).getByRole('row')).not.toHaveCount(0);
      await expect(page.getByRole('region', { name: 'Totals' })).toContainText('every 2 weeks');
      await page.screenshot({ path: name('order'), fullPage: true });

      await open(page, '#/customers/new');
      await page.getByLabel('First name').fill('Olivia');
      await page.getByRole('group', { name: 'Billing address' }).getByLabel('Country').selectOption('GB');
      await page.getByLabel('Phone').fill('+447700900123');
      await page.getByLabel('Phone').blur();
      await expect(page.getByRole('status').filter({ hasText: 'does not look like' })).toBeVisible();
      await page.screenshot({ path: name('customer-form') });
      await screens(page).getByRole('link', { name: 'Dashboard' }).click();
      const leave = page.getByRole('dialog', { name: 'Leave without saving?' });
      await expect(leave).toBeVisible();
      await page.screenshot({ path: name('leave') });
      await leave.getByRole('button', { name: 'Discard changes' }).click();

      await expect(page.getByRole('heading', { name: 'Dashboard', level: 1 })).toBeVisible();
      await switcher(page).getByRole('button', { name: 'Add a profile' }).click();
      const dialog = page.getByRole('dialog', { name: 'Add a merchant profile' });
      await expect(dialog).toBeVisible();
      await page.screenshot({ path: name('add-profile') });
      if (width === 1024) await expectNoSeriousA11yIssues(page, `add profile dialog (${scheme})`);
      await page.keyboard.press('Escape');
      await expect(dialog).toBeHidden();
    }
  }
});
