/**
 * Links in browser mode: `#/p/<profile>/<view>/<id>` — the same routes as billpro-desk:// links
 * in the desktop app — switch to the profile and open the record; a link for a profile that is
 * not on this device, or one that is malformed, says so and opens nothing. Settings shows the
 * update state (browser mode does not update itself) and the notification switch, kept across a
 * reload, with the browser's permission.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import { expectNoSeriousA11yIssues } from './support/a11y.ts';
import { connectSandbox, useDesk } from './support/desk.ts';

const desk = useDesk();

function profileIds(): Record<string, string> {
  const registry = JSON.parse(readFileSync(path.join(desk.dataDir, 'profiles.json'), 'utf8')) as {
    profiles: { id: string; name: string }[];
  };
  return Object.fromEntries(registry.profiles.map((p) => [p.name, p.id]));
}

/** Opens the first row of a list screen and answers its id (from the route) and heading. */
async function firstRecord(page: Page, screen: 'Orders' | 'Customers'): Promise<{ id: string; title: string }> {
  await page.getByRole('navigation', { name: 'Screens' }).getByRole('link', { name: screen }).click();
  const grid = page.getByRole('grid', { name: screen });
  await grid.getByRole('row').nth(1).click();
  await page.keyboard.press('Enter');
  await expect(page).toHaveURL(new RegExp(`#/${screen.toLowerCase()}/\\d+$`));
  const id = /\/(\d+)$/.exec(page.url())![1]!;
  const title = (await page.getByRole('heading', { level: 1 }).first().textContent())!.trim();
  return { id, title };
}

test('profile links open the record in its profile; bad links say why', async ({ page }) => {
  await connectSandbox(page, desk);
  const switcher = page.getByRole('navigation', { name: 'Merchant profiles' });
  await expect(page.getByRole('status').filter({ hasText: /^Online$/ })).toBeVisible({ timeout: 30_000 });
  const order = await firstRecord(page, 'Orders');
  const customer = await firstRecord(page, 'Customers');

  // A second profile, now active: the links must switch back.
  await switcher.getByRole('button', { name: 'Add a profile' }).click();
  await page.getByRole('button', { name: 'Try the sandbox' }).click();
  await expect(switcher.getByRole('button', { name: /BillPro sandbox/ })).toHaveAttribute('aria-current', 'true');
  const ids = profileIds();
  const shop = ids['Sandbox merchant']!;
  const origin = desk.host.origin;

  await page.goto(`${origin}/#/p/${shop}/orders/${order.id}`);
  await expect(switcher.getByRole('button', { name: /Sandbox merchant/ })).toHaveAttribute('aria-current', 'true');
  await expect(page.getByRole('heading', { level: 1, name: order.title })).toBeVisible();
  await expect(page).toHaveURL(new RegExp(`#/orders/${order.id}$`));

  await page.getByRole('navigation', { name: 'Merchant profiles' }).getByRole('button', { name: /BillPro sandbox/ }).click();
  // The switch has landed before the link is opened (as an operator sees it happen).
  await expect(switcher.getByRole('button', { name: /BillPro sandbox/ })).toHaveAttribute('aria-current', 'true');
  await page.goto(`${origin}/#/p/${shop}/customers/${customer.id}`);
  await expect(switcher.getByRole('button', { name: /Sandbox merchant/ })).toHaveAttribute('aria-current', 'true');
  await expect(page.getByRole('heading', { level: 1, name: customer.title })).toBeVisible();

  // A link to a screen without a record.
  await page.goto(`${origin}/#/p/${shop}/activity`);
  await expect(page.getByRole('heading', { level: 1, name: 'Activity' })).toBeVisible();

  // A profile this device does not have: nothing opens, and the notice says why.
  await page.goto(`${origin}/#/p/someone-elses-profile/orders/${order.id}`);
  const notice = page.getByRole('alert').filter({ hasText: 'This link cannot be opened' });
  await expect(notice).toContainText('not on this device (someone-elses-profile)');
  await expectNoSeriousA11yIssues(page, 'deep links: refused link');
  await notice.getByRole('button', { name: 'Dismiss the link notice' }).click();
  await expect(notice).toHaveCount(0);

  // Malformed: an unknown screen, a record that is not a number.
  await page.goto(`${origin}/#/p/${shop}/invoices/${order.id}`);
  await expect(notice).toContainText('“invoices”, which Desk cannot open');
  await page.goto(`${origin}/#/p/${shop}/orders/12abc`);
  await expect(notice).toContainText('“12abc” is not a record number');
  await expect(page).toHaveURL(/#\/dashboard$/);
});

test('Settings: updates are for the desktop app; the notification switch is kept and asks the browser', async ({ page, context }) => {
  await connectSandbox(page, desk);
  await page.getByRole('navigation', { name: 'Screens' }).getByRole('link', { name: 'Settings' }).click();
  const updatesBlock = page.getByRole('region', { name: 'Updates' });
  await expect(updatesBlock).toContainText('Browser mode runs from this folder');
  const notifications = page.getByRole('region', { name: 'Notifications' });
  const toggle = notifications.getByRole('checkbox', { name: /Notify me when BillPro refuses a change/ });
  await expect(toggle).toBeChecked();
  await expect(notifications.getByRole('button', { name: 'Allow notifications in this browser' })).toBeVisible();
  await context.grantPermissions(['notifications'], { origin: desk.host.origin });
  await page.reload();
  await expect(notifications.getByText('This browser shows them.')).toBeVisible();
  await expectNoSeriousA11yIssues(page, 'settings: updates and notifications');

  await toggle.uncheck();
  await page.reload();
  await expect(toggle).not.toBeChecked();
  await expect(notifications.getByText('This browser shows them.')).toHaveCount(0);
  await toggle.check();
  await expect(toggle).toBeChecked();
});
