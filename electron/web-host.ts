/**
 * Browser mode: serves the built renderer and the Desk contract over loopback HTTP + Server-Sent
 * Events, so the same console runs in a browser tab (and is tested in Chromium here).
 *
 * Guarded like a local service must be (DESIGN.md "Security"):
 * - binds 127.0.0.1 only;
 * - a per-launch secret: the printed URL carries it once (`/open?key=…`), the host answers with
 *   an HttpOnly SameSite=Strict cookie, and every other request must carry that cookie;
 * - `Host` must be this host's own loopback name and port (no DNS rebinding);
 * - `Origin`, when sent, must be this host's own origin, and every POST must send it (no CSRF).
 * Plain Node: no Electron here.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { isMethodName, type EventEnvelope, type Result } from './common/contract.ts';
import { cspHeader } from './core/shell-policy.ts';

export interface WebHostDesk {
  dispatch(name: import('./common/contract.ts').MethodName, input: unknown): Promise<Result<unknown>>;
  onEvent(listener: (envelope: EventEnvelope) => void): () => void;
}

export interface WebHostOptions {
  desk: WebHostDesk;
  /** Folder of the built renderer (index.html + assets). */
  staticDir: string;
  port?: number;
  /** Fixed secret for tests; a fresh random one otherwise. */
  secret?: string;
}

export interface RunningWebHost {
  /** The URL to open: it carries the secret once, then a cookie does. */
  openUrl: string;
  origin: string;
  port: number;
  cookieName: string;
  close(): Promise<void>;
}

const MAX_BODY_BYTES = 2 * 1024 * 1024;
const HEARTBEAT_MS = 15_000;

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

export async function startWebHost(options: WebHostOptions): Promise<RunningWebHost> {
  const secret = options.secret ?? randomBytes(32).toString('base64url');
  const staticDir = path.resolve(options.staticDir);
  const streams = new Set<ServerResponse>();
  let port = 0;
  let cookieName = 'billpro_desk';

  const allowedHosts = () => new Set([`127.0.0.1:${port}`, `localhost:${port}`]);
  const allowedOrigins = () => new Set([`http://127.0.0.1:${port}`, `http://localhost:${port}`]);

  const server = http.createServer((req, res) => {
    void handle(req, res).catch(() => {
      if (!res.headersSent) sendJson(res, 500, { error: 'Internal error' });
      else res.destroy();
    });
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    res.setHeader('X-Content-Type-Options', 'nosniff');
    res.setHeader('Referrer-Policy', 'no-referrer');
    res.setHeader('Cache-Control', 'no-store');

    if (!allowedHosts().has(req.headers.host ?? '')) {
      return sendText(res, 421, 'Refused: this address is not the Desk web host (Host header mismatch).');
    }
    const origin = req.headers.origin;
    if (origin !== undefined && !allowedOrigins().has(origin)) {
      return sendText(res, 403, 'Refused: requests from other sites are not allowed.');
    }
    const url = new URL(req.url ?? '/', `http://127.0.0.1:${port}`);

    if (req.method === 'GET' && url.pathname === '/open') {
      if (!sameSecret(url.searchParams.get('key'), secret)) {
        return sendText(res, 403, 'Refused: that link is not valid for this launch. Use the URL `npm run web` printed.');
      }
      res.setHeader('Set-Cookie', `${cookieName}=${secret}; HttpOnly; SameSite=Strict; Path=/`);
      res.writeHead(303, { Location: '/' });
      res.end();
      return;
    }

    if (!sameSecret(readCookie(req, cookieName), secret)) {
      return sendText(
        res,
        401,
        'Refused: open the Desk with the URL that `npm run web` printed (it carries this launch’s key).',
      );
    }

    if (url.pathname.startsWith('/rpc/')) {
      if (req.method !== 'POST') return sendText(res, 405, 'Use POST.');
      if (origin === undefined) return sendText(res, 403, 'Refused: a call must come from the Desk page.');
      if (!(req.headers['content-type'] ?? '').startsWith('application/json')) {
        return sendText(res, 415, 'Send JSON.');
      }
      const name = decodeURIComponent(url.pathname.slice('/rpc/'.length));
      if (!isMethodName(name)) return sendJson(res, 404, { error: 'Unknown method' });
      let input: unknown;
      try {
        input = JSON.parse(await readBody(req));
      } catch {
        return sendJson(res, 400, {
          ok: false,
          error: { code: 'BAD_INPUT', message: 'The request body is not valid JSON.' },
        });
      }
      const result = await options.desk.dispatch(name, input);
      return sendJson(res, 200, result);
    }

    if (url.pathname === '/events') {
      if (req.method !== 'GET') return sendText(res, 405, 'Use GET.');
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

    if (req.method !== 'GET' && req.method !== 'HEAD') return sendText(res, 405, 'Method not allowed.');
    return serveStatic(url.pathname, res);
  }

  async function serveStatic(pathname: string, res: ServerResponse): Promise<void> {
    let relative: string;
    try {
      relative = decodeURIComponent(pathname);
    } catch {
      return sendText(res, 400, 'Bad path.');
    }
    let file = path.resolve(staticDir, '.' + path.posix.normalize('/' + relative));
    if (file !== staticDir && !file.startsWith(staticDir + path.sep)) return sendText(res, 404, 'Not found.');
    let info = await stat(file).catch(() => null);
    if (!info || info.isDirectory()) {
      // The console is a single page: unknown paths get the app shell.
      file = path.join(staticDir, 'index.html');
      info = await stat(file).catch(() => null);
      if (!info) {
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
  // Cookies are not scoped by port: name ours per port so two hosts never read each other's.
  cookieName = `billpro_desk_${port}`;
  const origin = `http://127.0.0.1:${port}`;

  return {
    openUrl: `${origin}/open?key=${encodeURIComponent(secret)}`,
    origin,
    port,
    cookieName,
    close: async () => {
      unsubscribe();
      for (const stream of streams) stream.end();
      streams.clear();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

function sameSecret(candidate: string | null | undefined, secret: string): boolean {
  if (!candidate) return false;
  const a = Buffer.from(candidate);
  const b = Buffer.from(secret);
  return a.length === b.length && timingSafeEqual(a, b);
}

function readCookie(req: IncomingMessage, name: string): string | null {
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const [key, ...rest] = part.trim().split('=');
    if (key === name) return rest.join('=');
  }
  return null;
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        reject(new Error('body too large'));
        req.destroy();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8', 'Content-Length': Buffer.byteLength(text) });
  res.end(text);
}

function sendText(res: ServerResponse, status: number, text: string): void {
  res.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8', 'Content-Length': Buffer.byteLength(text) });
  res.end(text);
}
