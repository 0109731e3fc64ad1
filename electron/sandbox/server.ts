/**
 * The BillPro sandbox: a local BillPro over plain node:http on 127.0.0.1. It serves the API at
 * /api/v1 (the same paths, shapes and errors the Desk's client expects), sandbox-only controls
 * at /__sandbox, and payment-link pages at /pay/<id>. The Desk talks to it like to any BillPro.
 */
import { timestampMs } from '../common/time.ts';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { handleApi, matchRoute, type ApiOptions } from './api.ts';
import { DEFAULT_PAGING, LIST_ORDERS, type ListOrder, type Paging } from './api-context.ts';
import { RateLimiter } from './rate-limit.ts';
import { sandboxTokens, TokenBook, type SandboxToken } from './auth.ts';
import { handleControl } from './control.ts';
import {
  answersBeforeProcessing,
  FaultInjector,
  malformed,
  preProcessingResponse,
  sleep,
  withhold,
} from './faults.ts';
import { HttpError, jsonResponse, readBody, type SandboxResponse } from './http.ts';
import { handlePaymentPage } from './payment-page.ts';
import { MERCHANT_PROFILES } from './profiles.ts';
import { DEFAULT_SEED_SIZES, seedSandbox } from './seed.ts';
import { SandboxState } from './state.ts';
import { RequestCounter } from './stats.ts';
import type { WireVariations } from './wire-variations.ts';

export type { SandboxToken } from './auth.ts';
export type { WireVariations } from './wire-variations.ts';

export interface SandboxOptions {
  /** 0 (the default) picks a free port. */
  port?: number;
  /** Same seed → same data and tokens. Default 1. */
  seed?: number;
  /** Sizes of profile 1 (defaults 40 / 200 / 600). */
  products?: number;
  customers?: number;
  orders?: number;
  /** The sandbox clock's start; seeded data is relative to it. Default 2026-11-01T09:00:00Z. */
  clockStart?: string;
  /** Status for unknown records: 404, or 422 as a real BillPro may answer (billpro-api.md §1.6). */
  notFoundStatus?: 404 | 422;
  /** False makes the undocumented GET /orders answer 404, as a real BillPro may. Default true. */
  listOrders?: boolean;
  /**
   * When instalment billing events are created: with the order (default, as the scheduled-payments
   * page says) or when the initial payment is approved.
   */
  instalmentsAt?: 'creation' | 'activation';
  /** Answer-shape variations (envelope, ids, amounts, timestamps, names); none by default. */
  wire?: WireVariations;
  /** No request log on stderr. Default true; the CLI turns the log on. */
  quiet?: boolean;

  // ---- Paging and pace variations (issue 10): how a real BillPro may page and throttle.
  /** Rows per list page. Default 25 (documented for customers only, billpro-api.md §1.5). */
  pageSize?: number;
  /** Which end of each list page 1 holds. Default `oldest_first`. */
  listOrder?: ListOrder;
  /** Answer page 1 whatever `page` asks for. Default false. */
  ignorePage?: boolean;
  /** Answer 429 (with Retry-After) past this many API requests per token in 60 s; null = no limit. */
  rateLimitPerMinute?: number | null;
  /** The rate limit's window (programmatic only, so tests need not wait a minute). Default 60 000. */
  rateLimitWindowMs?: number;
}

export interface RunningSandbox {
  /** `http://127.0.0.1:P/api/v1` */
  baseUrl: string;
  /** `http://127.0.0.1:P/__sandbox` */
  controlUrl: string;
  port: number;
  tokens: SandboxToken[];
  close(): Promise<void>;
}

export const DEFAULT_CLOCK_START = '2026-11-01T09:00:00Z';
const API_BASE = '/api/v1';
const CONTROL_BASE = '/__sandbox';

