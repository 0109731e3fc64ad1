/**
 * A slow answer never paints over a newer one. The order detail and its scheduled payments each
 * reload while the operator acts; when the reload asked before the action answers after it, the
 * screen keeps showing what the action did. The slow answer is BillPro Desk's real answer,
 * fetched at once from the web host and handed to the page only later (Playwright holds it).
 * And a screen that is closed stops listening: fresher data no longer makes it ask again.
 */
import { expect, test, type Locator, type Page, type Route } from '@playwright/test';
import { connectSandbox, useDesk } from './support/desk.ts';
import { fetchFromWebHost } from './support/processes.ts';
import { createInstalmentOrder, sandboxCall } from './support/sandbox-api.ts';

const desk = useDesk();

interface Held {
  /** Resolves once the held call's answer was fetched from the web host (before it is released). */
  fetched: Promise<void>;
  /** Hand the held answer to the page; resolves when the page received it. */
  release: () => Promise<void>;
}

/** Hold the next call of `method`: answered by the Desk now, delivered to the page on `release`. */
async function holdNext(page: Page, method: string): Promise<Held> {
  const pattern = `**/rpc/${method}`;
  let markFetched!: () => void;
  const fetched = new Promise<void>((resolve) => (markFetched = resolve));
  let deliver!: () => void;
  const released = new Promise<void>((resolve) => (deliver = resolve));
  let markDelivered!: () => void;
  const delivered = new Promise<void>((resolve) => (markDelivered = resolve));
  let held = false;
  const handler = async (route: Route) => {
    if (held) return route.continue();
    held = true;
    const response = await fetchFromWebHost(route);
    markFetched();
    await released;
    await route.fulfill({ response });
    markDelivered();
  };
  await page.route(pattern, handler);
  return {
    fetched,
    async release() {
      deliver();
      await delivered;
      await page.unroute(pattern, handler);
      // Let the page parse the answer and paint whatever it does with it.
      await page.evaluate(() => new Promise((resolve) => setTimeout(() => requestAnimationFrame(() => requestAnimationFrame(resolve)), 50)));
    },
  };
}

/**
 * Watch an element from now on: resolves to whether `stale(text)` was ever true of its text at
 * any change until `stop` — a stale paint counts even when a later reload corrects it.
 */
async function watch(target: Locator, stale: string): Promise<{ stop: () => Promise<boolean> }> {
  const key = `watch-${Math.random().toString(36).slice(2)}`;
  await target.evaluate(
    (element, { key, stale }) => {
      const seen = { stale: false };
      const check = () => {
        if (new RegExp(stale).test((element as HTMLElement).innerText)) seen.stale = true;
      };
      const observer = new MutationObserver(check);
      observer.observe(element, { subtree: true, childList: true, characterData: true, attributes: true });
      (window as unknown as Record<string, unknown>)[key] = () => {
        observer.disconnect();
        check();
        return seen.stale;
      };
    },
    { key, stale },
  );
  return {
    stop: () => target.page().evaluate((key) => ((window as unknown as Record<string, () => boolean>)[key] ?? (() => true))(), key),
  };
}

async function openOrder(page: Page, id: number): Promise<void> {
  await connectSandbox(page, desk);
  await page.evaluate((hash) => (window.location.hash = hash), `#/orders/${id}`);
}


test('a refresh asked before cancelling an order does not bring back its old status', async ({ page }) => {
  const id = await createInstalmentOrder(desk.sandbox, { paid: false, invoicePrefix: 'E2E-STALE' });
  await openOrder(page, id);
  const header = page.locator('header.head');
  await expect(header.getByText('Pending', { exact: true })).toBeVisible({ timeout: 15_000 });

  // Refresh: the Desk answers "pending" at once; the page gets that answer only at the end.
  const slow = await holdNext(page, 'orders.get');
  await header.getByRole('button', { name: 'Refresh' }).click();
  await slow.fetched;

  await header.getByRole('button', { name: 'Cancel order' }).click();
  const dialog = page.getByRole('dialog', { name: /^Cancel order / });
  await dialog.getByRole('button', { name: 'Cancel order' }).click();
  await expect(dialog).toBeHidden();
  await expect(header.getByText('Cancelled', { exact: true })).toBeVisible();

  // From here on the order must never show as pending again, not even for a moment.
  const status = await watch(header, 'Pending');
  await slow.release();
  expect(await status.stop(), 'the order showed as pending again').toBe(false);
  await expect(header.getByText('Cancelled', { exact: true })).toBeVisible();
  await expect(header.getByRole('button', { name: 'Cancel order' })).toHaveCount(0);
});

