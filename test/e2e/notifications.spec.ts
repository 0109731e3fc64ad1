/**
 * Browser mode shows the Desk's notifications with the browser's Notification API once the
 * person allows it: a change queued while BillPro was away and refused when it came back raises
 * one notification (Chromium's real Notification, recorded as it is made), and clicking it opens
 * Activity on that profile. Switched off in Settings, the next refusal raises none.
 */
import { expect, test, type Page } from '@playwright/test';
import { useDesk } from './support/desk.ts';
import { startSandboxProcess } from './support/processes.ts';

const desk = useDesk();

type Shown = { title: string; body: string; tag: string };
type NotifyWindow = { __shown: Shown[]; __click(index: number): void };

/** Queues a customer BillPro will refuse (its phone is not one) through the Desk's web API. */
async function queueRefusedCustomer(page: Page, email: string): Promise<void> {
  const queued = await page.evaluate(async (customer) => {
    const post = async (method: string, body: unknown) =>
      (await fetch(`rpc/${method}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) })).json();
    const state = (await post('profiles.list', {})) as { value: { activeId: string } };
    return post('customers.create', { profileId: state.value.activeId, customer });
  }, { first_name: 'Omar', last_name: 'Badphone', email, phone: 'not a phone' });
  expect(queued).toMatchObject({ ok: true });
}

test('a refused queued change notifies once; clicking opens Activity; the switch turns them off', async ({ page, context }) => {
  await context.grantPermissions(['notifications'], { origin: desk.host.origin });
  // Keep Chromium's Notification, and note each one the page makes (and let the spec click it).
  await page.addInitScript(() => {
    const Real = window.Notification;
    const made: Notification[] = [];
    const w = window as unknown as NotifyWindow;
    w.__shown = [];
    w.__click = (index) => made[index]?.onclick?.(new Event('click'));
    class Recorded extends Real {
      constructor(title: string, options?: NotificationOptions) {
        super(title, options);
        made.push(this);
        w.__shown.push({ title, body: options?.body ?? '', tag: options?.tag ?? '' });
      }
    }
    Object.defineProperty(window, 'Notification', { value: Recorded, configurable: true, writable: true });
  });
  const shown = () => page.evaluate(() => (window as unknown as NotifyWindow).__shown);

  await page.goto(desk.host.openUrl);
  await page.getByLabel('Profile name').fill('Examply Ltd');
  await page.getByLabel('Environment').selectOption('custom');
  await page.getByLabel('API base URL').fill(desk.sandbox.baseUrl);
  await page.getByLabel('API token').fill(desk.sandbox.tokens[0]!.token);
  await page.getByRole('button', { name: 'Add profile', exact: true }).click();
  const bar = page.locator('.statusbar');
  await expect(bar.getByText('Online')).toBeVisible({ timeout: 30_000 });
  await expect(page.getByRole('progressbar')).toHaveCount(0, { timeout: 30_000 });

  const port = desk.sandbox.port;
  await desk.sandbox.stop();
  await queueRefusedCustomer(page, `omar.first.${Date.now()}@example.com`);
  await expect(bar.getByRole('link', { name: /1 change waiting/ })).toBeVisible();
  await page.getByRole('navigation', { name: 'Screens' }).getByRole('link', { name: 'Customers' }).click();

  desk.sandbox = await startSandboxProcess({ port });
  await bar.getByRole('button', { name: 'Sync now' }).click();
  await expect(bar.getByRole('link', { name: /^1 needs your attention$/ })).toBeVisible({ timeout: 20_000 });
  await expect.poll(shown, { timeout: 10_000 }).toHaveLength(1);
  expect((await shown())[0]).toMatchObject({
    title: 'BillPro refused a change (Examply Ltd)',
    body: expect.stringMatching(/Create customer omar\.first\..*Open Activity/),
  });

  await page.evaluate(() => (window as unknown as NotifyWindow).__click(0));
  await expect(page.getByRole('heading', { name: 'Activity', level: 1 })).toBeVisible();
  await expect(page).toHaveURL(/#\/activity$/);

  // More syncing does not repeat it.
  await bar.getByRole('button', { name: 'Sync now' }).click();
  await page.waitForTimeout(2_500);
  expect(await shown()).toHaveLength(1);

  // Switched off: the next refusal stays in Activity only.
  await page.getByRole('navigation', { name: 'Screens' }).getByRole('link', { name: 'Settings' }).click();
  await page.getByRole('checkbox', { name: /Notify me when BillPro refuses a change/ }).uncheck();
  await desk.sandbox.stop();
  await queueRefusedCustomer(page, `omar.second.${Date.now()}@example.com`);
  desk.sandbox = await startSandboxProcess({ port });
  await bar.getByRole('button', { name: 'Sync now' }).click();
  await expect(bar.getByRole('link', { name: /^2 need your attention$/ })).toBeVisible({ timeout: 20_000 });
  await page.waitForTimeout(2_500);
  expect(await shown()).toHaveLength(1);
});
