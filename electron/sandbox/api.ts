/**
 * The /api/v1 router. Routes come from the shared endpoint table, so the sandbox serves exactly
 * the paths the client calls; the handler map is typed by endpoint name, so a new endpoint
 * cannot be added to the table without the sandbox serving it.
 */
import { ENDPOINTS, type EndpointName, type HttpMethod } from '../common/endpoints.ts';
import type { ApiHandler, Paging } from './api-context.ts';
import { resolveProfile, type TokenBook } from './auth.ts';
import { createCustomer, getCustomer, listCustomers, updateCustomer } from './customers.ts';
import {
  HttpError,
  httpError,
  jsonResponse,
  parseJsonObject,
  unwrapRoot,
  type SandboxResponse,
} from './http.ts';
import { createOrderHandler } from './orders-create.ts';
import {
  cancelOrderHandler,
  getOrder,
  listOrders,
  pauseOrderHandler,
  renewCheckout,
  resumeOrderHandler,
} from './orders.ts';
import { getProduct, listProducts } from './products.ts';
import { listScheduledPayments, updateScheduledPayment } from './scheduled-payments.ts';
import type { SandboxState } from './state.ts';

const HANDLERS: Record<EndpointName, ApiHandler> = {
  listProducts,
  getProduct,
  createCustomer,
  listCustomers,
  getCustomer,
  updateCustomer,
  createSingleOrder: createOrderHandler('single_payment'),
  createInstalmentOrder: createOrderHandler('instalment'),
  createSubscriptionOrder: createOrderHandler('subscription'),
  createMeteredOrder: createOrderHandler('metered'),
  listOrders,
  getOrder,
  cancelOrder: cancelOrderHandler,
  pauseOrder: pauseOrderHandler,
  resumeOrder: resumeOrderHandler,
  renewCheckout,
  listScheduledPayments,
  updateScheduledPayment,
};

interface Route {
  name: EndpointName;
  method: HttpMethod;
  pattern: RegExp;
  bodyRoot: string | undefined;
}

const ROUTES: Route[] = (Object.keys(ENDPOINTS) as EndpointName[]).map((name) => {
  const endpoint: { method: HttpMethod; path: string; bodyRoot?: string } = ENDPOINTS[name];
  const source = endpoint.path.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\{\w+\}/g, '([^/]+)');
  return { name, method: endpoint.method, pattern: new RegExp(`^${source}/?$`), bodyRoot: endpoint.bodyRoot };
});

export interface RouteMatch {
  route: Route;
  id: string | undefined;
}

export function matchRoute(method: string, path: string): RouteMatch | null {
  for (const route of ROUTES) {
    if (route.method !== method) continue;
    const match = route.pattern.exec(path);
    if (match) return { route, id: match[1] === undefined ? undefined : decodeURIComponent(match[1]) };
  }
  return null;
}

export interface ApiRequest {
  method: string;
  /** Path below /api/v1, e.g. `/orders/12`. */
  path: string;
  query: URLSearchParams;
  authorization: string | undefined;
  body: string;
}

export interface ApiOptions {
  notFoundStatus: 404 | 422;
  /** False answers the undocumented GET /orders with 404, as a real BillPro may. */
  listOrders: boolean;
  paging: Paging;
  onError: (error: unknown) => void;
}

export function handleApi(
  state: SandboxState,
  tokens: TokenBook,
  options: ApiOptions,
  request: ApiRequest,
): SandboxResponse {
  try {
    const match = matchRoute(request.method, request.path);
    // Unknown paths are routing errors: always 404, whatever the record not-found status is.
    if (!match || (match.route.name === 'listOrders' && !options.listOrders))
      throw httpError(404, 'Not found');
    const reachable = tokens.authenticate(request.authorization);
    const profileId = resolveProfile(reachable, request.query);
    const parsed = request.method === 'GET' ? {} : parseJsonObject(request.body);
    const body = match.route.bodyRoot ? unwrapRoot(parsed, match.route.bodyRoot) : parsed;
    const value = HANDLERS[match.route.name]({
      state,
      data: state.profile(profileId),
      id: match.id,
      query: request.query,
      body,
      notFoundStatus: options.notFoundStatus,
      paging: options.paging,
    });
    return jsonResponse(200, value);
  } catch (error) {
    if (error instanceof HttpError) return error.toResponse();
    options.onError(error);
    return jsonResponse(500, { error: 'Internal server error' });
  }
}