function send(res: ServerResponse, response: SandboxResponse): void {
  if (res.destroyed || res.headersSent) return;
  res.writeHead(response.status, { ...response.headers, 'content-length': Buffer.byteLength(response.body) });
  res.end(response.body);
}

function size(name: string, value: number | undefined, fallback: number): number {
  const result = value ?? fallback;
  if (!Number.isSafeInteger(result) || result < 0)
    throw new Error(`sandbox option ${name} must be a whole number ≥ 0`);
  return result;
}

function pagingOf(options: SandboxOptions): Paging {
  const pageSize = size('pageSize', options.pageSize, DEFAULT_PAGING.pageSize);
  if (pageSize < 1 || pageSize > 10_000) throw new Error('sandbox option pageSize must be from 1 to 10000');
  const order = options.listOrder ?? DEFAULT_PAGING.order;
  if (!LIST_ORDERS.includes(order)) throw new Error(`sandbox option listOrder must be ${LIST_ORDERS.join(' or ')}`);
  return { pageSize, order, ignorePage: options.ignorePage ?? DEFAULT_PAGING.ignorePage };
}

function listen(server: ReturnType<typeof createServer>, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const onError = (error: NodeJS.ErrnoException): void => {
      const message =
        error.code === 'EADDRINUSE'
          ? `port ${port} on 127.0.0.1 is already in use; choose another port (or 0 for a free one)`
          : `the sandbox could not listen on 127.0.0.1:${port} (${error.code ?? error.message})`;
      reject(new Error(message, { cause: error }));
    };
    server.once('error', onError);
    server.listen(port, '127.0.0.1', () => {
      server.off('error', onError);
      resolve((server.address() as AddressInfo).port);
    });
  });
}

