/**
 * Finding 1 (and the key half of 6), performed in real Chromium: another local web server tries
 * to get the browser-mode credential and replay it; the `/open` key is tried twice; a tab is
 * reloaded after the web host restarted (issue 13 item 12).
 *
 * The attacker is a second HTTP server on another 127.0.0.1 port. It records every header
 * Chromium sends it, then replays them — plus a forged Origin and every Host it could guess —
 * against the Desk's RPC from outside the browser. Before the fix the credential was a cookie on
 * 127.0.0.1, and browsers send cookies to every port of a host: the attacker got it and had
 * full RPC access.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { chromium, type Browser } from '@playwright/test';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EventEnvelope, MethodName, Result } from '../../electron/common/contract.ts';
import { startWebHost, type RunningWebHost } from '../../electron/web-host.ts';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../support/chromium.ts';

const calls: MethodName[] = [];
const desk = {
  async dispatch(name: MethodName): Promise<Result<unknown>> {
    calls.push(name);
    return { ok: true, value: { profiles: [], activeId: null, revision: 1 } };
  },
  onEvent(_listener: (e: EventEnvelope) => void) {
    return () => undefined;
  },
};

let staticDir: string;
let browser: Browser;
const hosts: RunningWebHost[] = [];

interface Seen {
  host: string;
  headers: http.IncomingHttpHeaders;
}

/** The attacker's server: answers a page and remembers what each request carried. */
async function startAttacker(): Promise<{ port: number; seen: Seen[]; close(): Promise<void> }> {
  const seen: Seen[] = [];
  const server = http.createServer((req, res) => {
    seen.push({ host: req.headers.host ?? '', headers: req.headers });
    res.writeHead(200, { 'Content-Type': 'text/html' });
    res.end('<!doctype html><title>innocent page</title><p>hello</p>');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    seen,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** A request from outside any browser: every header is whatever the attacker chooses. */
function forge(port: number, pathName: string, headers: Record<string, string>, body?: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, method: body === undefined ? 'GET' : 'POST', path: pathName, headers }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', reject);
    req.end(body);
  });
}

beforeAll(async () => {
  staticDir = mkdtempSync(path.join(os.tmpdir(), 'desk-sec-static-'));
  writeFileSync(path.join(staticDir, 'index.html'), '<!doctype html><html lang="en"><title>BillPro Desk</title><h1>Desk</h1></html>');
  browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: [...CHROMIUM_ARGS], headless: true });
});

afterAll(async () => {
  await browser?.close();
  for (const host of hosts) await host.close();
  rmSync(staticDir, { recursive: true, force: true });
});

