/**
 * Asking the spec's sandbox process directly, the way an integrator would: what BillPro holds is
 * what a spec compares the Desk's screens with.
 */
import { expect } from '@playwright/test';
import type { SandboxProcess } from './processes.ts';

/** A call to the sandbox's BillPro API (or, with `control`, its test controls); anything but 200 fails the spec. */
export async function sandboxCall<T>(
  sandbox: SandboxProcess,
  pathAndQuery: string,
  init: { method?: string; body?: unknown; control?: boolean } = {},
): Promise<T> {
  const base = init.control ? sandbox.controlUrl : sandbox.baseUrl;
  const response = await fetch(`${base}${pathAndQuery}`, {
    method: init.method ?? 'GET',
    headers: { authorization: `Bearer ${sandbox.tokens[0]!.token}`, 'content-type': 'application/json' },
    ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) }),
  });
  expect(response.status, `${init.method ?? 'GET'} ${pathAndQuery}`).toBe(200);
  const body = (await response.json()) as T & { order?: T };
  // The order endpoints may wrap their answer in {"order": …}.
  return body.order ?? body;
}

interface SandboxProduct {
  id: number;
  currency: string;
  product_type: string;
  product_status: string;
  lock_payment_config: boolean;
}

/**
 * An instalment order of three monthly payments, created in BillPro directly (as the merchant's
 * own systems would): pending, or active once its first payment is approved (`paid`).
 */
export async function createInstalmentOrder(sandbox: SandboxProcess, options: { paid: boolean; invoicePrefix: string }): Promise<number> {
  let product: SandboxProduct | undefined;
  for (let page = 1; !product && page <= 4; page++) {
    const products = await sandboxCall<SandboxProduct[]>(sandbox, `/products?page=${page}`);
    product = products.find((p) => p.product_type === 'instalment' && p.product_status === 'active' && !p.lock_payment_config);
  }
  expect(product, 'an active instalment product whose schedule is not locked').toBeDefined();
  const [customer] = await sandboxCall<{ id: number }[]>(sandbox, '/customers?page=1');
  const created = await sandboxCall<{ id: number }>(sandbox, '/orders/create_instalment_order', {
    method: 'POST',
    body: {
      order: {
        currency: product!.currency,
        customer_id: customer!.id,
        invoice_id: `${options.invoicePrefix}-${Date.now() % 100000}`,
        order_products: [{ product_id: product!.id }],
        initial_amount: '0',
        split_number: 3,
        scheduled_unit: 'MONTH',
        scheduled_interval: 1,
      },
    },
  });
  if (options.paid) await sandboxCall(sandbox, `/orders/${created.id}/pay`, { method: 'POST', body: { outcome: 'approve' }, control: true });
  return created.id;
}
