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
  /** The endpoint being served, for messages. */
  route: EndpointName;
  /** Answer-shape variations (wire-variations.ts). */
  wire: WireVariations;
}

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

/** One page of a list already in ascending id order; empty past the last page. */
export function pageOf<T>(items: readonly T[], query: URLSearchParams): T[] {
  const start = (pageNumber(query) - 1) * DEFAULT_PAGE_SIZE;
  return items.slice(start, start + DEFAULT_PAGE_SIZE);
}
