/**
 * Issue 10, as an operator sees it in the status bar: the first sync of a large merchant shows
 * "done of ≈ total" and the time left; when BillPro stops answering (it accepts connections but
 * never replies) the bar says so within 15 s, and "Online" again as soon as it answers.
 */
import { expect, test } from '@playwright/test';
import { connectSandbox, useDesk } from './support/desk.ts';
import { sandboxCall } from './support/sandbox-api.ts';

const desk = useDesk({ sandbox: { orders: 8_000 } });

test('first-sync progress, then a clear status within 15 s of BillPro not answering', async ({ page }) => {
  test.setTimeout(180_000);
  await connectSandbox(page, desk);
  const bar = page.locator('.statusbar');

  // 1. The first sync says how far it is and how long is left.
  await expect(bar.getByText(/Syncing orders: [\d,]+ of ≈ [\d,]+ · about [\d.]+ (s|min|h) left/)).toBeVisible({
    timeout: 60_000,
  });
  await expect(bar.getByText(/Syncing/)).toHaveCount(0, { timeout: 150_000 });
  await expect(bar.getByRole('status').filter({ hasText: /^Online$/ })).toBeVisible();

  // 2. BillPro stops answering: every request is held back for a minute.
  await sandboxCall(desk.sandbox, '/faults', {
    method: 'POST',
    control: true,
    body: { kind: 'timeout', latencyMs: 60_000 },
  });
  const stopped = Date.now();
  await expect(bar.getByRole('status').filter({ hasText: /^BillPro is not answering$/ })).toBeVisible({ timeout: 20_000 });
  const noticedMs = Date.now() - stopped;
  console.log(`[sync-status] "not answering" shown ${noticedMs} ms after BillPro stopped answering`);
  expect(noticedMs).toBeLessThanOrEqual(15_000);

  // 3. It answers again: "Online" without anyone touching the app.
  await sandboxCall(desk.sandbox, '/faults', { method: 'DELETE', control: true });
  const back = Date.now();
  await expect(bar.getByRole('status').filter({ hasText: /^Online$/ })).toBeVisible({ timeout: 15_000 });
  console.log(`[sync-status] "Online" again ${Date.now() - back} ms after BillPro answered`);
});
