/**
 * Sandbox-only control endpoints under /__sandbox (never under /api/v1): drive the payments a
 * real customer would make, move time, inject faults and read counters. Each needs a valid
 * sandbox token (any of them); ids are platform-wide, so no profile_id is needed except for stats.
 */
import type { TokenBook } from './auth.ts';
import { DAY_MS, iso } from './dates.ts';
import type { FaultInjector } from './faults.ts';
import {
  HttpError,
  httpError,
  isObject,
  jsonResponse,
  parseJsonObject,
  type SandboxResponse,
} from './http.ts';
import { advanceClock } from './clock.ts';
import { collectPayment, payOrder, type CollectionOutcome, type PaymentOutcome } from './lifecycle.ts';
import type { SandboxState } from './state.ts';
import type { WireVariations } from './wire-variations.ts';
import { PHONE_RULES } from './validation.ts';
import { profileStats, type RequestCounter } from './stats.ts';

export interface ControlDeps {
  state: SandboxState;
  tokens: TokenBook;
  faults: FaultInjector;
  requests: RequestCounter;
  /** The answer-shape variations in force; `/wire` replaces them. */
  wire: { current: WireVariations };
}

export interface ControlRequest {
  method: string;
  /** Path below /__sandbox. */
  path: string;
  query: URLSearchParams;
  authorization: string | undefined;
  body: string;
}

const PAY_OUTCOMES: readonly PaymentOutcome[] = ['approve', 'decline'];
const COLLECT_OUTCOMES: readonly CollectionOutcome[] = ['approve', 'soft-decline', 'hard-decline'];

function outcome<T extends string>(body: unknown, allowed: readonly T[]): T {
  const value = isObject(body) ? (body.outcome ?? 'approve') : 'approve';
  const found = allowed.find((o) => o === value);
  if (!found) throw httpError(422, `outcome must be one of ${allowed.join(', ')}`);
  return found;
}

function idOf(text: string | undefined): number {
  return text !== undefined && /^\d{1,15}$/.test(text) ? Number(text) : 0;
}

function route(deps: ControlDeps, request: ControlRequest): unknown {
  const { state } = deps;
  const { method, path } = request;
  const body = method === 'GET' || method === 'DELETE' ? {} : parseJsonObject(request.body);

  let match = /^\/orders\/([^/]+)\/pay\/?$/.exec(path);
  if (match && method === 'POST') {
    const order = state.orders.get(idOf(match[1]));
    if (!order) throw httpError(404, 'Not found');
    return payOrder(state, order, outcome(body, PAY_OUTCOMES));
  }

  match = /^\/scheduled_payments\/([^/]+)\/collect\/?$/.exec(path);
  if (match && method === 'POST') {
    const payment = state.scheduledPayments.get(idOf(match[1]));
    if (!payment) throw httpError(404, 'Not found');
    collectPayment(state, payment, outcome(body, COLLECT_OUTCOMES));
    return payment;
  }

  if (path === '/clock' && method === 'GET') return { now: state.nowIso() };
  if (path === '/clock' && method === 'POST') {
    const days = body.advanceDays ?? 0;
    if (typeof days !== 'number' || !Number.isFinite(days) || days < 0 || days > 3660) {
      throw httpError(422, 'advanceDays must be a number from 0 to 3660');
    }
    const collected = advanceClock(state, Math.round(days * DAY_MS));
    return { now: iso(state.clock.now()), collected };
  }

  // The rules BillPro does not document, switchable so a test proves the Desk right either way.
  if (path === '/rules' && method === 'GET') return { phone: state.phoneRule };
  if (path === '/rules' && method === 'POST') {
    const phone = body.phone ?? state.phoneRule;
    const rule = PHONE_RULES.find((r) => r === phone);
    if (!rule) throw httpError(422, `phone must be one of ${PHONE_RULES.join(', ')}`);
    state.phoneRule = rule;
    return { phone: state.phoneRule };
  }

  if (path === '/faults') {
    if (method === 'POST') return { id: deps.faults.add(body).id };
    if (method === 'DELETE') return { cleared: deps.faults.clear() };
    if (method === 'GET') return deps.faults.list();
  }

  // Answer-shape variations, switched while running (a Desk that synced before sees the change).
  if (path === '/wire') {
    if (method === 'PUT') deps.wire.current = body as WireVariations;
    if (method === 'PUT' || method === 'GET') return deps.wire.current;
  }

  if (path === '/stats' && method === 'GET') {
    const raw = request.query.get('profile_id') ?? '1';
    const profileId = idOf(raw);
    if (!state.profiles.has(profileId)) throw httpError(404, `No sandbox profile ${raw}`);
    return profileStats(state, profileId, deps.requests);
  }

  throw httpError(404, 'Not found');
}

export function handleControl(deps: ControlDeps, request: ControlRequest): SandboxResponse {
  try {
    deps.tokens.authenticate(request.authorization);
    return jsonResponse(200, route(deps, request));
  } catch (error) {
    if (error instanceof HttpError) return error.toResponse();
    throw error;
  }
}
