/**
 * `POST /stream/<name>` on the browser-mode web host: the Desk's pieces arrive byte for byte in
 * order, behind the same guards as `/rpc/*` (session cookie, own Origin and Host, JSON, a known
 * name), refusals as the contract's error with a status for its code, a slow reader holds the
 * export back (backpressure) and a reader that goes away stops it. Real HTTP on loopback.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { EventEnvelope, MethodName, Result } from '../../electron/common/contract.ts';
import { CsvRecordCounter, STREAM_ROWS_HEADER, type StreamName, type StreamOpening } from '../../electron/common/streams.ts';
import { startWebHost, type RunningWebHost } from '../../electron/web-host.ts';

const PIECES = ['Order ID,Customer\r\n', '1,"Ann ""A"" Lee"\r\n2,Bo\r\n', '3,"multi\r\nline"\r\n', '4,Dé\r\n'];

interface Script {
  /** How many pieces the Desk has been asked for, and whether it was stopped (snapshot dropped). */
  pulled: number;
  stopped: boolean;
  signal: AbortSignal | null;
}
const script: Script = { pulled: 0, stopped: false, signal: null };
let mode: 'pieces' | 'endless' | 'refuse' | 'fail-midway' = 'pieces';
const opened: { name: StreamName; input: unknown }[] = [];

const desk = {
  async dispatch(_name: MethodName, input: unknown): Promise<Result<unknown>> {
    return { ok: true, value: { echoed: input } };
  },
  onEvent(_listener: (e: EventEnvelope) => void) {
    return () => undefined;
  },
  async openStream(name: StreamName, input: unknown, signal?: AbortSignal): Promise<StreamOpening> {
    opened.push({ name, input });
    script.pulled = 0;
    script.stopped = false;
    script.signal = signal ?? null;
    if (mode === 'refuse') return { ok: false, error: { code: 'BAD_INPUT', message: 'Some values are missing or not valid.', fields: { columns: ['Required'] } } };
    const current = mode;
    async function* chunks(): AsyncGenerator<string, void, undefined> {
      try {
        if (current === 'endless') {
          const big = 'x'.repeat(64 * 1024 - 2) + '\r\n';
          for (;;) {
            script.pulled++;
            await new Promise((resolve) => setImmediate(resolve));
            yield big;
          }
        }
        for (const [i, piece] of PIECES.entries()) {
          script.pulled++;
          if (current === 'fail-midway' && i === 2) throw new Error('the cache closed');
          yield piece;
        }
      } finally {
        script.stopped = true;
      }
    }
    return { ok: true, rows: current === 'endless' ? 1_000_000 : 4, chunks: chunks(), close: async () => void (script.stopped = true) };
  },
};

let host: RunningWebHost;
let staticDir: string;
let cookie: string;

function request(options: {
  method?: string;
  path: string;
  headers?: Record<string, string>;
  body?: string;
}): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: string; aborted: boolean }> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      { host: '127.0.0.1', port: host.port, method: options.method ?? 'POST', path: options.path, headers: options.headers },
      (res) => {
        const parts: Buffer[] = [];
        let aborted = false;
        res.on('data', (c: Buffer) => parts.push(c));
        res.on('aborted', () => (aborted = true));
        res.on('error', () => (aborted = true));
        res.on('close', () =>
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(parts).toString('utf8'), aborted: aborted || !res.complete }),
        );
      },
    );
    req.on('error', reject);
    req.end(options.body);
  });
}

const ownHost = () => `${host.hostName}:${host.port}`;
const page = () => ({
  Host: ownHost(),
  Origin: `http://${ownHost()}`,
  Cookie: cookie,
  'Content-Type': 'application/json',
});
const INPUT = JSON.stringify({ profileId: 'p1', columns: ['order_id', 'customer_name'] });

beforeAll(async () => {
  staticDir = mkdtempSync(path.join(os.tmpdir(), 'desk-static-'));
  writeFileSync(path.join(staticDir, 'index.html'), '<!doctype html><title>Desk</title>');
  host = await startWebHost({ desk, staticDir, secret: 'stream-secret' });
  const res = await new Promise<http.IncomingMessage>((resolve) =>
    http.get({ host: '127.0.0.1', port: host.port, path: '/open?key=stream-secret', headers: { Host: ownHost() } }, resolve),
  );
  res.resume();
  cookie = (res.headers['set-cookie']?.[0] ?? '').split(';')[0]!;
  expect(cookie).toContain(host.cookieName);
});

afterAll(async () => {
  await host.close();
  rmSync(staticDir, { recursive: true, force: true });
});

