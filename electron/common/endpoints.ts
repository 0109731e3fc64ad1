/**
 * The BillPro endpoint table: every method, path and body root key the client uses and the
 * sandbox serves. Paths marked ASSUMPTION are (inferred) or GAP in billpro-api.md §2; correcting
 * one against the real API is an edit to one row here.
 *
 * Paths are relative to the profile's base URL (e.g. `https://app.bill.pro/api/v1`).
 */
import type { PurchaseType } from './wire.ts';

export type HttpMethod = 'GET' | 'POST' | 'PUT';

export interface Endpoint {
  method: HttpMethod;
  /** Template with `{id}` placeholders. */
  path: string;
  /** Root key that wraps the JSON body (`{"order": …}`), when the endpoint takes one. */
  bodyRoot?: string;
  /** True when billpro-api.md only infers this method/path. */
  assumed: boolean;
}

export const ENDPOINTS = {
  listProducts: { method: 'GET', path: '/products', assumed: false },
  // ASSUMPTION: REST-style path (§2.1 ◐).
  getProduct: { method: 'GET', path: '/products/{id}', assumed: true },

  createCustomer: { method: 'POST', path: '/customers', bodyRoot: 'customer', assumed: false },
  // ASSUMPTION: REST-style paths (§2.2 ◐); root key `customer` documented by the seed for create.
  listCustomers: { method: 'GET', path: '/customers', assumed: true },
  getCustomer: { method: 'GET', path: '/customers/{id}', assumed: true },
  updateCustomer: { method: 'PUT', path: '/customers/{id}', bodyRoot: 'customer', assumed: true },

  createSingleOrder: {
    method: 'POST',
    path: '/orders/create_single_order',
    bodyRoot: 'order',
    assumed: false,
  },
  createInstalmentOrder: {
    method: 'POST',
    path: '/orders/create_instalment_order',
    bodyRoot: 'order',
    assumed: false,
  },
  createSubscriptionOrder: {
    method: 'POST',
    path: '/orders/create_subscription_order',
    bodyRoot: 'order',
    assumed: false,
  },
  createMeteredOrder: {
    method: 'POST',
    path: '/orders/create_metered_order',
    bodyRoot: 'order',
    assumed: false,
  },
  // ASSUMPTION: no list-orders endpoint is documented (§5.5). The client tries this REST-style
  // path; a 404 (or a not-found 422) means "unsupported" and the Desk builds its order list from
  // the orders it knows instead.
  listOrders: { method: 'GET', path: '/orders', assumed: true },
  getOrder: { method: 'GET', path: '/orders/{id}', assumed: false },
  cancelOrder: { method: 'PUT', path: '/orders/{id}/cancel_order', assumed: false },
  pauseOrder: { method: 'PUT', path: '/orders/{id}/pause_order', assumed: false },
  resumeOrder: { method: 'PUT', path: '/orders/{id}/resume_order', assumed: false },
  // `{id}` is the order id (inferred, §2.6).
  renewCheckout: { method: 'POST', path: '/order_checkouts/{id}', assumed: false },

  // ASSUMPTION: path and method are GAPs (§2.7); one of the two candidates the doc names.
  listScheduledPayments: { method: 'GET', path: '/orders/{id}/scheduled_payments', assumed: true },
  // ASSUMPTION: PUT /scheduled_payments/{id} with root key `scheduled_payment` (§2.7).
  updateScheduledPayment: {
    method: 'PUT',
    path: '/scheduled_payments/{id}',
    bodyRoot: 'scheduled_payment',
    assumed: true,
  },
} as const satisfies Record<string, Endpoint>;

export type EndpointName = keyof typeof ENDPOINTS;

export const CREATE_ORDER_ENDPOINT: Record<PurchaseType, EndpointName> = {
  single_payment: 'createSingleOrder',
  instalment: 'createInstalmentOrder',
  subscription: 'createSubscriptionOrder',
  metered: 'createMeteredOrder',
};

/** Query parameters (§1.3, §1.5). */
export const QUERY = {
  page: 'page',
  profileId: 'profile_id',
  // ASSUMPTION: filter names inferred from the prose (§2.1, §2.2).
  productId: 'product_id',
  customerId: 'customer_id',
} as const;

/** ASSUMPTION: BillPro's default page size, documented for customers only (§1.5). */
export const DEFAULT_PAGE_SIZE = 25;

export function fillPath(template: string, params: Record<string, string | number> = {}): string {
  return template.replace(/\{(\w+)\}/g, (_, key: string) => {
    const value = params[key];
    if (value === undefined) throw new Error(`missing path parameter ${key}`);
    return encodeURIComponent(String(value));
  });
}
