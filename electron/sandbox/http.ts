/**
 * HTTP plumbing shared by the API, the control endpoints and the payment page: a response is a
 * plain value (status, headers, body text) so faults can delay, truncate or drop it after the
 * request has been processed.
 */
import type { IncomingMessage } from 'node:http';

export interface SandboxResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}

export function jsonResponse(
  status: number,
  value: unknown,
  headers: Record<string, string> = {},
): SandboxResponse {
  return {
    status,
    headers: { 'content-type': 'application/json; charset=utf-8', ...headers },
    body: JSON.stringify(value),
  };
}

export function htmlResponse(status: number, html: string): SandboxResponse {
  return { status, headers: { 'content-type': 'text/html; charset=utf-8' }, body: html };
}

/** A request the sandbox refuses, with the exact status and body BillPro would send. */
export class HttpError extends Error {
  readonly status: number;
  readonly body: unknown;

  constructor(status: number, body: unknown) {
    super(`HTTP ${status}`);
    this.name = 'HttpError';
    this.status = status;
    this.body = body;
  }

  toResponse(): SandboxResponse {
    return jsonResponse(this.status, this.body);
  }
}

/** `{"error": message}` — the sandbox's body for every error that is not a field error. */
export function httpError(status: number, message: string): HttpError {
  return new HttpError(status, { error: message });
}

/** 422 with BillPro's per-field body, e.g. `{"phone":["is invalid"]}`. */
export function fieldErrors(fields: Record<string, string[]>): HttpError {
  return new HttpError(422, fields);
}

const MAX_BODY_BYTES = 1_000_000;

export async function readBody(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    const buffer = chunk as Buffer;
    size += buffer.length;
    if (size > MAX_BODY_BYTES) throw httpError(413, 'Request body too large');
    chunks.push(buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

export type JsonObject = Record<string, unknown>;

export function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** An empty body reads as `{}`: the validation then names the missing fields. */
export function parseJsonObject(text: string): JsonObject {
  if (text.trim() === '') return {};
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw httpError(400, 'Malformed JSON in request body');
  }
  if (!isObject(value)) throw httpError(400, 'Request body must be a JSON object');
  return value;
}

/**
 * BillPro wraps bodies in a root key (`{"order": {…}}`); like Rails' wrap_parameters the
 * sandbox also takes the bare object.
 */
export function unwrapRoot(body: JsonObject, root: string): JsonObject {
  const wrapped = body[root];
  return isObject(wrapped) ? wrapped : body;
}
