/**
 * Customers: find one by search; create one, refused first by BillPro for the seed's invalid phone
 * (beside the phone field, everything typed kept) and then for a taken email, then saved — and
 * BillPro holds it exactly once; edit it without losing an address; export the list as CSV.
 */
import { readFileSync } from 'node:fs';
import { expect, test, type Page } from '@playwright/test';
import { expectNoSeriousA11yIssues } from './support/a11y.ts';
import { useDesk } from './support/desk.ts';

const desk = useDesk();

interface WireAddress {
  address_type: string;
  street: string;
  city: string;
  postal_code: string;
  country: string;
}
interface WireCustomer {
  id: number;
  customer_id: string;
  first_name: string;
  last_name: string;
  email: string;
  phone: string | null;
  addresses: WireAddress[];
}

/** Asks the sandbox's BillPro API itself, the way an integrator would. */
async function billpro<T>(path: string): Promise<T> {
  const response = await fetch(`${desk.sandbox.baseUrl}${path}`, {
    headers: { authorization: `Bearer ${desk.sandbox.tokens[0]!.token}`, accept: 'application/json' },
  });
  expect(response.status).toBe(200);
  return (await response.json()) as T;
}

async function connect(page: Page): Promise<void> {
  await page.goto(desk.host.openUrl);
  await page.getByLabel('Profile name').fill('Acme Gym');
  await page.getByLabel('Environment').selectOption('custom');
  await page.getByLabel('API base URL').fill(desk.sandbox.baseUrl);
  await page.getByLabel('API token').fill(desk.sandbox.tokens[0]!.token);
  await page.getByRole('button', { name: 'Add profile', exact: true }).click();
  await expect(page.getByRole('navigation', { name: 'Merchant profiles' }).getByRole('button', { name: /Acme Gym/ })).toBeVisible();
}