export async function startSandbox(options: SandboxOptions = {}): Promise<RunningSandbox> {
  const seed = options.seed ?? 1;
  if (!Number.isSafeInteger(seed)) throw new Error('sandbox option seed must be a whole number');
  const sizes = {
    products: size('products', options.products, DEFAULT_SEED_SIZES.products),
    customers: size('customers', options.customers, DEFAULT_SEED_SIZES.customers),
    orders: size('orders', options.orders, DEFAULT_SEED_SIZES.orders),
  };
  const clockStartMs = timestampMs(options.clockStart ?? DEFAULT_CLOCK_START);
  if (Number.isNaN(clockStartMs)) throw new Error('sandbox option clockStart must be an ISO 8601 date-time');
  const quiet = options.quiet ?? true;
  const log = (line: string): void => {
    if (!quiet) process.stderr.write(`${line}\n`);
  };

  const state = new SandboxState(MERCHANT_PROFILES, clockStartMs, seed);
  state.instalmentsAt = options.instalmentsAt ?? 'creation';
  const tokens = sandboxTokens(seed);
  const book = new TokenBook(tokens);
  const faults = new FaultInjector(seed);
  const requests = new RequestCounter();
  const withheld = new Set<NodeJS.Timeout>();
  const paging = pagingOf(options);
  const rateLimit =
    options.rateLimitPerMinute === undefined || options.rateLimitPerMinute === null
      ? null
      : new RateLimiter(
          size('rateLimitPerMinute', options.rateLimitPerMinute, 0),
          Math.max(1, size('rateLimitWindowMs', options.rateLimitWindowMs, 60_000)),
        );
  const apiOptions: ApiOptions = {
    notFoundStatus: options.notFoundStatus ?? 404,
    listOrders: options.listOrders ?? true,
    paging,
    wire: { ...options.wire },
    onError: (error) =>
      log(`sandbox error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`),
  };
  let ready = false;

  async function serveApi(
    req: IncomingMessage,
    res: ServerResponse,
    method: string,
    url: URL,
  ): Promise<void> {
    const apiPath = url.pathname.slice(API_BASE.length) || '/';
    requests.count(method, matchRoute(method, apiPath)?.route.name ?? null);
    const waitMs = rateLimit?.take(req.headers.authorization ?? '', Date.now()) ?? 0;
    if (waitMs > 0) {
      requests.limited += 1;
      await readBody(req).catch(() => '');
      send(
        res,
        jsonResponse(429, { error: 'Too many requests' }, { 'retry-after': String(Math.ceil(waitMs / 1000)) }),
      );
      return;
    }
    const fault = faults.pick(method, url.pathname, apiPath);
    if (fault && answersBeforeProcessing(fault)) {
      const response = preProcessingResponse(fault);
      if (!response) {
        req.socket.destroy();
        return;
      }
      await readBody(req).catch(() => '');
      send(res, response);
      return;
    }
    if (fault?.kind === 'latency') await sleep(fault.latencyMs);
    const body = await readBody(req);
    const response = handleApi(state, book, apiOptions, {
      method,
      path: apiPath,
      query: url.searchParams,
      authorization: req.headers.authorization,
      contentType: req.headers['content-type'],
      body,
    });
    if (fault?.kind === 'reset_after') req.socket.destroy();
    else if (fault?.kind === 'timeout') withhold(res, response, fault.latencyMs, withheld, send);
    else if (fault?.kind === 'malformed') send(res, malformed(response));
    else send(res, response);
  }

  async function dispatch(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const started = performance.now();
    const method = (req.method ?? 'GET').toUpperCase();
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const path = url.pathname;
    res.on('finish', () =>
      log(`${method} ${path} ${res.statusCode} ${Math.round(performance.now() - started)}ms`),
    );
    try {
      if (!ready) {
        send(res, jsonResponse(503, { error: 'The sandbox is still starting' }, { 'retry-after': '1' }));
      } else if (path === API_BASE || path.startsWith(`${API_BASE}/`)) {
        await serveApi(req, res, method, url);
      } else if (path === CONTROL_BASE || path.startsWith(`${CONTROL_BASE}/`)) {
        const body = await readBody(req);
        send(
          res,
          handleControl(
            {
              state,
              tokens: book,
              faults,
              requests,
              wire: {
                get current() {
                  return apiOptions.wire;
                },
                set current(value: WireVariations) {
                  apiOptions.wire = { ...value };
                },
              },
            },
            {
              method,
              path: path.slice(CONTROL_BASE.length) || '/',
              query: url.searchParams,
              authorization: req.headers.authorization,
              body,
            },
          ),
        );
      } else {
        const pay = /^\/pay\/([a-z0-9]+)\/?$/.exec(path);
        if (pay?.[1] && (method === 'GET' || method === 'POST')) {
          send(res, handlePaymentPage(state, method, pay[1], await readBody(req)));
        } else {
          send(res, jsonResponse(404, { error: 'Not found' }));
        }
      }
    } catch (error) {
      if (error instanceof HttpError) {
        send(res, error.toResponse());
      } else {
        apiOptions.onError(error);
        send(res, jsonResponse(500, { error: 'Internal server error' }));
      }
    }
  }

  const server = createServer((req, res) => {
    void dispatch(req, res);
  });
  const port = await listen(server, size('port', options.port, 0));
  const origin = `http://127.0.0.1:${port}`;
  state.origin = origin;
  try {
    seedSandbox(state, seed, sizes);
  } catch (error) {
    server.close();
    server.closeAllConnections();
    throw error;
  }
  ready = true;

  let closing: Promise<void> | null = null;
  return {
    baseUrl: `${origin}${API_BASE}`,
    controlUrl: `${origin}${CONTROL_BASE}`,
    port,
    tokens: tokens.map((t) => ({ token: t.token, profiles: [...t.profiles] })),
    close() {
      closing ??= new Promise<void>((resolve) => {
        for (const timer of withheld) clearTimeout(timer);
        withheld.clear();
        server.close(() => resolve());
        // Keep-alive and withheld sockets would otherwise hold the process open.
        server.closeAllConnections();
      });
      return closing;
    },
  };
}
