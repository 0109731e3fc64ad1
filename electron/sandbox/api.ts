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
  unwrapRoot,
  type SandboxResponse,
} from './http.ts';
import { parseRequestBody } from './form-body.ts';
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
import { varyBody, type WireVariations } from './wire-variations.ts';

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
  /** The Content-Type header: JSON or FormData (form-body.ts). */
  contentType?: string | undefined;
  body: string;
}

export interface ApiOptions {
  notFoundStatus: 404 | 422;
  /** Answer-shape variations (wire-variations.ts); the default sandbox follows the seed. */
  wire: WireVariations;
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
    const parsed = request.method === 'GET' ? {} : parseRequestBody(request.body, request.contentType);
    const body = match.route.bodyRoot ? unwrapRoot(parsed, match.route.bodyRoot) : parsed;
    const value = HANDLERS[match.route.name]({
      state,
      data: state.profile(profileId),
      id: match.id,
      query: request.query,
      body,
      notFoundStatus: options.notFoundStatus,
      paging: options.paging,
      route: match.route.name,
      wire: options.wire,
    });
    return jsonResponse(200, varyBody(value, options.wire, match.route.name));
  } catch (error) {
    if (error instanceof HttpError) return error.toResponse();
    options.onError(error);
    return jsonResponse(500, { error: 'Internal server error' });
  }
}
