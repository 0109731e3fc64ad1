/**
 * Settings: rename a profile; a replacement token BillPro refuses is reported beside the field
 * and the old token keeps working; removing a profile asks first, then takes its keychain
 * entries with it.
 */
import { spawnSync } from 'node:child_process';
import { expect, test } from '@playwright/test';
import { expectNoSeriousA11yIssues } from './support/a11y.ts';
import { useDesk } from './support/desk.ts';

const desk = useDesk();

/** Keychain accounts of the Desk (secret-tool prints attributes on stderr, secrets on stdout — never logged here). */
function keychainAccounts(): string[] {
  const search = spawnSync('secret-tool', ['search', '--all', 'service', 'BillPro Desk'], { encoding: 'utf8' });
  return [...(search.stdout + search.stderr).matchAll(/attribute\.account = (.+)/g)]
    .map((m) => m[1]!)
    .filter((a) => !a.startsWith('__desk_probe__'));
}

test('rename, refuse a wrong token, remove a profile', async ({ page }) => {
  await page.goto(desk.host.openUrl);
  await page.getByRole('button', { name: 'Try the sandbox' }).click();
  const switcher = page.getByRole('navigation', { name: 'Merchant profiles' });
  await expect(switcher.getByRole('button', { name: /BillPro sandbox/ })).toBeVisible();

  await switcher.getByRole('button', { name: 'Add a profile' }).click();
  await page.getByLabel('Profile name').fill('Acme Gym');
  await page.getByLabel('Environment').selectOption('custom');
  await page.getByLabel('API base URL').fill(desk.sandbox.baseUrl);
  await page.getByLabel('API token').fill(desk.sandbox.tokens[0]!.token);
  await page.getByRole('button', { name: 'Add profile', exact: true }).click();
  await expect(switcher.getByRole('button', { name: /Acme Gym/ })).toHaveAttribute('aria-current', 'true');

  await page.getByRole('navigation', { name: 'Screens' }).getByRole('link', { name: 'Settings' }).click();
  await expect(page.getByRole('heading', { name: 'Settings', level: 1 })).toBeVisible();
  await expect(page.getByText(/BillPro Desk \d+\.\d+\.\d+/)).toBeVisible();

  // Theme: dark applies at once and is remembered.
  await page.getByRole('radio', { name: 'Dark' }).check();
  await expect(page.locator('html')).toHaveAttribute('data-theme', 'dark');
  await expectNoSeriousA11yIssues(page, 'settings: dark theme');
  await page.screenshot({ path: 'artifacts/e2e-settings-dark.png' });
  await page.reload();
  await expect(page.getByRole('radio', { name: 'Dark' })).toBeChecked();
  await page.getByRole('radio', { name: 'Light' }).check();
  await expect(page.locator('html')).toHaveAttribute('data-theme', 'light');

  // The sandbox profile has no token to replace.
  const sandboxCard = page.getByRole('region', { name: 'BillPro sandbox' });
  await expect(sandboxCard.getByText('has no API token to replace')).toBeVisible();
  await expect(sandboxCard.getByLabel('New API token')).toHaveCount(0);

  // Rename.
  let card = page.getByRole('region', { name: 'Acme Gym' });
  await card.getByLabel('Profile name').fill('Acme Fitness');
  await card.getByRole('button', { name: 'Rename' }).click();
  await expect(switcher.getByRole('button', { name: /Acme Fitness/ })).toBeVisible();
  card = page.getByRole('region', { name: 'Acme Fitness' });
  await expect(card.getByText('Renamed.')).toBeVisible();

  // A wrong token: refused beside the field, and the old one still works.
  const token = card.getByLabel('New API token');
  await token.fill('not-the-right-token-0000');
  await card.getByRole('button', { name: 'Replace token' }).click();
  await expect(token).toHaveAttribute('aria-invalid', 'true');
  await expect(token).toHaveAccessibleDescription(/did not accept this API token/);
  await expectNoSeriousA11yIssues(page, 'settings: token refused');
  await card.getByRole('button', { name: 'Test connection' }).scrollIntoViewIfNeeded();
  await page.screenshot({ path: 'artifacts/e2e-settings.png' });
  await card.getByRole('button', { name: 'Test connection' }).click();
  await expect(card.getByText(/^Connected\./)).toBeVisible();

  // Remove it: the dialog says what happens; "Keep as is" keeps it.
  const before = keychainAccounts();
  await card.getByRole('button', { name: 'Remove profile…' }).click();
  const dialog = page.getByRole('dialog', { name: 'Remove “Acme Fitness”?' });
  await expect(dialog).toContainText(
    "removes the profile, its API token and cache key from the keychain and this device's copy of its data. Nothing at BillPro changes.",
  );
  await expectNoSeriousA11yIssues(page, 'settings: remove dialog');
  await page.screenshot({ path: 'artifacts/e2e-settings-remove.png' });
  await dialog.getByRole('button', { name: 'Keep as is' }).click();
  await expect(dialog).toBeHidden();
  await expect(card).toBeVisible();

  await card.getByRole('button', { name: 'Remove profile…' }).click();
  await dialog.getByRole('button', { name: 'Remove profile' }).click();
  await expect(page.getByText('Removed “Acme Fitness” from this device; nothing changed at BillPro.')).toBeVisible();
  await expect(switcher.getByRole('button', { name: /Acme Fitness/ })).toHaveCount(0);
  await expect(switcher.getByRole('button', { name: /BillPro sandbox/ })).toHaveAttribute('aria-current', 'true');
  await expect(page.getByRole('region', { name: 'Acme Fitness' })).toHaveCount(0);

  // Its token and cache key left the keychain; the sandbox profile's stayed.
  const after = keychainAccounts();
  const gone = before.filter((a) => !after.includes(a));
  expect(gone).toHaveLength(2);
  expect(gone.filter((a) => a.endsWith(':cache'))).toHaveLength(1);
  expect(after.length).toBe(before.length - 2);
});
