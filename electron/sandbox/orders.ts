/**
 * Order reads and management: list (ASSUMPTION: not documented, see endpoints.ts), get,
 * cancel / pause / resume, and renewing a CardCorp custom checkout.
 */
import { QUERY } from '../common/endpoints.ts';
import type { CheckoutRenewal } from '../common/wire.ts';
import { notFound, pageOf, pathId, type ApiContext } from './api-context.ts';
import { iso } from './dates.ts';
import { httpError } from './http.ts';
import { cancelOrder, pauseOrder, PRELIMINARY_STATUSES, resumeOrder } from './lifecycle.ts';
import type { OrderRecord } from './records.ts';

/** ASSUMPTION: filters on the undocumented order list, so a client can find an order by its natural key. */
const ORDER_FILTERS = ['invoice_id', 'status', 'order_type'] as const;

export function listOrders(context: ApiContext): OrderRecord[] {
  const { query } = context;
  const customer = query.get(QUERY.customerId);
  const filters = ORDER_FILTERS.flatMap((key) => {
    const value = query.get(key);
    return value === null ? [] : [[key, value] as const];
  });
  if (customer === null && filters.length === 0) return pageOf(context.data.orders, context);
  const customerId = customer === null ? null : Number(customer);
  const matches = context.data.orders.filter(
    (order) =>
      (customerId === null || order.customer_id === customerId) &&
      filters.every(([key, value]) => order[key] === value),
  );
  return pageOf(matches, context);
}

export function findOrder(context: ApiContext): OrderRecord {
  const order = context.data.ordersById.get(pathId(context));
  if (!order) throw notFound(context);
  return order;
}

export function getOrder(context: ApiContext): OrderRecord {
  return findOrder(context);
}

export function cancelOrderHandler(context: ApiContext): OrderRecord {
  return cancelOrder(context.state, findOrder(context));
}

export function pauseOrderHandler(context: ApiContext): OrderRecord {
  return pauseOrder(context.state, findOrder(context));
}

export function resumeOrderHandler(context: ApiContext): OrderRecord {
  return resumeOrder(context.state, findOrder(context));
}

/** POST /order_checkouts/{id}: a fresh 25-minute checkout for an order still awaiting payment. */
export function renewCheckout(context: ApiContext): CheckoutRenewal {
  const order = findOrder(context);
  if (context.data.profile.processor !== 'cardcorp') {
    throw httpError(422, 'Custom checkout is not available for Stripe merchants');
  }
  if (!PRELIMINARY_STATUSES.has(order.status)) {
    throw httpError(422, `Order is ${order.status}: only orders awaiting payment have a checkout`);
  }
  const { checkoutId, expiresAt } = context.state.newCheckout(order.id);
  order.checkout_id = checkoutId;
  order.updated_at = context.state.nowIso();
  return { order_id: order.id, checkout_id: checkoutId, expires_at: iso(expiresAt) };
}
