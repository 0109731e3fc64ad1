/**
 * Finding 6, performed over raw sockets on loopback: oversized bodies (announced and streamed,
 * signed in and not), an undecodable method name, a client that sends its headers or its body
 * too slowly, more connections than the cap, and a symlink inside the build folder.
 */
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EventEnvelope, MethodName, Result } from '../../electron/common/contract.ts';
import { startWebHost, type RunningWebHost, type WebHostLimits } from '../../electron/web-host.ts';

const MAX_BODY = 64 * 1024;
const calls: MethodName[] = [];
const desk = {
  async dispatch(name: MethodName): Promise<Result<unknown>> {
    calls.push(name);
    return { ok: true, value: {} };
  },
  onEvent(_listener: (e: EventEnvelope) => void) {
    return () => undefined;
  },
};

let root: string;
let staticDir: string;
let host: RunningWebHost;
let cookie: string;

async function start(limits: Partial<WebHostLimits>): Promise<{ host: RunningWebHost; cookie: string }> {
  const started = await startWebHost({ desk, staticDir, secret: 'edge-key-0123456789', limits: { maxBodyBytes: MAX_BODY, ...limits } });
  const opened = await new Promise<http.IncomingMessage>((resolve, reject) => {
    http
      .get({ host: '127.0.0.1', port: started.port, path: '/open?key=edge-key-0123456789', headers: { Host: `${started.hostName}:${started.port}` } }, resolve)
      .on('error', reject);
  });
  opened.resume();
  return { host: started, cookie: (opened.headers['set-cookie']?.[0] ?? '').split(';')[0]! };
}

/** What a raw socket got back, and how many body bytes it managed to write before the server hung up. */
interface RawOutcome {
  response: string;
  bodyBytesWritten: number;
  closedAfterMs: number;
}

/**
 * Send `head`, then up to `bodyBytes` of body in 16 KiB chunks, paced, until the server answers
 * and closes. A server that reads the whole body first would let all of it through.
 */
function raw(port: number, head: string, bodyBytes: number, paceMs = 5): Promise<RawOutcome> {
  return new Promise((resolve) => {
    const started = Date.now();
    const socket = net.connect(port, '127.0.0.1');
    let response = '';
    let written = 0;
    let done = false;
    const finish = () => {
      if (done) return;
      done = true;
      clearInterval(pump);
      resolve({ response, bodyBytesWritten: written, closedAfterMs: Date.now() - started });
    };
    socket.on('data', (chunk) => (response += chunk.toString('latin1')));
    socket.on('close', finish);
    socket.on('error', finish);
    socket.write(head);
    const chunk = Buffer.alloc(16 * 1024, 0x61);
    const pump = setInterval(() => {
      if (done || written >= bodyBytes || socket.destroyed) return;
      socket.write(chunk);
      written += chunk.length;
    }, paceMs);
    setTimeout(() => {
      socket.destroy();
      finish();
    }, 15_000);
  });
}

beforeAll(async () => {
  root = mkdtempSync(path.join(os.tmpdir(), 'desk-sec-edges-'));
  staticDir = path.join(root, 'renderer');
  mkdirSync(path.join(staticDir, 'assets'), { recursive: true });
  writeFileSync(path.join(staticDir, 'index.html'), '<!doctype html><title>Desk</title>');
  writeFileSync(path.join(root, 'private.txt'), 'PRIVATE-OUTSIDE-THE-BUILD');
  symlinkSync(path.join(root, 'private.txt'), path.join(staticDir, 'assets', 'linked.txt'));
  symlinkSync(root, path.join(staticDir, 'assets', 'up'));
  ({ host, cookie } = await start({}));
});

afterAll(async () => {
  await host.close();
  rmSync(root, { recursive: true, force: true });
});

const hostHeader = () => `${host.hostName}:${host.port}`;
const TEN_MB = 10 * 1024 * 1024;

