/**
 * Browser mode: serves the built renderer and the Desk contract over loopback HTTP + Server-Sent
 * Events, so the same console runs in a browser tab (and is tested in Chromium here).
 *
 * Guarded like a local service must be (docs/architecture.md "Security"):
 * - binds 127.0.0.1 only, and answers only to a per-launch random host name
 *   `<26 random base32 chars>.localhost` (browsers resolve `*.localhost` to loopback themselves).
 *   Cookies are kept per host name, not per port, so no other local server — whatever its port —
 *   is ever sent this host's cookie, and no page can name this host without knowing the name;
 * - the printed URL carries a per-launch key once (`/open?key=…`); the key works once only and
 *   is exchanged for a different session secret in an HttpOnly, SameSite=Strict, host-only cookie;
 * - `Host` must be that host name and port exactly (no DNS rebinding);
 * - `Origin`, when sent, must be this host's own origin, and every POST must send it (no CSRF);
 * - bounded: 413 on an announced or streamed body over the limit (never read past it), refusals
 *   close the connection without reading the body, header and request timeouts, a connection cap,
 *   static files only from inside the build folder after resolving symlinks.
 * Plain Node: no Electron here.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { realpath, stat } from 'node:fs/promises';
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { isMethodName, type EventEnvelope, type Result } from './common/contract.ts';
import {
  isStreamName,
  STREAM_PREFIX,
  STREAM_ROWS_HEADER,
  streamStatusOf,
  type StreamName,
  type StreamOpening,
} from './common/streams.ts';
import { cspHeader } from './core/shell-policy.ts';

export interface WebHostDesk {
  dispatch(name: import('./common/contract.ts').MethodName, input: unknown): Promise<Result<unknown>>;
  /** Streamed answers (common/streams.ts); without it `/stream/*` is not served. */
  openStream?(name: StreamName, input: unknown, signal?: AbortSignal): Promise<StreamOpening>;
  onEvent(listener: (envelope: EventEnvelope) => void): () => void;
}

export interface WebHostLimits {
  /** Largest request body accepted, in bytes. */
  maxBodyBytes: number;
  /** Time allowed to receive the request headers. */
  headersTimeoutMs: number;
  /** Time allowed to receive the whole request (headers and body). */
  requestTimeoutMs: number;
  /** Open connections at once; more are closed on arrival. */
  maxConnections: number;
}

export const DEFAULT_WEB_HOST_LIMITS: WebHostLimits = {
  maxBodyBytes: 2 * 1024 * 1024,
  headersTimeoutMs: 10_000,
  requestTimeoutMs: 30_000,
  maxConnections: 64,
};

export interface WebHostOptions {
  desk: WebHostDesk;
  /** Folder of the built renderer (index.html + assets). */
  staticDir: string;
  port?: number;
  /** Fixed `/open` key for tests; a fresh random one otherwise. */
  secret?: string;
  /** Fixed host name for tests (must end in `.localhost`); a fresh random one otherwise. */
  hostName?: string;
  limits?: Partial<WebHostLimits>;
}

export interface RunningWebHost {
  /** The URL to open: it carries the one-time key, then a session cookie does. */
  openUrl: string;
  origin: string;
  /** `<random>.localhost`: the only name this host answers to. */
  hostName: string;
  port: number;
  cookieName: string;
  close(): Promise<void>;
}

const HEARTBEAT_MS = 15_000;
const COOKIE_NAME = 'billpro_desk_session';

/** A DNS label of 26 base32 characters: 130 random bits, lower case (host names are case-blind). */
export function randomHostName(): string {
  const alphabet = 'abcdefghijklmnopqrstuvwxyz234567';
  const bytes = randomBytes(26);
  let label = '';
  for (const byte of bytes) label += alphabet[byte & 31];
  return `${label}.localhost`;
}

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json',
  '.woff2': 'font/woff2',
  '.map': 'application/json',
};

