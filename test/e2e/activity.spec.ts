/**
 * Activity names each change in the words of the button the operator clicked (issue 13 item 10).
 *
 * A change made while BillPro is away waits on this device and is sent when it is back: the
 * sandbox process is stopped, a customer is created in the UI (queued), the status bar says
 * "working offline" and "1 change waiting", Activity lists it as pending; a new sandbox on the
 * same port and "Sync now" send it, and the waiting count clears.
 */
import { expect, test } from '@playwright/test';
import { expectNoSeriousA11yIssues } from './support/a11y.ts';
import { connectSandbox, openDesk, useDesk } from './support/desk.ts';
import { startSandboxProcess } from './support/processes.ts';

const desk = useDesk();

test('a change made offline waits, shows in Activity, and is sent by "Sync now"', async ({ page }) => {
  const consoleErrors: string[] = [];
  page.on('console', (m) => {
    // The browser logs the failed requests of a stopped BillPro only for the Desk's own host; none are expected.
    if (m.type() === 'error') consoleErrors.push(m.text());
  });
  page.on('pageerror', (e) => consoleErrors.push(e.message));

  // A profile on the sandbox process this spec can stop and start again.
  await openDesk(page, desk.host);
  await page.getByLabel('Profile name').fill('Examply Ltd');
  await page.getByLabel('Environment').selectOption('custom');
  await page.getByLabel('API base URL').fill(desk.sandbox.baseUrl);
  await page.getByLabel('API token').fill(desk.sandbox.tokens[0]!.token);
  await page.getByRole('button', { name: 'Add profile', exact: true }).click();

  const bar = page.locator('.statusbar');
  await expect(page.getByRole('link', { name: /^Orders 600$/ })).toBeVisible({ timeout: 30_000 });
  await expect(page.getByRole('progressbar')).toHaveCount(0, { timeout: 30_000 });
  await expect(bar.getByText('Online')).toBeVisible();

  // BillPro goes away; a new customer is kept on this device.
  const port = desk.sandbox.port;
  await desk.sandbox.stop();
  // The Desk notices by itself (a probe after 10 s without an answer), before any change is made.
  await expect(bar.getByRole('status').filter({ hasText: /^BillPro is not answering$/ })).toBeVisible({ timeout: 20_000 });
  const email = `dana.offline.${Date.now()}@example.com`;
  await page.getByRole('navigation', { name: 'Screens' }).getByRole('link', { name: 'Customers' }).click();
  await page.getByRole('button', { name: 'New customer' }).click();
  await page.getByLabel('First name').fill('Dana');
  await page.getByLabel('Last name').fill('Offline');
  await page.getByLabel('Email').fill(email);
  await page.getByRole('button', { name: 'Create customer' }).click();

  await expect(bar.getByRole('link', { name: /1 change waiting/ })).toBeVisible();
  await expect(bar).toContainText('your changes are kept and sent when BillPro answers again');

  // A second change BillPro will refuse (a phone the form itself would catch, so through the Desk's web API).
  const badEmail = `omar.badphone.${Date.now()}@example.com`;
  const queued = await page.evaluate(async (customer) => {
    const post = async (method: string, body: unknown) =>
      (await fetch(`rpc/${method}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) })).json();
    const state = (await post('profiles.list', {})) as { value: { activeId: string } };
    return post('customers.create', { profileId: state.value.activeId, customer });
  }, { first_name: 'Omar', last_name: 'Badphone', email: badEmail, phone: 'not a phone' });
  expect(queued).toMatchObject({ ok: true });
  await expect(bar.getByRole('link', { name: /2 changes waiting/ })).toBeVisible();

  await bar.getByRole('link', { name: /2 changes waiting/ }).click();
  await expect(page.getByRole('heading', { name: 'Activity', level: 1 })).toBeVisible();
  await page.getByLabel('Waiting (2)').check();
  const entry = page.getByRole('listitem', { name: `Create customer ${email}` });
  const bad = page.getByRole('listitem', { name: `Create customer ${badEmail}` });
  await expect(entry).toBeVisible();
  await expect(entry.getByText(/^(Pending|Sending)$/)).toBeVisible();
  // Known not to answer, BillPro is not sent the change: it waits, untried, for BillPro to answer.
  await expect(entry.getByText(/Last try: .+/)).toHaveCount(0);
  await expect(bad).toBeVisible();
  await page.getByRole('heading', { name: 'Activity', level: 1 }).click();
  await expectNoSeriousA11yIssues(page, 'activity: change waiting offline');
  await page.screenshot({ path: 'artifacts/e2e-activity-offline.png' });

  // The discard dialog says what would happen; keep the change.
  await entry.getByRole('button', { name: 'Discard' }).click();
  const dialog = page.getByRole('dialog', { name: 'Discard this change?' });
  await expect(dialog).toContainText('deleted from this device');
  await expectNoSeriousA11yIssues(page, 'activity: discard dialog');
  await dialog.getByRole('button', { name: 'Keep as is' }).click();
  await expect(dialog).toBeHidden();

  // BillPro is back on the same address: "Sync now" sends the change.
  desk.sandbox = await startSandboxProcess({ port });
  await bar.getByRole('button', { name: 'Sync now' }).click();
  await page.getByLabel(/^All \(\d+\)$/).check();
  await expect(entry.getByText('Done', { exact: true })).toBeVisible({ timeout: 20_000 });

  // BillPro refused the other one: it waits for the person, with BillPro's words beside the field.
  await expect(bar.getByRole('link', { name: /^1 needs your attention$/ })).toBeVisible({ timeout: 20_000 });
  await page.getByLabel('Needs attention (1)').check();
  await expect(bad.getByText('Failed', { exact: true })).toBeVisible();
  await expect(bad).toContainText('Phone is invalid');
  await bad.getByRole('button', { name: 'Edit and retry' }).click();
  const phone = bad.getByLabel('Phone');
  await expect(phone).toHaveValue('not a phone');
  await expect(phone).toHaveAttribute('aria-invalid', 'true');
  await expect(bad.getByLabel('Email')).toHaveValue(badEmail);
  await page.getByRole('heading', { name: 'Activity', level: 1 }).click();
  await expectNoSeriousA11yIssues(page, 'activity: edit and retry');
  await page.screenshot({ path: 'artifacts/e2e-activity-edit.png' });
  await phone.fill('+44 20 7946 0000');
  await bad.getByRole('button', { name: 'Save and retry' }).click();
  await page.getByLabel(/^All \(\d+\)$/).check();
  await expect(bad.getByText('Done', { exact: true })).toBeVisible({ timeout: 20_000 });

  await expect(bar.getByRole('link', { name: /waiting|attention/ })).toHaveCount(0);
  await expect(bar).not.toContainText('your changes are kept');
  await expect(bar.getByRole('button', { name: 'Sync now' })).toBeEnabled({ timeout: 30_000 });
  await expect(page.getByRole('table', { name: /Sync history/ }).locator('tbody tr').first()).toBeVisible();

  // BillPro now holds both customers, once each.
  const emails: string[] = [];
  for (let n = 1; ; n++) {
    const answer = await fetch(`${desk.sandbox.baseUrl}/customers?page=${n}`, { headers: { Authorization: `Bearer ${desk.sandbox.tokens[0]!.token}` } });
    const batch = (await answer.json()) as { email: string }[];
    if (batch.length === 0) break;
    emails.push(...batch.map((c) => c.email));
  }
  expect(emails.filter((e) => e === email || e === badEmail).sort()).toEqual([email, badEmail].sort());

  await page.getByRole('heading', { name: 'Activity', level: 1 }).click();
  await expectNoSeriousA11yIssues(page, 'activity: all sent');
  await page.screenshot({ path: 'artifacts/e2e-activity.png', fullPage: true });
  expect(consoleErrors).toEqual([]);
});

test('Activity names each change in the words of the button that made it', async ({ page }) => {
  await connectSandbox(page, desk);
  await expect(page.getByRole('progressbar')).toHaveCount(0, { timeout: 30_000 });

  /** The Desk's own web API, as the renderer calls it. */
  const rpc = <T>(method: string, body: Record<string, unknown>) =>
    page.evaluate(
      async ([m, b]) => (await fetch(`rpc/${m}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(b) })).json(),
      [method, body] as const,
    ) as Promise<{ ok: boolean; value: T }>;
  const { value: state } = await rpc<{ activeId: string }>('profiles.list', {});
  const profileId = state.activeId;
  type Order = { id: number; invoice_id: string | null };
  type Payment = { id: number; status: string; scheduled_at: string };
  const { value: live } = await rpc<{ rows: Order[] }>('orders.list', { profileId, status: ['active'], limit: 200 });
  // Live orders, each with a payment still to come.
  const withPayment: { order: Order; payment: Payment }[] = [];
  for (const order of live.rows) {
    const { value } = await rpc<{ rows: Payment[] }>('payments.list', { profileId, orderId: order.id });
    const payment = value.rows.find((p) => p.status === 'scheduled');
    if (payment) withPayment.push({ order, payment });
    if (withPayment.length === 4) break;
  }
  expect(withPayment.length, 'four live orders with a scheduled payment').toBe(4);
  const name = (o: Order) => `order ${o.invoice_id ?? o.id}`;
  const day = (iso: string) => iso.slice(0, 10);
  const [completed, skipped, rescheduled, interval] = withPayment as [(typeof withPayment)[number], (typeof withPayment)[number], (typeof withPayment)[number], (typeof withPayment)[number]];
  const newDate = new Date(Date.now() + 40 * 24 * 60 * 60 * 1000).toISOString().slice(0, 10) + 'T09:00:00Z';

  // "Mark as complete" on a live order; Skip, Reschedule and Change interval on scheduled payments.
  await rpc('orders.cancel', { profileId, id: completed.order.id });
  await rpc('payments.skip', { profileId, id: skipped.payment.id });
  await rpc('payments.reschedule', { profileId, id: rescheduled.payment.id, scheduledAt: newDate });
  await rpc('payments.changeInterval', { profileId, id: interval.payment.id, interval: 2, unit: 'WEEK' });

  await page.getByRole('navigation', { name: 'Screens' }).getByRole('link', { name: 'Activity' }).click();
  await page.getByLabel(/^All \(\d+\)$/).check();
  const changes = page.getByRole('list', { name: 'Changes' });
  await expect(changes.getByRole('listitem', { name: `Mark ${name(completed.order)} as complete` })).toBeVisible();
  await expect(changes.getByRole('listitem', { name: `Skip payment due ${day(skipped.payment.scheduled_at)} of ${name(skipped.order)}` })).toBeVisible();
  await expect(changes.getByRole('listitem', { name: `Reschedule payment of ${name(rescheduled.order)} to ${day(newDate)}` })).toBeVisible();
  await expect(changes.getByRole('listitem', { name: `Change billing interval of ${name(interval.order)} to every 2 weeks` })).toBeVisible();
  // The words BillPro's API uses for the same calls are not what the operator clicked.
  await expect(changes).not.toContainText('Cancel order');
  await expect(changes).not.toContainText('Change scheduled payment');
});