describe('finding 6: bodies', () => {
  it('answers 413 to an announced body over the limit before reading it', async () => {
    const out = await raw(
      host.port,
      `POST /rpc/profiles.list HTTP/1.1\r\nHost: ${hostHeader()}\r\nCookie: ${cookie}\r\nOrigin: ${host.origin}\r\nContent-Type: application/json\r\nContent-Length: ${TEN_MB}\r\n\r\n`,
      TEN_MB,
    );
    expect(out.response).toMatch(/^HTTP\/1\.1 413 /);
    expect(out.response).toContain('"code":"BAD_INPUT"');
    expect(out.bodyBytesWritten).toBeLessThan(TEN_MB / 2);
  });

  it('answers 413, not a connection reset, to a streamed (chunked) body over the limit', async () => {
    const socket = net.connect(host.port, '127.0.0.1');
    let response = '';
    socket.on('data', (c) => (response += c.toString('latin1')));
    socket.on('error', () => undefined);
    socket.write(
      `POST /rpc/profiles.list HTTP/1.1\r\nHost: ${hostHeader()}\r\nCookie: ${cookie}\r\nOrigin: ${host.origin}\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n`,
    );
    const chunk = 'a'.repeat(8 * 1024);
    for (let i = 0; i < 16; i++) socket.write(`${(chunk.length).toString(16)}\r\n${chunk}\r\n`);
    await new Promise<void>((resolve) => socket.on('close', () => resolve()));
    expect(response).toMatch(/^HTTP\/1\.1 413 /);
  });

  it('refuses an unauthenticated oversized body with 401 without reading it to the end', async () => {
    const before = calls.length;
    const out = await raw(
      host.port,
      `POST /rpc/profiles.list HTTP/1.1\r\nHost: ${hostHeader()}\r\nOrigin: ${host.origin}\r\nContent-Type: application/json\r\nContent-Length: ${TEN_MB}\r\n\r\n`,
      TEN_MB,
    );
    expect(out.response).toMatch(/^HTTP\/1\.1 401 /);
    expect(out.bodyBytesWritten).toBeLessThan(TEN_MB / 2);
    expect(calls.length).toBe(before);
  });
});

describe('finding 6: names, timeouts, connections, files', () => {
  it('answers 404 (not 500) to a method name that does not decode', async () => {
    for (const name of ['%E0', '%', '%C0%AF', '..%2F..%2Fetc']) {
      const out = await raw(
        host.port,
        `POST /rpc/${name} HTTP/1.1\r\nHost: ${hostHeader()}\r\nCookie: ${cookie}\r\nOrigin: ${host.origin}\r\nContent-Type: application/json\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{}`,
        0,
      );
      expect(out.response, name).toMatch(/^HTTP\/1\.1 404 /);
    }
  });

  it('drops a client that sends its headers too slowly, and one that never finishes its body', async () => {
    const { host: slow, cookie: slowCookie } = await start({ headersTimeoutMs: 400, requestTimeoutMs: 800 });
    try {
      // Half a request line, then nothing: the server must not wait forever.
      const headers = await raw(slow.port, 'GET / HTTP/1.1\r\nHost: x', 0);
      expect(headers.closedAfterMs).toBeLessThan(5_000);
      expect(headers.response === '' || /^HTTP\/1\.1 408 /.test(headers.response)).toBe(true);
      // Headers complete, body promised and never sent.
      const body = await raw(
        slow.port,
        `POST /rpc/profiles.list HTTP/1.1\r\nHost: ${slow.hostName}:${slow.port}\r\nCookie: ${slowCookie}\r\nOrigin: ${slow.origin}\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{`,
        0,
      );
      // Dropped by the request timeout (800 ms), not answered early by some other refusal.
      expect(body.closedAfterMs).toBeGreaterThanOrEqual(700);
      expect(body.closedAfterMs).toBeLessThan(5_000);
      expect(body.response).not.toMatch(/^HTTP\/1\.1 (401|403) /);
    } finally {
      await slow.close();
    }
  });

  it('closes connections over the cap at once', async () => {
    const capped = await startWebHost({ desk, staticDir, limits: { maxConnections: 4, headersTimeoutMs: 10_000 } });
    const sockets: net.Socket[] = [];
    try {
      for (let i = 0; i < 4; i++) {
        const s = net.connect(capped.port, '127.0.0.1');
        s.on('error', () => undefined);
        await new Promise<void>((resolve) => s.once('connect', () => resolve()));
        sockets.push(s);
      }
      await new Promise((r) => setTimeout(r, 100));
      const started = Date.now();
      const fifth = net.connect(capped.port, '127.0.0.1');
      fifth.on('error', () => undefined);
      await new Promise<void>((resolve) => fifth.once('close', () => resolve()));
      expect(Date.now() - started).toBeLessThan(2_000);
      expect(sockets.every((s) => !s.destroyed)).toBe(true);
    } finally {
      for (const s of sockets) s.destroy();
      await capped.close();
    }
  });

  it('does not follow a symlink out of the build folder', async () => {
    for (const pathName of ['/assets/linked.txt', '/assets/up/private.txt']) {
      const body = await new Promise<string>((resolve, reject) => {
        http
          .get({ host: '127.0.0.1', port: host.port, path: pathName, headers: { Host: hostHeader(), Cookie: cookie } }, (res) => {
            let text = '';
            res.setEncoding('utf8');
            res.on('data', (c: string) => (text += c));
            res.on('end', () => resolve(text));
          })
          .on('error', reject);
      });
      expect(body, pathName).not.toContain('PRIVATE-OUTSIDE-THE-BUILD');
    }
  });
});
