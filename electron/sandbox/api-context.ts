/**
 * What an /api/v1 handler receives once the router has authenticated the token and settled the
 * merchant profile, plus the helpers every list and lookup shares (pagination, id parsing,
 * not-found).
 */
import { DEFAULT_PAGE_SIZE, QUERY } from '../common/endpoints.ts';
import type { EndpointName } from '../common/endpoints.ts';
import { HttpError, type JsonObject } from './http.ts';
import { notFoundBody, type WireVariations } from './wire-variations.ts';
import type { ProfileData, SandboxState } from './state.ts';

export interface ApiContext {
  state: SandboxState;
  /** The merchant profile this request acts on. */
  data: ProfileData;
  /** The `{id}` path parameter, as sent. */
  id: string | undefined;
  query: URLSearchParams;
  /** The JSON body with its root key (`order`, `customer`…) already unwrapped. */
  body: JsonObject;
  notFoundStatus: 404 | 422;
  /** How lists are paged (issue 10 variations; defaults: 25, oldest first, `page` honoured). */
  paging: Paging;
  /** The endpoint being served, for messages. */
  route: EndpointName;
  /** Answer-shape variations (wire-variations.ts). */
  wire: WireVariations;
}

/**
 * How this BillPro pages its lists. The documented facts are `page` (1-based) and 25 customers
 * per page; the rest is unknown, so the sandbox can differ in each (billpro-api.md §1.5).
 */
export interface Paging {
  pageSize: number;
  order: ListOrder;
  /** Answer page 1 whatever `page` says, as a server without pagination would. */
  ignorePage: boolean;
}

export const LIST_ORDERS = ['oldest_first', 'newest_first'] as const;
export type ListOrder = (typeof LIST_ORDERS)[number];

export const DEFAULT_PAGING: Paging = { pageSize: DEFAULT_PAGE_SIZE, order: 'oldest_first', ignorePage: false };

/** Handlers return the success body; the router sends it as 200 JSON. */
export type ApiHandler = (context: ApiContext) => unknown;

export function notFound(context: ApiContext): HttpError {
  const what = /Order/.test(context.route) ? 'Order' : /Customer/.test(context.route) ? 'Customer' : /Product/.test(context.route) ? 'Product' : 'ScheduledPayment';
  return new HttpError(context.notFoundStatus, notFoundBody(context.wire, what, context.id));
}

/** The `{id}` path parameter as a positive integer; anything else is simply not found. */
export function pathId(context: ApiContext): number {
  const raw = context.id ?? '';
  const id = /^\d{1,15}$/.test(raw) ? Number(raw) : 0;
  if (id <= 0) throw notFound(context);
  return id;
}

/** `?page=N`, 1-based; missing or nonsense reads as 1, as Rails paginators do. */
export function pageNumber(query: URLSearchParams): number {
  const raw = query.get(QUERY.page);
  if (raw === null || !/^\d{1,9}$/.test(raw.trim())) return 1;
  return Math.max(1, Number(raw.trim()));
}

/**
 * One page of a list held in ascending id order (oldest first), served in this sandbox's paging
 * order and size; empty past the last page.
 */
export function pageOf<T>(items: readonly T[], context: Pick<ApiContext, 'query' | 'paging'>): T[] {
  const { pageSize, order, ignorePage } = context.paging;
  const page = ignorePage ? 1 : pageNumber(context.query);
  const start = (page - 1) * pageSize;
  if (order === 'oldest_first') return items.slice(start, start + pageSize);
  const end = Math.max(0, items.length - start);
  return items.slice(Math.max(0, end - pageSize), end).reverse();
}
