/**
 * The page behind an order's payment link. On BillPro it is a 3DS checkout; here it shows the
 * order and lets a person approve or decline the initial payment. Holding the link is the only
 * credential, as with a real payment link: no API token is involved.
 */
import { htmlResponse, type SandboxResponse } from './http.ts';
import { payOrder, PRELIMINARY_STATUSES } from './lifecycle.ts';
import type { SandboxState } from './state.ts';

function escape(text: string): string {
  return text.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c,
  );
}

export function handlePaymentPage(
  state: SandboxState,
  method: string,
  linkId: string,
  body: string,
): SandboxResponse {
  const orderId = state.paymentLinks.get(linkId);
  const order = orderId === undefined ? undefined : state.orders.get(orderId);
  if (!order)
    return htmlResponse(
      404,
      '<!DOCTYPE html><title>Payment link not found</title><h1>Payment link not found</h1>',
    );

  let notice = '';
  if (method === 'POST') {
    const outcome = new URLSearchParams(body).get('outcome') === 'decline' ? 'decline' : 'approve';
    if (PRELIMINARY_STATUSES.has(order.status)) {
      payOrder(state, order, outcome);
      notice = outcome === 'approve' ? 'Payment approved.' : 'Payment declined.';
    } else {
      notice = 'This order is not awaiting payment.';
    }
  }

  const payable = PRELIMINARY_STATUSES.has(order.status);
  const rows = order.products
    .map(
      (p) =>
        `<tr><td>${escape(p.name ?? `Product ${p.product_id}`)}</td><td>${p.qty}</td><td>${escape(p.amount)} ${escape(order.currency)}</td></tr>`,
    )
    .join('');
  const html = `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>BillPro sandbox checkout — order ${order.id}</title>
<style>body{font:16px system-ui,sans-serif;max-width:36rem;margin:3rem auto;padding:0 1rem}td{padding:.25rem .75rem}</style></head>
<body>
<p><strong>BillPro sandbox</strong> — no real payment is taken.</p>
<h1>Order ${order.id}</h1>
${notice ? `<p role="status">${escape(notice)}</p>` : ''}
<table><tbody>${rows}</tbody></table>
<p>Total: <strong>${escape(order.total_amount)} ${escape(order.currency)}</strong> · Status: <strong>${escape(order.status)}</strong></p>
${
  payable
    ? `<form method="post"><button name="outcome" value="approve">Pay</button> <button name="outcome" value="decline">Decline</button></form>`
    : ''
}
</body></html>
`;
  return htmlResponse(200, html);
}