describe('finding 1: another local web server cannot obtain or replay the browser-mode credential', () => {
  it('Chromium sends the attacker nothing, and nothing the attacker can send gets a call through', async () => {
    const host = await startWebHost({ desk, staticDir });
    hosts.push(host);
    const attacker = await startAttacker();
    const context = await browser.newContext();
    const page = await context.newPage();
    try {
      // The operator opens the printed URL: signed in, on the random host name.
      await page.goto(host.openUrl);
      await expect.poll(() => page.title()).toBe('BillPro Desk');
      expect(new URL(page.url()).hostname).toBe(host.hostName);
      const session = (await context.cookies()).find((c) => c.name === host.cookieName);
      expect(session?.httpOnly).toBe(true);
      expect(session?.sameSite).toBe('Strict');
      // The session credential is not the key that sat in the URL.
      expect(session?.value).not.toBe(new URL(host.openUrl).searchParams.get('key'));

      // The same browser then visits the attacker's pages, under every loopback name.
      for (const name of ['127.0.0.1', 'localhost']) {
        await page.goto(`http://${name}:${attacker.port}/innocent`);
        await expect.poll(() => page.title()).toBe('innocent page');
      }
      expect(attacker.seen.length).toBeGreaterThanOrEqual(2);
      const leaked = attacker.seen.map((s) => s.headers.cookie ?? '').join(';');
      expect(leaked).not.toContain(host.cookieName);
      expect(leaked).not.toContain(session!.value);

      // Replay: whatever Chromium gave it, a forged Origin, and every Host it could guess.
      const before = calls.length;
      const guesses = [`127.0.0.1:${host.port}`, `localhost:${host.port}`, `desk.localhost:${host.port}`];
      for (const seen of attacker.seen) {
        for (const guess of guesses) {
          const status = await forge(
            host.port,
            '/rpc/profiles.list',
            {
              Host: guess,
              Origin: `http://${guess}`,
              'Content-Type': 'application/json',
              ...(seen.headers.cookie ? { Cookie: seen.headers.cookie } : {}),
            },
            '{}',
          );
          expect(status, guess).toBeGreaterThanOrEqual(400);
        }
      }
      // Even knowing the host name (say, from a shoulder-surfed terminal), no cookie means no call.
      const named = await forge(
        host.port,
        '/rpc/profiles.list',
        { Host: `${host.hostName}:${host.port}`, Origin: host.origin, 'Content-Type': 'application/json' },
        '{}',
      );
      expect(named).toBe(401);
      expect(calls.length).toBe(before);

      // The signed-in page itself still reaches the Desk.
      await page.goto(`${host.origin}/`);
      const status = await page.evaluate(async () => {
        const res = await fetch('rpc/profiles.list', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
        return res.status;
      });
      expect(status).toBe(200);
      expect(calls.length).toBe(before + 1);
    } finally {
      await context.close();
      await attacker.close();
    }
  });

  it('the /open key works once: the URL left in history or a terminal opens nothing for anyone else', async () => {
    const host = await startWebHost({ desk, staticDir });
    hosts.push(host);
    const first = await browser.newContext();
    const second = await browser.newContext();
    try {
      const mine = await first.newPage();
      await mine.goto(host.openUrl);
      await expect.poll(() => mine.title()).toBe('BillPro Desk');
      // The same browser may open the link again: it is already signed in, so it just goes in.
      await mine.goto(host.openUrl);
      await expect.poll(() => mine.title()).toBe('BillPro Desk');

      // Another browser (profile, user, process) replaying the link gets a page that explains.
      const theirs = await second.newPage();
      const response = await theirs.goto(host.openUrl);
      expect(response?.status()).toBe(403);
      await expect.poll(() => theirs.getByRole('heading', { level: 1 }).textContent()).toBe('That link was already used');
      expect(await second.cookies()).toEqual([]);
    } finally {
      await first.close();
      await second.close();
    }
  });
});

describe('issue 13 item 12: a tab reloaded after the web host restarted', () => {
  it('shows an HTML page that says what happened and what to do', async () => {
    const host = await startWebHost({ desk, staticDir });
    const context = await browser.newContext();
    const page = await context.newPage();
    try {
      await page.goto(host.openUrl);
      await expect.poll(() => page.title()).toBe('BillPro Desk');
      const port = host.port;
      await host.close();
      // `npm run web -- --port N` again: a new launch on the same port, with a new name and key.
      const again = await startWebHost({ desk, staticDir, port });
      hosts.push(again);
      const response = await page.reload();
      expect(response?.status()).toBe(421);
      expect(response?.headers()['content-type']).toContain('text/html');
      await expect.poll(() => page.getByRole('heading', { level: 1 }).textContent()).toBe('This tab is not connected to the running Desk');
      const text = (await page.locator('main').textContent()) ?? '';
      expect(text).toContain('npm run web');
      expect(text).toContain('Open the URL that npm run web printed');
      expect(text).toContain('Nothing was lost');
      // The new launch's own URL works in the same tab.
      await page.goto(again.openUrl);
      await expect.poll(() => page.title()).toBe('BillPro Desk');
    } finally {
      await context.close();
    }
  });
});
