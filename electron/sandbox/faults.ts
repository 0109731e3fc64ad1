/**
 * Fault injection for /api/v1: the network and server failures a real BillPro can show, so the
 * Desk's retry, timeout and "outcome unknown" paths are tested over real sockets. Some faults
 * answer before the request is processed (5xx, reset, 429, html), the others after it was
 * (reset_after, timeout, malformed) — the distinction the outbox must survive.
 */
import type { ServerResponse } from 'node:http';
import {
  httpError,
  isObject,
  htmlResponse,
  jsonResponse,
  type JsonObject,
  type SandboxResponse,
} from './http.ts';
import { Rng } from './prng.ts';

export const FAULT_KINDS = [
  '5xx',
  'reset',
  'reset_after',
  'timeout',
  '429',
  'html',
  'malformed',
  'latency',
] as const;
export type FaultKind = (typeof FAULT_KINDS)[number];

/** Faults that answer without processing the request. */
const BEFORE_PROCESSING: ReadonlySet<FaultKind> = new Set(['5xx', 'reset', '429', 'html']);

export interface FaultRule {
  id: number;
  kind: FaultKind;
  rate: number;
  /** Matching requests this rule still applies to; null = forever. */
  remaining: number | null;
  method: string | null;
  path: string | null;
  latencyMs: number;
  retryAfterSeconds: number;
}

const DEFAULT_TIMEOUT_MS = 60_000;
const DEFAULT_LATENCY_MS = 1_000;

function optionalNumber(spec: JsonObject, key: string, min: number, max: number): number | null {
  const value = spec[key];
  if (value === undefined || value === null) return null;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < min || value > max) {
    throw httpError(422, `${key} must be a number from ${min} to ${max}`);
  }
  return value;
}

export class FaultInjector {
  private rules: FaultRule[] = [];
  private lastId = 0;
  private readonly rng: Rng;

  constructor(seed: number) {
    this.rng = new Rng(seed, 'faults');
  }

  add(spec: unknown): FaultRule {
    if (!isObject(spec)) throw httpError(422, 'A fault is a JSON object with a kind');
    const kind = FAULT_KINDS.find((k) => k === spec.kind);
    if (!kind) throw httpError(422, `kind must be one of ${FAULT_KINDS.join(', ')}`);
    const method = spec.method === undefined || spec.method === null ? null : spec.method;
    if (
      method !== null &&
      (typeof method !== 'string' || !['GET', 'POST', 'PUT'].includes(method.toUpperCase()))
    ) {
      throw httpError(422, 'method must be GET, POST or PUT');
    }
    const path = spec.path === undefined || spec.path === null ? null : spec.path;
    if (path !== null && typeof path !== 'string') throw httpError(422, 'path must be a string');
    const count = optionalNumber(spec, 'count', 1, Number.MAX_SAFE_INTEGER);
    if (count !== null && !Number.isInteger(count)) throw httpError(422, 'count must be a whole number');
    const latencyMs = optionalNumber(spec, 'latencyMs', 0, 600_000);
    const rule: FaultRule = {
      id: ++this.lastId,
      kind,
      rate: optionalNumber(spec, 'rate', 0, 1) ?? 1,
      remaining: count,
      method: method === null ? null : method.toUpperCase(),
      path,
      latencyMs: latencyMs ?? (kind === 'timeout' ? DEFAULT_TIMEOUT_MS : DEFAULT_LATENCY_MS),
      retryAfterSeconds: optionalNumber(spec, 'retryAfterSeconds', 0, 86_400) ?? 1,
    };
    this.rules.push(rule);
    return rule;
  }

  clear(): number {
    const cleared = this.rules.length;
    this.rules = [];
    return cleared;
  }

  list(): readonly FaultRule[] {
    return this.rules;
  }

  /**
   * The fault for this request, if any. Each matching request uses up one of a rule's `count`;
   * whether it then fires is a seeded draw against `rate`.
   */
  pick(method: string, fullPath: string, apiPath: string): FaultRule | null {
    for (const rule of this.rules) {
      if (rule.method !== null && rule.method !== method) continue;
      if (rule.path !== null && !apiPath.includes(rule.path) && !fullPath.includes(rule.path)) continue;
      if (rule.remaining !== null) {
        rule.remaining -= 1;
        if (rule.remaining <= 0) this.rules = this.rules.filter((r) => r !== rule);
      }
      if (rule.rate >= 1 || this.rng.next() < rule.rate) return rule;
    }
    return null;
  }
}

export function answersBeforeProcessing(rule: FaultRule): boolean {
  return BEFORE_PROCESSING.has(rule.kind);
}

/** The response of a fault that does not process the request (null: drop the connection). */
export function preProcessingResponse(rule: FaultRule): SandboxResponse | null {
  switch (rule.kind) {
    case '5xx':
      return jsonResponse(503, { error: 'Service unavailable' });
    case '429':
      return jsonResponse(
        429,
        { error: 'Too many requests' },
        { 'retry-after': String(rule.retryAfterSeconds) },
      );
    case 'html':
      return htmlResponse(
        502,
        '<!DOCTYPE html>\n<html><head><title>502 Bad Gateway</title></head>' +
          '<body><h1>502 Bad Gateway</h1><p>The upstream server did not answer.</p></body></html>\n',
      );
    default:
      return null;
  }
}

/** A processed response spoiled by a fault: a 200 whose JSON is cut off mid-way. */
export function malformed(response: SandboxResponse): SandboxResponse {
  const cut = Math.max(1, Math.floor(response.body.length / 2));
  let body = response.body.slice(0, cut);
  // A body of one character (`{`/`[`) is already invalid; make sure every cut is.
  if (body === response.body) body = `${body}{`;
  return { status: 200, headers: { 'content-type': 'application/json; charset=utf-8' }, body };
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}

/**
 * Holds a processed response back for `ms`, then sends it; gives up when the client hangs up
 * or the sandbox closes (`pending` lets close() cancel it).
 */
export function withhold(
  res: ServerResponse,
  response: SandboxResponse,
  ms: number,
  pending: Set<NodeJS.Timeout>,
  send: (res: ServerResponse, response: SandboxResponse) => void,
): void {
  const timer = setTimeout(() => {
    pending.delete(timer);
    if (!res.destroyed) send(res, response);
  }, ms);
  pending.add(timer);
  res.on('close', () => {
    clearTimeout(timer);
    pending.delete(timer);
  });
}
