/**
 * The browser-mode web host refuses everything that is not this launch's own page: no secret,
 * a foreign Origin (CSRF), a foreign Host (DNS rebinding). Real HTTP on loopback.
 */
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EventEnvelope, MethodName, Result } from '../../electron/common/contract.ts';
import { startWebHost, type RunningWebHost } from '../../electron/web-host.ts';

const calls: { name: MethodName; input: unknown }[] = [];
const listeners = new Set<(e: EventEnvelope) => void>();
const desk = {
  async dispatch(name: MethodName, input: unknown): Promise<Result<unknown>> {
    calls.push({ name, input });
    return { ok: true, value: { echoed: input } };
  },
  onEvent(listener: (e: EventEnvelope) => void) {
    listeners.add(listener);
    return () => listeners.delete(listener);
  },
};

let host: RunningWebHost;
let staticDir: string;
let cookie: string;

/** Raw request so Host, Origin and Cookie are exactly what the test says. */
function request(
  options: { method?: string; path: string; headers?: Record<string, string>; body?: string },
): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      { host: '127.0.0.1', port: host.port, method: options.method ?? 'GET', path: options.path, headers: options.headers },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (body += c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
      },
    );
    req.on('error', reject);
    req.end(options.body);
  });
}

const own = () => ({ Host: `${host.hostName}:${host.port}` });

beforeAll(async () => {
  staticDir = mkdtempSync(path.join(os.tmpdir(), 'desk-static-'));
  mkdirSync(path.join(staticDir, 'assets'));
  writeFileSync(path.join(staticDir, 'index.html'), '<!doctype html><title>Desk</title>');
  writeFileSync(path.join(staticDir, 'assets', 'app.js'), 'console.log(1)');
  writeFileSync(path.join(os.tmpdir(), 'outside-secret.txt'), 'do not serve');
  host = await startWebHost({ desk, staticDir, secret: 'test-secret-value' });
  const opened = await request({ path: '/open?key=test-secret-value', headers: own() });
  expect(opened.status).toBe(303);
  const setCookie = opened.headers['set-cookie']?.[0] ?? '';
  expect(setCookie).toMatch(/HttpOnly/);
  expect(setCookie).toMatch(/SameSite=Strict/);
  cookie = setCookie.split(';')[0]!;
});

afterAll(async () => {
  await host.close();
  rmSync(staticDir, { recursive: true, force: true });
});

describe('web host', () => {
  it('prints an open URL on its own random .localhost name that carries the key', () => {
    expect(host.hostName).toMatch(/^[a-z2-7]{26}\.localhost$/);
    expect(host.openUrl).toBe(`http://${host.hostName}:${host.port}/open?key=test-secret-value`);
  });

  it('refuses a wrong key on /open', async () => {
    const res = await request({ path: '/open?key=guess', headers: own() });
    expect(res.status).toBe(403);
    expect(res.headers['set-cookie']).toBeUndefined();
    // Nor does the right key work a second time: it is single-use.
    const again = await request({ path: '/open?key=test-secret-value', headers: own() });
    expect(again.status).toBe(403);
    expect(res.headers['set-cookie']).toBeUndefined();
  });

  it('refuses the page, calls and events without the secret', async () => {
    for (const probe of [
      { path: '/' },
      { path: '/assets/app.js' },
      { path: '/events' },
      { method: 'POST', path: '/rpc/profiles.list', body: '{}' },
    ]) {
      const res = await request({
        ...probe,
        headers: { ...own(), Origin: host.origin, 'Content-Type': 'application/json' },
      });
      expect(res.status, probe.path).toBe(401);
    }
    expect(calls).toHaveLength(0);
  });

  it('serves the app and answers calls with the secret', async () => {
    const page = await request({ path: '/', headers: { ...own(), Cookie: cookie } });
    expect(page.status).toBe(200);
    expect(page.headers['content-security-policy']).toContain("script-src 'self'");
    const res = await request({
      method: 'POST',
      path: '/rpc/profiles.list',
      headers: { ...own(), Cookie: cookie, Origin: host.origin, 'Content-Type': 'application/json' },
      body: '{"x":1}',
    });
    expect(res.status).toBe(200);
    expect(JSON.parse(res.body)).toEqual({ ok: true, value: { echoed: { x: 1 } } });
    expect(calls.at(-1)).toEqual({ name: 'profiles.list', input: { x: 1 } });
  });

  it('refuses a foreign Origin even with the cookie (CSRF)', async () => {
    const before = calls.length;
    const res = await request({
      method: 'POST',
      path: '/rpc/profiles.remove',
      headers: { ...own(), Cookie: cookie, Origin: 'https://evil.example', 'Content-Type': 'application/json' },
      body: '{"id":"x"}',
    });
    expect(res.status).toBe(403);
    expect(calls.length).toBe(before);
  });

  it('refuses a call with no Origin at all', async () => {
    const res = await request({
      method: 'POST',
      path: '/rpc/profiles.list',
      headers: { ...own(), Cookie: cookie, 'Content-Type': 'application/json' },
      body: '{}',
    });
    expect(res.status).toBe(403);
  });

  it('refuses a foreign Host header (DNS rebinding)', async () => {
    const res = await request({ path: '/', headers: { Host: `attacker.example:${host.port}`, Cookie: cookie } });
    expect(res.status).toBe(421);
    const open = await request({ path: '/open?key=test-secret-value', headers: { Host: 'rebind.example' } });
    expect(open.status).toBe(421);
  });

  it('does not serve files outside its folder', async () => {
    const res = await request({ path: '/../outside-secret.txt', headers: { ...own(), Cookie: cookie } });
    expect(res.body).not.toContain('do not serve');
    const encoded = await request({ path: '/%2e%2e/outside-secret.txt', headers: { ...own(), Cookie: cookie } });
    expect(encoded.body).not.toContain('do not serve');
  });

  it('rejects unknown methods and bad JSON with clear answers', async () => {
    const headers = { ...own(), Cookie: cookie, Origin: host.origin, 'Content-Type': 'application/json' };
    expect((await request({ method: 'POST', path: '/rpc/nope.nothing', headers, body: '{}' })).status).toBe(404);
    const bad = await request({ method: 'POST', path: '/rpc/profiles.list', headers, body: '{not json' });
    expect(bad.status).toBe(400);
    expect(JSON.parse(bad.body).error.code).toBe('BAD_INPUT');
  });

  it('streams Desk events to the page over Server-Sent Events', async () => {
    const received = await new Promise<string>((resolve, reject) => {
      const req = http.get(
        { host: '127.0.0.1', port: host.port, path: '/events', headers: { ...own(), Cookie: cookie } },
        (res) => {
          expect(res.headers['content-type']).toContain('text/event-stream');
          let text = '';
          res.setEncoding('utf8');
          res.on('data', (chunk: string) => {
            text += chunk;
            if (text.includes('data: ')) {
              req.destroy();
              resolve(text);
            }
          });
          for (const l of listeners) {
            l({ event: 'dataRefreshed', payload: { profileId: 'p1', collections: ['orders'] } });
          }
        },
      );
      req.on('error', reject);
    });
    const data = received.split('\n').find((l) => l.startsWith('data: '))!;
    expect(JSON.parse(data.slice(6))).toEqual({ event: 'dataRefreshed', payload: { profileId: 'p1', collections: ['orders'] } });
  });
});
