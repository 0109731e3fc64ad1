/**
 * Create an order of each purchase type in the UI: the total the review step shows before
 * sending is the total BillPro (the sandbox) computes for the order it created.
 */
import { expect, test } from '@playwright/test';
import { expectNoSeriousA11yIssues } from './support/a11y.ts';
import { localDay } from './support/dates.ts';
import { connectSandbox, useDesk } from './support/desk.ts';
import { sandboxCall } from './support/sandbox-api.ts';

const desk = useDesk();

/** "€1,234.50" → 123450: the review shows two decimals, so the digits are the cents. */
function centsOf(text: string): number {
  return Number(text.replace(/[^\d]/g, ''));
}

const TYPES = [
  { type: 'single_payment', label: 'Single payment' },
  { type: 'instalment', label: 'Instalment' },
  { type: 'subscription', label: 'Subscription' },
  { type: 'metered', label: 'Metered' },
] as const;

test('create an order of each purchase type; the total shown before sending is what BillPro computes', async ({ page }) => {
  const pageErrors: string[] = [];
  page.on('pageerror', (e) => pageErrors.push(e.message));
  await connectSandbox(page, desk);
  await page.getByRole('link', { name: 'Orders', exact: true }).click();
  await expect(page.getByText(/^[1-9][\d,]* orders · synced/)).toBeVisible({ timeout: 20_000 });

  for (const [index, { type, label }] of TYPES.entries()) {
    await test.step(label, async () => {
      await page.getByRole('link', { name: 'Orders', exact: true }).click();
      await page.getByRole('button', { name: 'New order' }).click();
      await expect(page.getByRole('heading', { name: '1. Purchase type' })).toBeVisible();
      // Next without a choice says what is missing.
      await page.getByRole('button', { name: 'Next' }).click();
      await expect(page.getByText('Pick a purchase type.')).toBeVisible();
      await page.getByRole('radio', { name: new RegExp(`^${label}`) }).check();
      if (index === 0) await expectNoSeriousA11yIssues(page, 'create: purchase type');
      await page.getByRole('button', { name: 'Next' }).click();

      const customer = page.getByRole('combobox', { name: 'Customer' });
      await customer.fill('a');
      await page.getByRole('listbox', { name: 'Customer: matches' }).getByRole('option').nth(index).click();
      await page.getByRole('button', { name: 'Next' }).click();

      await expect(page.getByRole('heading', { name: '3. Products' })).toBeVisible();
      if (type === 'single_payment') {
        await page.getByLabel('Add a product').selectOption({ index: 1 });
        await page.getByRole('button', { name: 'Add', exact: true }).click();
        await page.getByLabel('Add a product').selectOption({ index: 2 });
        await page.getByRole('button', { name: 'Add', exact: true }).click();
        const qty = page.getByLabel('Qty').first();
        await qty.fill('3');
        // An edited fee is sent as typed and counted in the total.
        await page.getByLabel('Fee').nth(1).fill('2.50');
        await expectNoSeriousA11yIssues(page, 'create: products');
        await page.screenshot({ path: 'artifacts/e2e-orders-create-products.png', fullPage: true });
      } else {
        await page.getByLabel('Product', { exact: true }).selectOption({ index: 1 });
        if (type === 'instalment') {
          await page.getByLabel('Start date').fill(localDay(14));
          await page.screenshot({ path: 'artifacts/e2e-orders-create-instalment.png', fullPage: true });
        }
      }
      await page.getByRole('button', { name: 'Next' }).click();

      await expect(page.getByRole('heading', { name: '4. Review' })).toBeVisible();
      const total = page.locator('#review-total');
      await expect(total).toBeVisible();
      const shown = (await total.textContent()) ?? '';
      expect(centsOf(shown)).toBeGreaterThan(0);
      await page.getByLabel('Invoice ID').fill(`E2E-${type.toUpperCase()}-${Date.now() % 100000}`);
      if (index === 0) {
        await expectNoSeriousA11yIssues(page, 'create: review');
        await page.screenshot({ path: 'artifacts/e2e-orders-create-review.png', fullPage: true });
      }

      // Ctrl+Enter submits on the review step.
      if (index % 2 === 0) await page.keyboard.press('Control+Enter');
      else await page.getByRole('button', { name: 'Create order' }).click();

      await expect(page).toHaveURL(/#\/orders\/\d+$/, { timeout: 20_000 });
      const id = Number(/#\/orders\/(\d+)$/.exec(page.url())![1]);
      const created = await sandboxCall<{ total_amount: string; order_type: string; status: string }>(desk.sandbox, `/orders/${id}`);
      expect(created.order_type).toBe(type);
      expect(created.status).toBe('pending');
      expect(Math.round(Number(created.total_amount) * 100)).toBe(centsOf(shown));

      // The detail shows the same total, the Pending status and the payment link.
      await expect(page.getByRole('heading', { level: 1, name: /^Order E2E-/ })).toBeVisible();
      await expect(page.locator('dd.total')).toHaveText(shown);
      await expect(page.getByLabel('Payment link')).toHaveValue(/^https?:\/\//);
      if (index === 0) {
        // Copy says "Copied" only when the clipboard took it; else the link is selected for Ctrl+C.
        await page.getByRole('button', { name: 'Copy', exact: true }).click();
        const note = page.getByRole('status').filter({ hasText: /^(Copied|The link is selected: press Ctrl\+C to copy it\.)$/ });
        await expect(note).toBeVisible();
        if ((await note.textContent()) !== 'Copied') await expect(page.getByLabel('Payment link')).toBeFocused();
        await expect(page.getByRole('link', { name: 'Open in browser' })).toHaveAttribute('target', '_blank');
        await expectNoSeriousA11yIssues(page, 'order detail');
        await page.screenshot({ path: 'artifacts/e2e-orders-detail.png', fullPage: true });
      }
    });
  }

  await test.step('BillPro refuses: its message shows beside the field and nothing typed is lost', async () => {
    // Move BillPro's clock past the start date the form will send, so BillPro (not the form) refuses it.
    await sandboxCall(desk.sandbox, '/clock', { method: 'POST', body: { advanceDays: 90 }, control: true });

    await page.getByRole('link', { name: 'Orders', exact: true }).click();
    await page.getByRole('button', { name: 'New order' }).click();
    await page.getByRole('radio', { name: /^Instalment/ }).check();
    await page.getByRole('button', { name: 'Next' }).click();
    await page.getByRole('combobox', { name: 'Customer' }).fill('a');
    await page.getByRole('listbox', { name: 'Customer: matches' }).getByRole('option').first().click();
    await page.getByRole('button', { name: 'Next' }).click();
    await page.getByLabel('Product', { exact: true }).selectOption({ index: 1 });
    const day = localDay(14);
    await page.getByLabel('Start date').fill(day);
    await page.getByRole('button', { name: 'Next' }).click();
    await page.getByLabel('Invoice ID').fill('E2E-REFUSED');
    await page.getByLabel('Note').fill('Keep this note');
    await page.getByRole('button', { name: 'Create order' }).click();

    await expect(page.getByText(/^BillPro refused the order/)).toBeVisible({ timeout: 20_000 });
    await expect(page.getByRole('heading', { name: '3. Products' })).toBeVisible();
    await expect(page.locator('#start_date-error')).toHaveText("can't be in the past");
    await expect(page.getByLabel('Start date')).toHaveAttribute('aria-invalid', 'true');
    await expect(page.getByLabel('Start date')).toHaveValue(day);
    await expectNoSeriousA11yIssues(page, 'create: refused');
    await page.screenshot({ path: 'artifacts/e2e-orders-create-refused.png', fullPage: true });

    // Later fixed: the rest of the order is as it was typed.
    await page.getByLabel('Start date').fill(localDay(120));
    await page.getByRole('button', { name: 'Next' }).click();
    await expect(page.getByLabel('Invoice ID')).toHaveValue('E2E-REFUSED');
    await expect(page.getByLabel('Note')).toHaveValue('Keep this note');
    await page.keyboard.press('Control+Enter');
    await expect(page).toHaveURL(/#\/orders\/\d+$/, { timeout: 20_000 });
    await expect(page.getByRole('heading', { level: 1, name: 'Order E2E-REFUSED' })).toBeVisible();
  });
  expect(pageErrors).toEqual([]);
});
