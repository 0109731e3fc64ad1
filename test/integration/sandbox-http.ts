/**
 * Test helper for the sandbox's own tests: raw HTTP calls (fetch over loopback, no client
 * library in between) so each test sees exactly the statuses, headers and bodies the sandbox
 * sends.
 */
import type { RunningSandbox } from '../../electron/sandbox/server.ts';

export interface RawResponse {
  status: number;
  headers: Headers;
  text: string;
  /** The parsed body, or undefined when it is not JSON. */
  json: unknown;
}

export interface CallOptions {
  /** Index of the sandbox token to send; null sends no Authorization header. */
  token?: number | null;
  /** A literal Authorization header, overriding `token`. */
  authorization?: string;
  profileId?: number;
  body?: unknown;
  signal?: AbortSignal;
}

export class SandboxHttp {
  constructor(readonly sandbox: RunningSandbox) {}

  token(index: number): string {
    const entry = this.sandbox.tokens[index];
    if (!entry) throw new Error(`the sandbox has no token ${index}`);
    return entry.token;
  }

  private headers(options: CallOptions): Record<string, string> {
    const headers: Record<string, string> = { accept: 'application/json' };
    const index = options.token === undefined ? 0 : options.token;
    if (options.authorization !== undefined) headers.authorization = options.authorization;
    else if (index !== null) headers.authorization = `Bearer ${this.token(index)}`;
    if (options.body !== undefined) headers['content-type'] = 'application/json';
    return headers;
  }

  async api(method: string, path: string, options: CallOptions = {}): Promise<RawResponse> {
    const url = new URL(`${this.sandbox.baseUrl}${path}`);
    if (options.profileId !== undefined) url.searchParams.set('profile_id', String(options.profileId));
    return this.raw(method, url.toString(), options);
  }

  async raw(method: string, url: string, options: CallOptions = {}): Promise<RawResponse> {
    const response = await fetch(url, {
      method,
      headers: this.headers(options),
      ...(options.body === undefined ? {} : { body: JSON.stringify(options.body) }),
      ...(options.signal ? { signal: options.signal } : {}),
    });
    const text = await response.text();
    let json: unknown;
    try {
      json = text ? (JSON.parse(text) as unknown) : undefined;
    } catch {
      json = undefined;
    }
    return { status: response.status, headers: response.headers, text, json };
  }

  /** A successful API call's body; fails the test with the status and body otherwise. */
  async ok<T = unknown>(method: string, path: string, options: CallOptions = {}): Promise<T> {
    const response = await this.api(method, path, options);
    if (response.status !== 200) throw new Error(`${method} ${path} → ${response.status} ${response.text}`);
    return response.json as T;
  }

  async control<T = unknown>(method: string, path: string, body?: unknown): Promise<T> {
    const response = await this.raw(
      method,
      `${this.sandbox.controlUrl}${path}`,
      body === undefined ? {} : { body },
    );
    if (response.status !== 200)
      throw new Error(`control ${method} ${path} → ${response.status} ${response.text}`);
    return response.json as T;
  }
}

/** The JSON "shape" of a value: its keys and the type of each, recursively. */
export function shapeOf(value: unknown): unknown {
  if (value === null) return 'null';
  if (Array.isArray(value)) return value.length === 0 ? [] : [shapeOf(value[0])];
  if (typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value as Record<string, unknown>).map(([k, v]) => [k, shapeOf(v)]),
    );
  }
  return typeof value;
}
