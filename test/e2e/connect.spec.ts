/**
 * Connecting a merchant profile: a token BillPro refuses is reported beside the token field and
 * nothing is added; the right token (on a custom URL) adds the profile and opens it.
 */
import { expect, test } from '@playwright/test';
import { expectNoSeriousA11yIssues } from './support/a11y.ts';
import { useDesk } from './support/desk.ts';

const desk = useDesk();

test('a refused token is shown beside the field; the right one adds the profile', async ({ page }) => {
  await page.goto(desk.host.openUrl);
  await expect(page.getByRole('heading', { name: 'Connect BillPro Desk' })).toBeVisible();
  await expectNoSeriousA11yIssues(page, 'connect screen');

  await page.getByLabel('Profile name').fill('Acme Gym');
  await page.getByLabel('Environment').selectOption('custom');
  await page.getByLabel('API base URL').fill(desk.sandbox.baseUrl);
  const token = page.getByLabel('API token');
  await token.fill('definitely-not-a-billpro-token');
  await page.getByRole('button', { name: 'Add profile', exact: true }).click();

  await expect(token).toHaveAttribute('aria-invalid', 'true');
  await expect(token).toHaveAccessibleDescription(/did not accept this API token/);
  // Nothing was added: still on the Connect screen, with what was typed kept.
  await expect(page.getByRole('heading', { name: 'Connect BillPro Desk' })).toBeVisible();
  await expect(page.getByLabel('Profile name')).toHaveValue('Acme Gym');
  await expect(page.getByLabel('API base URL')).toHaveValue(desk.sandbox.baseUrl);
  await expectNoSeriousA11yIssues(page, 'connect: token refused');
  await page.screenshot({ path: 'artifacts/e2e-connect-refused.png' });

  await token.fill(desk.sandbox.tokens[0]!.token);
  await page.getByRole('button', { name: 'Add profile', exact: true }).click();

  const switcher = page.getByRole('navigation', { name: 'Merchant profiles' });
  await expect(switcher.getByRole('button', { name: /Acme Gym/ })).toHaveAttribute('aria-current', 'true');
  await page.getByRole('navigation', { name: 'Screens' }).getByRole('link', { name: 'Products' }).click();
  await expect(page.getByRole('grid', { name: 'Products' }).getByRole('row').nth(1)).toBeVisible();
  await page.screenshot({ path: 'artifacts/e2e-connect.png' });
});
