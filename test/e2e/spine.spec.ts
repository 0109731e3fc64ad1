/**
 * Issue "desktop shell … browser mode": a new user opens the printed URL, clicks "Try the
 * sandbox" and sees products; adds a second profile and switches with a click and with Ctrl+2;
 * a restarted web host still has both profiles, their tokens in the keychain.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { expect, test } from '@playwright/test';
import { useDesk } from './support/desk.ts';
import { startWebHostProcess } from './support/processes.ts';

const desk = useDesk();

test('try the sandbox, add a second profile, switch, restart', async ({ page }) => {
  // Record everything the page receives from the Desk: every call's reply and every event.
  const replies: string[] = [];
  page.on('response', async (response) => {
    if (new URL(response.url()).pathname.startsWith('/rpc/')) replies.push(await response.text().catch(() => ''));
  });
  const events: string[] = [];
  await page.exposeFunction('__recordDeskEvent', (data: string) => events.push(data));
  await page.addInitScript(() => {
    const Native = window.EventSource;
    const record = (window as unknown as { __recordDeskEvent: (data: string) => void }).__recordDeskEvent;
    window.EventSource = class extends Native {
      constructor(url: string | URL, init?: EventSourceInit) {
        super(url, init);
        this.addEventListener('message', (e) => void record(String((e as MessageEvent).data)));
      }
    };
  });
  await page.goto(desk.host.openUrl);
  await expect(page.getByRole('heading', { name: 'Connect BillPro Desk' })).toBeVisible();
  await page.getByRole('button', { name: 'Try the sandbox' }).click();
  const screens = page.getByRole('navigation', { name: 'Screens' });
  await screens.getByRole('link', { name: 'Products' }).click();

  const products = page.getByRole('grid', { name: 'Products' });
  await expect(products.getByRole('row').nth(1)).toBeVisible();
  await expect(page.getByText(/\d+ products? · synced/)).toBeVisible();
  await page.screenshot({ path: 'artifacts/e2e-spine-products.png' });

  // A second merchant: the multi-profile token needs its BillPro profile id.
  await page.getByRole('button', { name: 'Add a profile' }).click();
  await page.getByLabel('Profile name').fill('Northwind Fitness');
  await page.getByLabel('Environment').selectOption('custom');
  await page.getByLabel('API base URL').fill(desk.sandbox.baseUrl);
  await page.getByLabel('API token').fill(desk.sandbox.tokens[1]!.token);
  await page.getByRole('button', { name: 'Test connection' }).click();
  await expect(page.getByText(/more than one merchant profile/)).toBeVisible();
  await page.getByLabel(/BillPro profile ID/).fill('2');
  await page.getByRole('button', { name: 'Test connection' }).click();
  await expect(page.getByText(/^Connected\./)).toBeVisible();
  await page.getByRole('button', { name: 'Add profile', exact: true }).click();

  const switcher = page.getByRole('navigation', { name: 'Merchant profiles' });
  await expect(switcher.getByRole('button', { name: /Northwind Fitness/ })).toHaveAttribute('aria-current', 'true');
  await expect(products.getByRole('row').nth(1)).toBeVisible();

  await switcher.getByRole('button', { name: /BillPro sandbox/ }).click();
  await expect(switcher.getByRole('button', { name: /BillPro sandbox/ })).toHaveAttribute('aria-current', 'true');
  await page.keyboard.press('Control+2');
  await expect(switcher.getByRole('button', { name: /Northwind Fitness/ })).toHaveAttribute('aria-current', 'true');

  // Restart the web host: both profiles are still there, no prompt, tokens in the keychain.
  await desk.host.stop();
  desk.host = await startWebHostProcess(desk.dataDir);
  await page.goto(desk.host.openUrl);
  await expect(switcher.getByRole('button')).toHaveCount(3); // two profiles + "Add profile"
  await screens.getByRole('link', { name: 'Products' }).click();
  await expect(products.getByRole('row').nth(1)).toBeVisible();
  // secret-tool prints the secrets on stdout and their attributes on stderr.
  const search = spawnSync('secret-tool', ['search', '--all', 'service', 'BillPro Desk'], { encoding: 'utf8' });
  const items = search.stdout + search.stderr;
  const accounts = new Set([...items.matchAll(/attribute\.account = (.+)/g)].map((m) => m[1]!.trim()));
  const saved = JSON.parse(readFileSync(path.join(desk.dataDir, 'profiles.json'), 'utf8')) as { profiles: { id: string }[] };
  expect(saved.profiles).toHaveLength(2);
  for (const { id } of saved.profiles) expect(accounts.has(id), `token of profile ${id} in the keychain`).toBe(true);
  await page.screenshot({ path: 'artifacts/e2e-spine-after-restart.png' });

  // No token ever reached the renderer: not in a reply, an event, the page or its storage.
  const pageState = await page.evaluate(() => document.documentElement.outerHTML + JSON.stringify({ ...localStorage }) + JSON.stringify({ ...sessionStorage }));
  expect(replies.length).toBeGreaterThan(10);
  expect(events.length).toBeGreaterThan(0);
  const everything = [...replies, ...events, pageState].join('\n');
  for (const { token } of desk.sandbox.tokens) expect(everything).not.toContain(token);
});
