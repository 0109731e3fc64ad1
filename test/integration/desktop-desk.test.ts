/**
 * The Desk's desktop duties against a real sandbox behind a switchable relay, the private
 * keychain and real files: notifications (a queued change BillPro refuses, a profile long
 * without sync; each once, none when switched off, none for a refusal the person saw on the
 * form), links checked against the profiles on this device, preferences kept across restarts,
 * the count of unsent changes the update restart guards, and the diagnostics zip — scanned entry
 * by entry for the profile's token, its cache key and the customer's details.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EventEnvelope, EventPayload } from '../../electron/common/contract.ts';
import { Desk } from '../../electron/core/desk.ts';
import { KeytarSecretStore, cacheKeyAccount, tokenAccount } from '../../electron/core/secrets.ts';
import { startSandbox, type RunningSandbox } from '../../electron/sandbox/server.ts';
import { startNetSwitch, type NetSwitch } from '../support/net-switch.ts';
import { caller, until, type Call } from '../support/sync-batch.ts';

const require = createRequire(import.meta.url);
const builderRequire = createRequire(require.resolve('app-builder-lib/package.json'));
interface UnzipEntry {
  path: string;
  type: string;
  buffer(): Promise<Buffer>;
}
const unzipper = builderRequire('unzipper') as { Open: { buffer(zip: Buffer): Promise<{ files: UnzipEntry[] }> } };

const secrets = new KeytarSecretStore();
const STALE_MS = 1_500;
let sandbox: RunningSandbox;
let network: NetSwitch;
let dataDir: string;
let desk: Desk;
let call: Call;
let profileId: string;
let token: string;
const events: EventEnvelope[] = [];

async function openDesk(): Promise<void> {
  desk = await Desk.create({
    dataDir,
    secrets,
    mode: 'electron',
    version: '1.4.2',
    platform: process.platform,
    tuning: {
      requestTimeoutMs: 2_000,
      probeIntervalMs: 100,
      syncIntervalMs: 600_000,
      notifyDelayMs: 100,
      staleCheckMs: 100,
      staleAfterMs: STALE_MS,
    },
  });
  desk.onEvent((e) => events.push(e));
  call = caller(desk);
}

const notes = () => events.filter((e) => e.event === 'notify').map((e) => e.payload as EventPayload<'notify'>);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

// A customer BillPro refuses: libphonenumber says this UK mobile number is one digit too long.
const refusedCustomer = {
  first_name: 'Quentin',
  last_name: 'Harrowgate',
  email: 'quentin.harrowgate@example.com',
  phone: '+44770000000000',
};

beforeAll(async () => {
  sandbox = await startSandbox({ seed: 5, products: 6, customers: 10, orders: 20, quiet: true, port: 0 });
  token = sandbox.tokens[0]!.token;
  network = await startNetSwitch(sandbox.port);
  dataDir = mkdtempSync(path.join(os.tmpdir(), 'desk-desktop-'));
  await openDesk();
  ({ id: profileId } = await call('profiles.add', {
    name: 'Shop',
    environment: 'custom',
    baseUrl: `http://127.0.0.1:${network.port}/api/v1`,
    token,
  }));
  await call('sync.now', { profileId });
});

afterAll(async () => {
  await desk.close();
  await network.close();
  await sandbox.close();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('notifications', () => {
  it('a refusal the person sees on the form is not notified', async () => {
    await expect(call('customers.create', { profileId, customer: refusedCustomer })).rejects.toThrow(/VALIDATION|invalid/i);
    await sleep(400);
    expect(notes().filter((n) => n.kind === 'refused')).toEqual([]);
  });

  it('a queued change BillPro refuses later notifies once, and clicking it opens Activity', async () => {
    await network.off();
    const queued = await call('customers.create', { profileId, customer: refusedCustomer });
    expect(queued).toMatchObject({ localOnly: true, pending: 1 });
    expect(await desk.unsentChanges()).toBe(1);
    await network.on();
    await until(() => notes().some((n) => n.kind === 'refused'), 'refused notification');
    const [note] = notes().filter((n) => n.kind === 'refused');
    expect(note).toMatchObject({
      title: 'BillPro refused a change (Shop)',
      body: expect.stringMatching(/quentin\.harrowgate@example\.com.*Open Activity/),
      link: `billpro-desk://${profileId}/activity`,
    });
    // Still waiting for the operator: it counts as unsent.
    expect(await desk.unsentChanges()).toBe(1);
    // More outbox traffic does not repeat it.
    await call('sync.now', { profileId });
    await call('customers.create', {
      profileId,
      customer: { first_name: 'Ok', last_name: 'Person', email: 'ok.person@example.com', phone: '+447911123456' },
    });
    await sleep(400);
    expect(notes().filter((n) => n.kind === 'refused')).toHaveLength(1);
  });

  it('says nothing when switched off, and the switch survives a restart', async () => {
    await expect(call('app.setPreferences', { notifications: false })).resolves.toEqual({ updates: 'automatic', notifications: false });
    await network.off();
    await call('customers.create', { profileId, customer: { ...refusedCustomer, email: 'second@example.com' } });
    await network.on();
    await until(async () => (await call('sync.status', { profileId })).needsAttention === 2, 'second refusal');
    await sleep(400);
    expect(notes().filter((n) => n.kind === 'refused')).toHaveLength(1);

    await call('app.setPreferences', { updates: 'ask' });
    await desk.close();
    await openDesk();
    await expect(call('app.preferences', {})).resolves.toEqual({ updates: 'ask', notifications: false });
    await call('app.setPreferences', { notifications: true, updates: 'automatic' });
  });

  it('a profile that has not synced for long notifies once, pointing at its dashboard', async () => {
    events.length = 0;
    await call('profiles.setActive', { id: profileId });
    await call('sync.now', { profileId });
    await network.off();
    await until(() => notes().some((n) => n.kind === 'stale'), 'stale notification', STALE_MS + 5_000);
    expect(notes().filter((n) => n.kind === 'stale')).toEqual([
      {
        key: `stale:${profileId}`,
        kind: 'stale',
        title: 'Shop has not synced for 0 hours',
        body: expect.stringMatching(/may be out of date/),
        link: `billpro-desk://${profileId}`.concat('/dashboard'),
      },
    ]);
    await sleep(500);
    expect(notes().filter((n) => n.kind === 'stale')).toHaveLength(1);
    await network.on();
  });
});

describe('links', () => {
  it('opens a link of a profile on this device and refuses others with the reason', () => {
    events.length = 0;
    expect(desk.openLink(`billpro-desk://${profileId}/orders/12`)).toMatchObject({ ok: true });
    expect(events).toEqual([{ event: 'openLink', payload: { profileId, view: 'orders', id: 12 } }]);
    expect(desk.openLink('billpro-desk://not-here/orders/12')).toEqual({
      ok: false,
      message: expect.stringMatching(/profile that is not on this device \(not-here\)/),
    });
    expect(desk.openLink('billpro-desk://x/refunds')).toMatchObject({ ok: false });
    expect(events).toHaveLength(1);
  });
});

describe('diagnostics', () => {
  it('zips versions, settings, sync state, the compatibility report and the redacted log: no token, no customer data', async () => {
    const customer = {
      first_name: 'Philippa',
      last_name: 'Quennell-Aldous',
      email: 'philippa.q.aldous@example.org',
      phone: '+447911123456',
    };
    await call('customers.create', { profileId, customer });
    const cacheKey = await secrets.get(cacheKeyAccount(profileId));
    expect(await secrets.get(tokenAccount(profileId))).toBe(token);
    // A log as careless as it could be: every secret and personal detail on a line.
    await mkdir(path.join(dataDir, 'logs'), { recursive: true });
    await writeFile(
      path.join(dataDir, 'logs', 'desk.log'),
      [
        '2026-12-01T04:00:00.000Z info sync finished profile=Shop rows=20',
        `2026-12-01T04:00:01.000Z warn request failed Authorization: Bearer ${token}`,
        `2026-12-01T04:00:02.000Z debug token=${token} key ${cacheKey}`,
        `2026-12-01T04:00:03.000Z info created customer ${customer.email} ${customer.phone}`,
        '',
      ].join('\n'),
    );
    const zip = await desk.exportDiagnostics({ electron: '45.4.1', chrome: '142', node: process.versions.node, arch: process.arch });
    const { files } = await unzipper.Open.buffer(zip);
    const names = files.map((f) => f.path).sort();
    expect(names).toEqual(['compatibility.json', 'logs/desk.log', 'settings.json', 'sync.json', 'versions.json']);

    const forbidden = [token, cacheKey ?? 'no-cache-key', customer.email, customer.phone, customer.first_name, customer.last_name, refusedCustomer.email, refusedCustomer.last_name];
    const contents: Record<string, string> = {};
    for (const file of files) {
      const text = (await file.buffer()).toString('utf8');
      contents[file.path] = text;
      for (const secret of forbidden) expect(text, `${file.path} holds ${secret.slice(0, 4)}…`).not.toContain(secret);
    }
    expect(JSON.parse(contents['versions.json']!)).toMatchObject({ app: '1.4.2', electron: '45.4.1', mode: 'electron' });
    const settings = JSON.parse(contents['settings.json']!);
    expect(settings.preferences).toEqual({ updates: 'automatic', notifications: true });
    expect(settings.profiles).toEqual([expect.objectContaining({ id: profileId, environment: 'custom', baseUrl: `http://127.0.0.1:${network.port}/api/v1` })]);
    expect(JSON.parse(contents['sync.json']!)[profileId]).toMatchObject({ needsAttention: 2 });
    // The profile's session is open: its compatibility report is in, as results and shapes.
    const compatibility = JSON.parse(contents['compatibility.json']!)[profileId];
    expect(compatibility.results.length).toBeGreaterThan(10);
    expect(compatibility.report).toEqual(expect.any(String));
    expect(contents['logs/desk.log']).toContain('sync finished profile=Shop rows=20');
    expect(contents['logs/desk.log']).toContain('warn request failed Authorization: [redacted]');
    expect(contents['logs/desk.log']).toContain('created customer [email] [phone]');
  });
});