test('find, create (refused, then saved), edit and export customers', async ({ page }) => {
  const [existing] = await billpro<WireCustomer[]>('/customers');
  expect(existing).toBeDefined();
  await connect(page);
  await page.getByRole('navigation', { name: 'Screens' }).getByRole('link', { name: 'Customers' }).click();

  // Find a customer by part of the email.
  const grid = page.getByRole('grid', { name: 'Customers' });
  const search = page.getByRole('searchbox', { name: 'Search customers' });
  await search.fill(existing!.email.split('@')[0]!);
  const found = grid.getByRole('row', { name: new RegExp(`\\b${existing!.email.replace(/[.+]/g, '\\$&')}`) });
  await expect(found).toBeVisible();
  await expect(found).toContainText(`${existing!.first_name} ${existing!.last_name}`);
  await expect(found).toContainText(existing!.customer_id);
  await expectNoSeriousA11yIssues(page, 'customers list');
  await page.screenshot({ path: 'artifacts/e2e-customers-list.png' });

  // A new customer with the seed's invalid phone for GB, and an email another customer has.
  await page.getByRole('button', { name: 'New customer' }).click();
  await expect(page.getByRole('heading', { name: 'New customer' })).toBeVisible();
  const email = 'dana.borys.quill@example.com';
  const values: [string, string][] = [
    ['First name', 'Dana'],
    ['Last name', 'Borys-Quill'],
    ['Phone', '+44770000000000'],
    ['Date of birth', '1995-05-12'],
  ];
  for (const [label, value] of values) await page.getByLabel(label).fill(value);
  await page.getByLabel('Email').fill(existing!.email);
  await page.locator('summary', { hasText: 'Organisation' }).click();
  await page.getByLabel('Organisation name').fill('TEST1');
  await page.getByLabel('VAT number').fill('GB0123456789');
  const billing = page.getByRole('group', { name: 'Billing address' });
  const address: [string, string][] = [
    ['Street', '28 Milsom St'],
    ['City', 'Bath'],
    ['State or county', 'Avon'],
    ['Postal code', 'BA1 1DG'],
  ];
  for (const [label, value] of address) await billing.getByLabel(label).fill(value);
  await billing.getByLabel('Country').selectOption('GB');
  await expect(page.getByLabel('Shipping same as billing')).toBeChecked();
  await page.getByRole('button', { name: 'Create customer' }).click();

  // The Desk only warns about the phone; BillPro refuses it (and the taken email) in one answer,
  // each beside its field, and the first refused field gets the focus.
  const phone = page.getByLabel('Phone');
  await expect(phone).toHaveAttribute('aria-invalid', 'true');
  await expect(phone).toHaveAccessibleDescription(/is invalid/);
  await expect(page.getByLabel('Email')).toBeFocused();
  const stillTyped = async () => {
    for (const [label, value] of values.filter(([l]) => l !== 'Phone')) await expect(page.getByLabel(label)).toHaveValue(value);
    for (const [label, value] of address) await expect(billing.getByLabel(label)).toHaveValue(value);
    await expect(billing.getByLabel('Country')).toHaveValue('GB');
    await expect(page.getByLabel('Organisation name')).toHaveValue('TEST1');
    await expect(page.getByLabel('VAT number')).toHaveValue('GB0123456789');
  };
  await stillTyped();
  await expect(phone).toHaveValue('+44770000000000');
  await expectNoSeriousA11yIssues(page, 'new customer: phone refused');
  await page.screenshot({ path: 'artifacts/e2e-customers-form-refused.png', fullPage: true });

  // A valid phone; BillPro itself refuses the taken email, beside the email field.
  await phone.fill('+447911123456');
  await page.getByRole('button', { name: 'Create customer' }).click();
  const emailInput = page.getByLabel('Email');
  await expect(emailInput).toHaveAccessibleDescription(/has already been taken/);
  await expect(page.getByRole('alert').filter({ hasText: 'BillPro did not save the customer' })).toBeVisible();
  await stillTyped();
  await expect(phone).toHaveValue('+447911123456');
  await expect(emailInput).toHaveValue(existing!.email);

  await emailInput.fill(email);
  await emailInput.press('Control+Enter');
  await expect(page.getByRole('heading', { name: 'Dana Borys-Quill' })).toBeVisible();
  await expect(page.getByText('Customer created in BillPro.')).toBeVisible();
  const id = Number(/#\/customers\/(\d+)$/.exec(page.url())?.[1]);
  expect(id).toBeGreaterThan(0);
  await expectNoSeriousA11yIssues(page, 'customer detail');
  await page.screenshot({ path: 'artifacts/e2e-customers-detail.png', fullPage: true });

  // BillPro holds exactly one customer with that email, with both addresses.
  const held = await billpro<WireCustomer[]>(`/customers?email=${encodeURIComponent(email)}`);
  expect(held).toHaveLength(1);
  expect(held[0]!.id).toBe(id);
  expect(held[0]!.phone).toBe('+447911123456');
  expect(held[0]!.addresses.map((a) => a.address_type).sort()).toEqual(['billing', 'shipping']);
  const stats = await (
    await fetch(`${desk.sandbox.controlUrl}/stats?profile_id=1`, { headers: { authorization: `Bearer ${desk.sandbox.tokens[0]!.token}` } })
  ).json() as { customers: number; duplicateEmails: string[] };
  expect(stats.duplicateEmails).toEqual([]);

  // Visible in the list.
  await page.getByRole('link', { name: '← Customers' }).click();
  await search.fill('Borys-Quill');
  await expect(grid.getByRole('row', { name: /Dana Borys-Quill/ })).toBeVisible();

  // Edit the city: Escape with changes asks first; the update keeps both addresses.
  await grid.getByRole('row', { name: /Dana Borys-Quill/ }).click();
  await page.getByRole('button', { name: 'Edit' }).click();
  await expect(page.getByRole('heading', { name: 'Edit Dana Borys-Quill' })).toBeVisible();
  await expect(page.getByLabel('Shipping same as billing')).toBeChecked();
  const city = page.getByRole('group', { name: 'Billing address' }).getByLabel('City');
  await expect(city).toHaveValue('Bath');
  await page.getByLabel('Description').focus();
  await page.keyboard.press('Tab');
  await page.keyboard.press('Tab');
  await expect(city).toBeFocused();
  await page.keyboard.press('Control+a');
  await page.keyboard.type('Bristol');
  await expectNoSeriousA11yIssues(page, 'edit customer');
  await page.screenshot({ path: 'artifacts/e2e-customers-edit.png' });
  await city.press('Escape');
  const discard = page.getByRole('dialog', { name: 'Discard your changes?' });
  await expect(discard).toBeVisible();
  await discard.getByRole('button', { name: 'Keep as is' }).click();
  await expect(city).toHaveValue('Bristol');
  await city.press('Control+Enter');
  await expect(page.getByText('Changes saved in BillPro.')).toBeVisible();
  await expect(page.getByRole('region', { name: 'Billing address' })).toContainText('Bristol');
  await expect(page.getByRole('region', { name: 'Shipping address' })).toContainText('Bristol');
  const updated = await billpro<WireCustomer>(`/customers/${id}`);
  expect(updated.addresses).toHaveLength(2);
  expect(updated.addresses.map((a) => [a.address_type, a.city, a.country]).sort()).toEqual([
    ['billing', 'Bristol', 'GB'],
    ['shipping', 'Bristol', 'GB'],
  ]);

  // Export every customer (empty search) to CSV.
  await page.getByRole('link', { name: '← Customers' }).click();
  await search.fill('');
  await expect(page.getByText(`${stats.customers} customers · synced`)).toBeVisible();
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Export CSV' }).click()]);
  expect(download.suggestedFilename()).toMatch(/^customers-acme-gym-\d{4}-\d{2}-\d{2}\.csv$/);
  const lines = readFileSync((await download.path())!, 'utf8').trimEnd().split('\r\n');
  expect(lines[0]).toBe('id,customer_id,first_name,last_name,email,phone,date_of_birth,organisation,billing_street,billing_city,billing_postal_code,billing_country,created_at');
  expect(lines).toHaveLength(stats.customers + 1);
  const row = lines.find((l) => l.includes(email));
  expect(row).toContain(`${id},${held[0]!.customer_id},Dana,Borys-Quill,${email},'+447911123456,12/05/1995,TEST1,28 Milsom St,Bristol,BA1 1DG,GB,`);
  await expect(page.getByRole('status').filter({ hasText: `Exported ${stats.customers} customers` })).toBeVisible();
});