describe('web host: /stream/orders.exportCsv', () => {
  it('answers the Desk pieces byte for byte, in order, with the row count first', async () => {
    mode = 'pieces';
    opened.length = 0;
    const res = await request({ path: '/stream/orders.exportCsv', headers: page(), body: INPUT });
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(res.headers[STREAM_ROWS_HEADER]).toBe('4');
    expect(res.body).toBe(PIECES.join(''));
    expect(res.aborted).toBe(false);
    expect(opened).toEqual([{ name: 'orders.exportCsv', input: JSON.parse(INPUT) }]);
    expect(script.stopped).toBe(true);
    // The page counts the rows from the text, whatever the piece boundaries.
    const counter = new CsvRecordCounter();
    for (const c of res.body) counter.push(c);
    expect(counter.records - 1).toBe(4);
  });

  it('refuses without the session cookie, from another origin, without an Origin, or on a foreign Host', async () => {
    mode = 'pieces';
    opened.length = 0;
    const { Cookie: _c, ...noCookie } = page();
    expect((await request({ path: '/stream/orders.exportCsv', headers: noCookie, body: INPUT })).status).toBe(401);
    const foreign = { ...page(), Origin: 'http://evil.localhost:1234' };
    expect((await request({ path: '/stream/orders.exportCsv', headers: foreign, body: INPUT })).status).toBe(403);
    const { Origin: _o, ...noOrigin } = page();
    expect((await request({ path: '/stream/orders.exportCsv', headers: noOrigin, body: INPUT })).status).toBe(403);
    const rebound = { ...page(), Host: `127.0.0.1:${host.port}` };
    expect((await request({ path: '/stream/orders.exportCsv', headers: rebound, body: INPUT })).status).toBe(421);
    expect((await request({ method: 'GET', path: '/stream/orders.exportCsv', headers: page() })).status).toBe(405);
    const text = { ...page(), 'Content-Type': 'text/plain' };
    expect((await request({ path: '/stream/orders.exportCsv', headers: text, body: INPUT })).status).toBe(415);
    expect((await request({ path: '/stream/orders.list', headers: page(), body: INPUT })).status).toBe(404);
    expect((await request({ path: '/stream/orders.exportCsv', headers: page(), body: '{nope' })).status).toBe(400);
    expect(opened).toEqual([]);
  });

  it("answers a refusal as the contract's error with its status, and no token or cookie in it", async () => {
    mode = 'refuse';
    const res = await request({ path: '/stream/orders.exportCsv', headers: page(), body: '{}' });
    expect(res.status).toBe(400);
    expect(JSON.parse(res.body)).toEqual({
      ok: false,
      error: { code: 'BAD_INPUT', message: 'Some values are missing or not valid.', fields: { columns: ['Required'] } },
    });
    expect(res.body).not.toContain(cookie.split('=')[1]!);
  });

  it('cuts the response when the export fails after the first byte (the page never sees a complete file)', async () => {
    mode = 'fail-midway';
    // Either the connection is cut before the head arrives, or the body stops short: never a clean end.
    const res = await request({ path: '/stream/orders.exportCsv', headers: page(), body: INPUT }).catch(
      (error: Error) => error,
    );
    if (res instanceof Error) expect(res.message).toMatch(/socket hang up|ECONNRESET/);
    else {
      expect(res.aborted).toBe(true);
      expect(PIECES.join('').startsWith(res.body) && res.body !== PIECES.join('')).toBe(true);
    }
    expect(script.stopped).toBe(true);
  });

  it('asks the Desk for no more than the socket takes while the reader is not reading, and stops when it goes away', async () => {
    mode = 'endless';
    const req = http.request({ host: '127.0.0.1', port: host.port, method: 'POST', path: '/stream/orders.exportCsv', headers: page() });
    const res = await new Promise<http.IncomingMessage>((resolve) => {
      req.on('response', resolve);
      req.end(INPUT);
    });
    expect(res.headers[STREAM_ROWS_HEADER]).toBe('1000000');
    res.pause();
    // A paused reader: the Desk is held at 'drain' once the socket buffers are full (a few MB at most).
    let before = -1;
    await vi.waitFor(
      async () => {
        const now = script.pulled;
        await new Promise((resolve) => setTimeout(resolve, 100));
        expect(script.pulled).toBe(now);
        before = now;
      },
      { timeout: 10_000, interval: 50 },
    );
    expect(before).toBeGreaterThan(0);
    expect(before).toBeLessThan(200); // 200 × 64 KB = 12.8 MB: the whole export would have been pulled
    expect(script.stopped).toBe(false);
    res.destroy();
    req.destroy();
    await vi.waitFor(() => expect(script.stopped).toBe(true), { timeout: 5_000 });
    expect(script.signal?.aborted).toBe(true);
  });
});