class BodyTooLarge extends Error {}

export async function startWebHost(options: WebHostOptions): Promise<RunningWebHost> {
  const limits: WebHostLimits = { ...DEFAULT_WEB_HOST_LIMITS, ...options.limits };
  const key = options.secret ?? randomBytes(32).toString('base64url');
  // The session secret is never the key: the key travels in a URL (history, terminal), this never does.
  const session = randomBytes(32).toString('base64url');
  let keyUsed = false;
  const hostName = (options.hostName ?? randomHostName()).toLowerCase();
  if (!hostName.endsWith('.localhost')) throw new Error('The web host name must end in .localhost');
  const staticDir = path.resolve(options.staticDir);
  const realStaticDir = await realpath(staticDir).catch(() => staticDir);
  const streams = new Set<ServerResponse>();
  let port = 0;

  const ownHost = () => `${hostName}:${port}`;
  const ownOrigin = () => `http://${hostName}:${port}`;

  const server = http.createServer(
    {
      headersTimeout: limits.headersTimeoutMs,
      requestTimeout: limits.requestTimeoutMs,
      // How often Node checks the two timeouts above; its default (30 s) would outlive them.
      connectionsCheckingInterval: Math.max(50, Math.min(1_000, Math.floor(limits.headersTimeoutMs / 4))),
    },
    (req, res) => {
      void handle(req, res).catch(() => {
        if (!res.headersSent) sendJson(res, 500, { ok: false, error: { code: 'SERVER', message: 'The Desk web host failed.' } }, true);
        else res.destroy();
      });
    },
  );
  server.maxConnections = limits.maxConnections;
  server.keepAliveTimeout = 5_000;

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    res.setHeader('X-Content-Type-Options', 'nosniff');
    res.setHeader('Referrer-Policy', 'no-referrer');
    res.setHeader('Cache-Control', 'no-store');

    if ((req.headers.host ?? '').toLowerCase() !== ownHost()) {
      return refuse(req, res, 421, PAGES.wrongHost(port));
    }
    const origin = req.headers.origin;
    if (origin !== undefined && origin !== ownOrigin()) {
      return refuse(req, res, 403, PAGES.foreignOrigin);
    }
    const url = new URL(req.url ?? '/', ownOrigin());
    const signedIn = sameSecret(readCookie(req, COOKIE_NAME), session);

    if (req.method === 'GET' && url.pathname === '/open') {
      if (!keyUsed && sameSecret(url.searchParams.get('key'), key)) {
        keyUsed = true;
        res.setHeader('Set-Cookie', `${COOKIE_NAME}=${session}; HttpOnly; SameSite=Strict; Path=/`);
      } else if (!signedIn) {
        return refuse(req, res, 403, keyUsed ? PAGES.keyUsed : PAGES.wrongKey);
      }
      // Signed in already (the printed URL opened again in the same browser): just go in.
      res.writeHead(303, { Location: '/' });
      res.end();
      return;
    }

    if (!signedIn) return refuse(req, res, 401, PAGES.notSignedIn);

    if (url.pathname.startsWith('/rpc/')) {
      const call = await readCall(req, res, url, '/rpc/', origin, isMethodName);
      if (!call) return;
      const started = performance.now();
      const result = await options.desk.dispatch(call.name, call.input);
      // The Desk's share of the round trip, for the page's resource timing (the bench's phases).
      const desk = (performance.now() - started).toFixed(1);
      return sendJson(res, 200, result, false, { 'Server-Timing': `desk;dur=${desk}` });
    }

    if (url.pathname.startsWith(`/${STREAM_PREFIX}`) && options.desk.openStream) {
      const call = await readCall(req, res, url, `/${STREAM_PREFIX}`, origin, isStreamName);
      if (!call) return;
      return sendStream(res, options.desk.openStream.bind(options.desk), call.name, call.input);
    }

    if (url.pathname === '/events') {
      if (req.method !== 'GET') return refuse(req, res, 405, PAGES.text('Use GET.'));
      res.writeHead(200, {
        'Content-Type': 'text/event-stream; charset=utf-8',
        'Cache-Control': 'no-store',
        Connection: 'keep-alive',
      });
      res.write(': connected\n\n');
      streams.add(res);
      const beat = setInterval(() => res.write(': heartbeat\n\n'), HEARTBEAT_MS);
      beat.unref();
      req.on('close', () => {
        clearInterval(beat);
        streams.delete(res);
      });
      return;
    }

    if (req.method !== 'GET' && req.method !== 'HEAD') return refuse(req, res, 405, PAGES.text('Method not allowed.'));
    return serveStatic(url.pathname, res);
  }

  /**
   * The guards every call to the Desk passes (`/rpc/*` and `/stream/*` alike): POST only, from this
   * host's own page (an Origin is required), JSON, within the body limit, a known name, JSON that
   * parses. Answers the refusal itself and gives null, or the name and the raw input (the Desk
   * validates it with the contract's schema).
   */
  async function readCall<N extends string>(
    req: IncomingMessage,
    res: ServerResponse,
    url: URL,
    prefix: string,
    origin: string | undefined,
    known: (name: string) => name is N,
  ): Promise<{ name: N; input: unknown } | null> {
    const refused = (answer: () => void) => {
      answer();
      return null;
    };
    if (req.method !== 'POST') return refused(() => refuse(req, res, 405, PAGES.text('Use POST.')));
    if (origin === undefined) {
      return refused(() => refuse(req, res, 403, PAGES.text('Refused: a call must come from the Desk page.')));
    }
    if (!(req.headers['content-type'] ?? '').startsWith('application/json')) {
      return refused(() => refuse(req, res, 415, PAGES.text('Send JSON.')));
    }
    const declared = Number(req.headers['content-length'] ?? 0);
    if (declared > limits.maxBodyBytes) return refused(() => tooLarge(res));
    let name: string;
    try {
      name = decodeURIComponent(url.pathname.slice(prefix.length));
    } catch {
      return refused(() => unknownName(res));
    }
    if (!known(name)) return refused(() => unknownName(res));
    let text: string;
    try {
      text = await readBody(req, limits.maxBodyBytes);
    } catch (error) {
      if (error instanceof BodyTooLarge) return refused(() => tooLarge(res));
      throw error;
    }
    try {
      return { name, input: JSON.parse(text) as unknown };
    } catch {
      return refused(() =>
        sendJson(res, 400, { ok: false, error: { code: 'BAD_INPUT', message: 'The request body is not valid JSON.' } }),
      );
    }
  }

  function unknownName(res: ServerResponse): void {
    sendJson(res, 404, { ok: false, error: { code: 'BAD_INPUT', message: 'Unknown Desk method.' } }, true);
  }

  function tooLarge(res: ServerResponse): void {
    sendJson(
      res,
      413,
      { ok: false, error: { code: 'BAD_INPUT', message: 'The request is too large for the Desk web host.' } },
      true,
    );
  }

  async function serveStatic(pathname: string, res: ServerResponse): Promise<void> {
    let relative: string;
    try {
      relative = decodeURIComponent(pathname);
    } catch {
      return sendText(res, 400, 'Bad path.');
    }
    let file = await contained(path.resolve(staticDir, '.' + path.posix.normalize('/' + relative)));
    let info = file ? await stat(file).catch(() => null) : null;
    if (!file || !info || info.isDirectory()) {
      // The console is a single page: unknown paths get the app shell.
      file = await contained(path.join(staticDir, 'index.html'));
      info = file ? await stat(file).catch(() => null) : null;
      if (!file || !info) {
        return sendText(res, 503, 'The console is not built yet: run `npm run build:renderer`, then reload.');
      }
    }
    const type = CONTENT_TYPES[path.extname(file)] ?? 'application/octet-stream';
    const headers: Record<string, string | number> = { 'Content-Type': type, 'Content-Length': info.size };
    if (type.startsWith('text/html')) headers['Content-Security-Policy'] = cspHeader();
    if (file.includes(`${path.sep}assets${path.sep}`)) headers['Cache-Control'] = 'private, max-age=31536000, immutable';
    res.writeHead(200, headers);
    createReadStream(file).pipe(res);
  }

  /** The file's real path if it (after every symlink) lies inside the build folder; else null. */
  async function contained(file: string): Promise<string | null> {
    const real = await realpath(file).catch(() => null);
    if (!real) return null;
    return real === realStaticDir || real.startsWith(realStaticDir + path.sep) ? real : null;
  }

  const unsubscribe = options.desk.onEvent((envelope) => {
    const frame = `data: ${JSON.stringify(envelope)}\n\n`;
    for (const stream of streams) stream.write(frame);
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  port = (server.address() as AddressInfo).port;
  const origin = ownOrigin();

  return {
    openUrl: `${origin}/open?key=${encodeURIComponent(key)}`,
    origin,
    hostName,
    port,
    cookieName: COOKIE_NAME,
    close: async () => {
      unsubscribe();
      for (const stream of streams) stream.end();
      streams.clear();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

// ---------------------------------------------------------------- refusals

interface Refusal {
  title: string;
  /** Plain sentences; the HTML page shows each as a paragraph. */
  lines: string[];
}

const PAGES = {
  wrongHost: (port: number): Refusal => ({
    title: 'This tab is not connected to the running Desk',
    lines: [
      `The address in this tab belongs to an earlier launch of the Desk web host (or is not its address): each launch answers only at the new address it prints, on port ${port} now.`,
      'Open the URL that `npm run web` printed in its terminal ("Open: http://….localhost:…/open?key=…"). If that terminal is closed, run `npm run web` again and open the URL it prints.',
      'Nothing was lost: changes waiting to sync are kept on this computer.',
    ],
  }),
  foreignOrigin: { title: 'Refused', lines: ['Requests from other sites are not allowed.'] } as Refusal,
  notSignedIn: {
    title: 'This tab is not signed in to the Desk',
    lines: [
      'Open the URL that `npm run web` printed in its terminal (it carries this launch’s key). If the web host was restarted, use the new URL it printed; if its terminal is closed, run `npm run web` again.',
    ],
  } as Refusal,
  wrongKey: {
    title: 'That link is not valid for this launch',
    lines: ['Use the URL `npm run web` printed most recently; each launch prints a new one.'],
  } as Refusal,
  keyUsed: {
    title: 'That link was already used',
    lines: [
      'A Desk link opens the Desk once. Go back to the tab where the Desk is open, or stop `npm run web` and run it again for a new link.',
    ],
  } as Refusal,
  text: (line: string): Refusal => ({ title: 'Refused', lines: [line] }),
};

/**
 * A refusal: an HTML page for a browser navigation (it says what happened and what to do), plain
 * text otherwise. The connection is closed after it, so a body the client still sends is not read.
 */
function refuse(req: IncomingMessage, res: ServerResponse, status: number, refusal: Refusal): void {
  const wantsHtml = req.method === 'GET' && (req.headers.accept ?? '').includes('text/html');
  if (!wantsHtml) return sendText(res, status, `${refusal.title}. ${refusal.lines.join(' ')}`, true);
  const paragraphs = refusal.lines.map((l) => `<p>${escapeHtml(l)}</p>`).join('\n');
  const html = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>BillPro Desk: ${escapeHtml(refusal.title)}</title>
<style>body{font:16px/1.5 system-ui,sans-serif;max-width:40rem;margin:4rem auto;padding:0 1rem;color:#1b1f24;background:#fff}code{background:#eef1f4;padding:0 .25em}@media (prefers-color-scheme:dark){body{color:#e6e9ec;background:#15181b}code{background:#2a2f35}}</style>
</head><body><main><h1>${escapeHtml(refusal.title)}</h1>
${paragraphs.replace(/`([^`]+)`/g, '<code>$1</code>')}
</main></body></html>`;
  res.writeHead(status, {
    'Content-Type': 'text/html; charset=utf-8',
    'Content-Length': Buffer.byteLength(html),
    'Content-Security-Policy': "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
    Connection: 'close',
  });
  res.end(html);
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function sameSecret(candidate: string | null | undefined, secret: string): boolean {
  if (!candidate) return false;
  const a = Buffer.from(candidate);
  const b = Buffer.from(secret);
  return a.length === b.length && timingSafeEqual(a, b);
}

function readCookie(req: IncomingMessage, name: string): string | null {
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const [cookieKey, ...rest] = part.trim().split('=');
    if (cookieKey === name) return rest.join('=');
  }
  return null;
}

/** The body as text; rejects with BodyTooLarge (and stops reading) past `max` bytes. */
function readBody(req: IncomingMessage, max: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > max) {
        req.off('data', onData);
        req.pause();
        reject(new BodyTooLarge());
        return;
      }
      chunks.push(chunk);
    };
    req.on('data', onData);
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

/**
 * A streamed answer: refused → the contract's error as JSON with its status; else the text as the
 * Desk builds it, written with backpressure (over a megabyte queued waits for 'drain', so a slow
 * reader slows the export instead of filling the memory). The client going away aborts the
 * export (its snapshot is dropped); a failure after the first byte cuts the connection.
 */
async function sendStream(
  res: ServerResponse,
  open: (name: StreamName, input: unknown, signal?: AbortSignal) => Promise<StreamOpening>,
  name: StreamName,
  input: unknown,
): Promise<void> {
  const abort = new AbortController();
  const gone = () => abort.abort();
  res.on('close', gone);
  try {
    const opened = await open(name, input, abort.signal);
    if (!opened.ok) return sendJson(res, streamStatusOf(opened.error.code), opened);
    if (abort.signal.aborted) return await opened.close();
    res.writeHead(200, { 'Content-Type': 'text/csv; charset=utf-8', [STREAM_ROWS_HEADER]: String(opened.rows) });
    try {
      for await (const chunk of opened.chunks) {
        if (abort.signal.aborted) break;
        res.write(chunk);
        // Node's own mark (16 KB) is below one piece (~60 KB): waiting on it would stop the Desk
        // after every piece until the page read it. Up to a megabyte queued keeps both busy.
        if (res.writableLength > STREAM_QUEUE_BYTES) await drained(res, abort.signal);
      }
    } catch {
      // Logged by the Desk; the page sees the connection cut before the end.
      res.destroy();
      return;
    }
    if (abort.signal.aborted) res.destroy();
    else res.end();
  } finally {
    res.off('close', gone);
  }
}

/** How much answer text may wait for the socket before the Desk is held (backpressure). */
const STREAM_QUEUE_BYTES = 1024 * 1024;

/** Resolves on 'drain', or at once when the client is gone. */
function drained(res: ServerResponse, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      res.off('drain', done);
      signal.removeEventListener('abort', done);
      resolve();
    };
    res.on('drain', done);
    signal.addEventListener('abort', done);
  });
}

function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  close = false,
  extra: Record<string, string> = {},
): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'Content-Type': 'application/json; charset=utf-8',
    'Content-Length': Buffer.byteLength(text),
    ...(close ? { Connection: 'close' } : {}),
    ...extra,
  });
  res.end(text);
}

function sendText(res: ServerResponse, status: number, text: string, close = false): void {
  res.writeHead(status, {
    'Content-Type': 'text/plain; charset=utf-8',
    'Content-Length': Buffer.byteLength(text),
    ...(close ? { Connection: 'close' } : {}),
  });
  res.end(text);
}
