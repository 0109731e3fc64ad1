/**
 * The RPC fuzz: 10,500 malformed or hostile calls through the browser-mode web host (real HTTP on
 * loopback) into the real Desk (real sandbox, keychain and cache), drawn from a seeded PRNG so a
 * failure replays. Counts what the review counted: server errors (HTTP 5xx, or the Desk's
 * "something went wrong inside" answer), crashes (a call with no answer, or a host that stops
 * answering) and leaks (the token, a local path, a stack or a library's words in any answer).
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { METHOD_NAMES } from '../../electron/common/contract.ts';
import { UNEXPECTED_MESSAGE } from '../../electron/common/errors.ts';
import { Desk } from '../../electron/core/desk.ts';
import { KeytarSecretStore } from '../../electron/core/secrets.ts';
import { startSandbox, type RunningSandbox } from '../../electron/sandbox/server.ts';
import { startWebHost, type RunningWebHost } from '../../electron/web-host.ts';
import { Rng } from '../../electron/sandbox/prng.ts';

const CALLS = 10_500;
const CONCURRENCY = 6;
const SEED = 20261201;

let sandbox: RunningSandbox;
let root: string;
let dataDir: string;
let desk: Desk;
let host: RunningWebHost;
let cookie: string;
let profileId: string;
let token: string;
const agent = new http.Agent({ keepAlive: true, maxSockets: CONCURRENCY });

const KEYS = [
  'profileId', 'id', 'name', 'limit', 'offset', 'search', 'sort', 'by', 'dir', 'status', 'type', 'group',
  'customer', 'order', 'connection', 'environment', 'baseUrl', 'token', 'billproProfileId', 'purchaseType',
  'order_products', 'product_id', 'qty', 'currency', 'customer_id', 'note', 'first_name', 'email', 'addresses',
  'seq', 'payload', 'states', 'scheduledAt', 'interval', 'unit', 'months', 'days', 'createdFrom', 'createdTo',
  '__proto__', 'constructor', 'prototype', 'toString', '',
];

function generator(random: () => number) {
  const pick = <T,>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
  const strings = (): string =>
    pick([
      '',
      ' ',
      'x'.repeat(1 + Math.floor(random() * 300)),
      'y'.repeat(70_000),
      '../../../../etc/passwd',
      '%E0%A4%A',
      '\u0000\u0001\u001f',
      '<script>alert(1)</script>',
      "' OR 1=1 --",
      '😀'.repeat(50),
      '\ud800',
      'EUR',
      'XYZ1',
      'https://evil.example/api/v1',
      'http://10.0.0.1/api/v1',
      'javascript:alert(1)',
      '2026-13-45',
      '2026-12-01T00:00:00Z',
      profileId,
      'custom',
      'single',
      'desc',
      'name',
      'a'.repeat(8) + ' b',
    ]);
  const numbers = (): number =>
    pick([0, -1, 1, 2, 1.5, -0.5, 1e308, -1e308, 2 ** 53 + 2, -(2 ** 53 + 2), 2 ** 31, 100, 1000, 1001, 999_999_999]);
  const value = (depth: number): unknown => {
    const r = random();
    if (depth > 3 || r < 0.25) return strings();
    if (r < 0.5) return numbers();
    if (r < 0.58) return pick([true, false, null]);
    if (r < 0.75) return Array.from({ length: Math.floor(random() * 4) }, () => value(depth + 1));
    return object(depth + 1);
  };
  const object = (depth: number): Record<string, unknown> => {
    const out: Record<string, unknown> = {};
    const n = Math.floor(random() * 6);
    for (let i = 0; i < n; i++) out[pick(KEYS)] = value(depth);
    // Often aim at the real profile so calls get past the first checks.
    if (random() < 0.6) out.profileId = profileId;
    return out;
  };
  return { pick, value, object };
}

interface Outcome {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

function send(method: string, pathName: string, headers: Record<string, string>, body: string | undefined): Promise<Outcome> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port: host.port, method, path: pathName, headers, agent }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (text += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: text }));
      res.on('error', reject);
    });
    // sync.now answers when a whole reconciliation has run, and the request budget may pause it
    // for up to 60 s after BillPro timeouts or 5xx (which this load provokes with its 3 s timeout):
    // a slow answer is the budget being gentle, no answer at all is a crash.
    const limitS = pathName.endsWith('/sync.now') ? 150 : 30;
    req.setTimeout(limitS * 1000, () => req.destroy(new Error(`no answer in ${limitS} s`)));
    req.on('error', reject);
    req.end(body);
  });
}

beforeAll(async () => {
  sandbox = await startSandbox({ port: 0, quiet: true, orders: 60, customers: 30 });
  token = sandbox.tokens[0]!.token;
  root = mkdtempSync(path.join(os.tmpdir(), 'desk-fuzz-'));
  dataDir = path.join(root, 'data');
  const staticDir = path.join(root, 'renderer');
  mkdirSync(staticDir);
  writeFileSync(path.join(staticDir, 'index.html'), '<!doctype html><title>Desk</title>');
  desk = await Desk.create({
    dataDir,
    secrets: new KeytarSecretStore(),
    mode: 'web',
    version: 'test',
    platform: process.platform,
    tuning: { requestTimeoutMs: 3_000, probeIntervalMs: 500, syncIntervalMs: 60_000 },
  });
  const added = await desk.dispatch('profiles.add', { name: 'Fuzzed', environment: 'custom', baseUrl: sandbox.baseUrl, token });
  if (!added.ok) throw new Error(added.error.message);
  profileId = (added.value as { id: string }).id;
  await desk.dispatch('sync.now', { profileId });
  host = await startWebHost({ desk, staticDir, secret: 'fuzz-key-0123456789' });
  const opened = await send('GET', '/open?key=fuzz-key-0123456789', { Host: `${host.hostName}:${host.port}` }, undefined);
  expect(opened.status).toBe(303);
  cookie = (opened.headers['set-cookie']?.[0] ?? '').split(';')[0]!;
}, 60_000);

afterAll(async () => {
  agent.destroy();
  await host?.close();
  await desk?.dispatch('profiles.remove', { id: profileId }).catch(() => undefined);
  await desk?.close();
  await sandbox?.close();
  rmSync(root, { recursive: true, force: true });
});

/** What no answer may contain: the token, a local path, a stack frame, a library's or runtime's words. */
function leaksIn(body: string): string[] {
  const found: string[] = [];
  if (body.toLowerCase().includes(token.toLowerCase())) found.push('token');
  if (body.includes(root) || body.includes(dataDir)) found.push('local path');
  if (/\bat [\w.<>]+ \(|\.ts:\d+:\d+|node:internal/.test(body)) found.push('stack');
  if (/SQLITE_|libsql|TypeError|ReferenceError|RangeError|SyntaxError|ZodError|Cannot read properties/.test(body)) found.push('library text');
  return found;
}

describe('RPC fuzz', () => {
  it(`${CALLS} malformed calls: 0 server errors, 0 crashes, 0 leaks`, { timeout: 300_000 }, async () => {
    // The sandbox's seeded generator: the same calls for the same seed, run after run.
    const rng = new Rng(SEED, 'rpc-fuzz');
    const random = () => rng.next();
    const gen = generator(random);
    const own = { Host: `${host.hostName}:${host.port}`, Origin: host.origin, Cookie: cookie };
    const tally = { calls: 0, serverErrors: [] as string[], crashes: [] as string[], leaks: [] as string[], byStatus: new Map<number, number>() };

    const oneCall = (i: number): { method: string; path: string; headers: Record<string, string>; body?: string } => {
      const r = random();
      const name = gen.pick(METHOD_NAMES);
      const json = { 'Content-Type': 'application/json', ...own };
      if (r < 0.72) return { method: 'POST', path: `/rpc/${name}`, headers: json, body: JSON.stringify(gen.object(0)) };
      if (r < 0.8) return { method: 'POST', path: `/rpc/${name}`, headers: json, body: JSON.stringify(gen.value(0)) };
      if (r < 0.86) return { method: 'POST', path: `/rpc/${name}`, headers: json, body: gen.pick(['{', '{"a":', '[1,2', 'nul', '\u0000', '{"profileId":"' + profileId + '",}', '']) };
      if (r < 0.9) return { method: 'POST', path: `/rpc/${gen.pick(['%E0', '%', 'nope', '..%2Fprofiles.list', name + '%00', 'constructor', '__proto__', 'toString'])}`, headers: json, body: '{}' };
      if (r < 0.93) return { method: 'POST', path: `/rpc/${name}`, headers: { ...own, 'Content-Type': 'text/plain' }, body: '{}' };
      if (r < 0.96) return { method: gen.pick(['GET', 'PUT', 'DELETE', 'PATCH']), path: `/rpc/${name}`, headers: json, body: i % 2 ? '{}' : undefined };
      // Forged or missing credentials.
      return {
        method: 'POST',
        path: `/rpc/${name}`,
        headers: { 'Content-Type': 'application/json', Host: gen.pick([own.Host, `127.0.0.1:${host.port}`]), Origin: gen.pick([own.Origin, 'https://evil.example']), ...(random() < 0.5 ? { Cookie: `${host.cookieName}=forged` } : {}) },
        body: '{}',
      };
    };

    let next = 0;
    const worker = async () => {
      while (next < CALLS) {
        const i = next++;
        const request = oneCall(i);
        let outcome: Outcome;
        try {
          outcome = await send(request.method, request.path, request.headers, request.body);
        } catch (error) {
          tally.crashes.push(`#${i} ${request.method} ${request.path}: ${error instanceof Error ? error.message : String(error)}`);
          continue;
        }
        tally.calls++;
        tally.byStatus.set(outcome.status, (tally.byStatus.get(outcome.status) ?? 0) + 1);
        if (outcome.status >= 500 || outcome.body.includes(UNEXPECTED_MESSAGE)) {
          tally.serverErrors.push(`#${i} ${request.path} ${request.body?.slice(0, 200)} -> ${outcome.status} ${outcome.body.slice(0, 200)}`);
        }
        const leaks = leaksIn(outcome.body);
        if (leaks.length) tally.leaks.push(`#${i} ${request.path}: ${leaks.join(', ')}: ${outcome.body.slice(0, 300)}`);
      }
    };
    const started = Date.now();
    await Promise.all(Array.from({ length: CONCURRENCY }, worker));
    const seconds = (Date.now() - started) / 1000;

    // Still alive and still correct afterwards.
    const after = await send('POST', '/rpc/profiles.list', { 'Content-Type': 'application/json', ...own }, '{}');
    expect(after.status).toBe(200);
    expect((JSON.parse(after.body) as { ok: boolean }).ok).toBe(true);

    console.log(
      `rpc fuzz: ${tally.calls} calls in ${seconds.toFixed(1)} s; statuses ${JSON.stringify(Object.fromEntries(tally.byStatus))}; ` +
        `server errors ${tally.serverErrors.length}, crashes ${tally.crashes.length}, leaks ${tally.leaks.length}`,
    );
    expect(tally.crashes).toEqual([]);
    expect(tally.serverErrors).toEqual([]);
    expect(tally.leaks).toEqual([]);
    expect(tally.calls).toBeGreaterThanOrEqual(10_000);
  });
});