test('a reload of the scheduled payments asked before a later skip does not undo that skip', async ({ page }) => {
  const id = await createInstalmentOrder(desk.sandbox, { paid: true, invoicePrefix: 'E2E-STALE' });
  await openOrder(page, id);
  const section = page.getByRole('region', { name: 'Scheduled payments' });
  const rows = section.getByRole('row');
  await expect(rows).toHaveCount(4, { timeout: 15_000 }); // header + three payments

  // Skipping the first payment reloads the list; that reload's answer (first payment skipped,
  // second still scheduled) reaches the page only after the second payment is skipped too.
  const slow = await holdNext(page, 'payments.list');
  await rows.nth(1).getByRole('button', { name: 'Skip' }).click();
  await page.getByRole('dialog', { name: 'Skip this payment?' }).getByRole('button', { name: 'Skip payment' }).click();
  await slow.fetched;
  await expect(rows.nth(1).getByText('Skipped', { exact: true })).toBeVisible();

  await rows.nth(2).getByRole('button', { name: 'Skip' }).click();
  await page.getByRole('dialog', { name: 'Skip this payment?' }).getByRole('button', { name: 'Skip payment' }).click();
  await expect(rows.nth(2).getByText('Skipped', { exact: true })).toBeVisible();

  // From here on the second payment must never show as scheduled again, not even for a moment
  // (reloads keep coming while the skips reach BillPro, and would correct a stale paint).
  const secondRow = await watch(rows.nth(2), 'Scheduled');
  await slow.release();
  expect(await secondRow.stop(), 'the second payment showed as scheduled again').toBe(false);
  await expect(rows.nth(1).getByText('Skipped', { exact: true })).toBeVisible();
  await expect(rows.nth(2).getByText('Skipped', { exact: true })).toBeVisible();
});

test('a closed order detail stops reloading when fresher orders land', async ({ page }) => {
  const [first, second] = [await createInstalmentOrder(desk.sandbox, { paid: false, invoicePrefix: 'E2E-STALE' }), await createInstalmentOrder(desk.sandbox, { paid: false, invoicePrefix: 'E2E-STALE' })];
  await openOrder(page, first);
  const header = page.locator('header.head');
  await expect(header.getByText('Pending', { exact: true })).toBeVisible({ timeout: 15_000 });
  const syncNow = page.getByRole('button', { name: 'Sync now' });

  // While it is open, a sync that brings a changed order reloads it.
  await sandboxCall(desk.sandbox, `/orders/${first}/pay`, { method: 'POST', body: { outcome: 'approve' }, control: true });
  const reloaded = page.waitForRequest((r) => r.url().endsWith('/rpc/orders.get'));
  await expect(syncNow).toBeEnabled();
  await syncNow.click();
  await reloaded;
  await expect(header.getByText('Active', { exact: true })).toBeVisible();

  // Closed (back to the list), it asks for nothing more; the list, still open, does reload.
  await page.getByRole('link', { name: '← All orders' }).click();
  await expect(page.getByRole('grid', { name: 'Orders' })).toBeVisible();
  const detailReloads: string[] = [];
  page.on('request', (r) => {
    if (r.url().endsWith('/rpc/orders.get')) detailReloads.push(r.url());
  });
  await sandboxCall(desk.sandbox, `/orders/${second}/pay`, { method: 'POST', body: { outcome: 'approve' }, control: true });
  const listReloaded = page.waitForRequest((r) => r.url().endsWith('/rpc/orders.list'));
  await expect(syncNow).toBeEnabled();
  await syncNow.click();
  await listReloaded;
  await expect(syncNow).toBeEnabled();
  await page.evaluate(() => new Promise((resolve) => setTimeout(resolve, 300)));
  expect(detailReloads).toEqual([]);
});
