/**
 * Updates, in Node, against a local HTTP feed: the latest*.yml files are made with
 * electron-builder's own hashing and YAML writer (as `npm run dist -- --publish` writes them),
 * served over loopback with the installers they describe. The update loop (core/update) reads
 * them through the plain-HTTP port and decides what to check, offer, download and restart; the
 * desktop app runs the same loop on electron-updater, whose own feed parser must read these
 * files the same way.
 */
import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { UpdateState } from '../../electron/common/desktop.ts';
import { UpdateController } from '../../electron/core/update/controller.ts';
import {
  compareVersions,
  feedFileName,
  installerOf,
  matchesFeedFile,
  parseFeed,
} from '../../electron/core/update/feed.ts';
import { FeedUpdaterPort } from '../../electron/core/update/node-port.ts';
import { CHECK_INTERVAL_MS, nextCheckIn, offerFor, restartDecision } from '../../electron/core/update/policy.ts';

const require = createRequire(import.meta.url);
const builderRequire = createRequire(require.resolve('app-builder-lib/package.json'));
const { hashFile } = builderRequire('./out/util/hash.js') as { hashFile: (file: string) => Promise<string> };
const { serializeToYaml } = builderRequire('builder-util') as {
  serializeToYaml: (value: unknown, skipInvalid?: boolean, noRefs?: boolean) => string;
};
const updaterRequire = createRequire(require.resolve('electron-updater/package.json'));
const { parseUpdateInfo, resolveFiles } = updaterRequire('./out/providers/Provider.js') as {
  parseUpdateInfo: (raw: string, channelFile: string, url: URL) => { version: string; files: unknown[] };
  resolveFiles: (info: unknown, base: URL) => Array<{ url: URL; info: { sha512: string; size?: number } }>;
};

const VERSION = '1.2.0';
const INSTALLERS: Record<string, string> = {
  'latest-linux.yml': `BillPro-Desk-${VERSION}.AppImage`,
  'latest.yml': `BillPro-Desk-Setup-${VERSION}.exe`,
  'latest-mac.yml': `BillPro-Desk-${VERSION}-arm64.dmg`,
};

let dir = '';
let server: Server;
let feedUrl = '';
const requests: string[] = [];
/** Serve different bytes for the installer (a tampered or truncated download). */
let tamper = false;
/** Serve this text instead of latest-linux.yml. */
let feedOverride: string | null = null;
let bytes = Buffer.alloc(0);

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'billpro-update-feed-'));
  bytes = randomBytes(512 * 1024);
  for (const [feed, installer] of Object.entries(INSTALLERS)) {
    const file = path.join(dir, installer);
    await writeFile(file, bytes);
    const sha512 = await hashFile(file);
    // The shape electron-builder's updateInfoBuilder writes: files[], then path/sha512 kept for
    // old updaters, and the release date.
    const info = {
      version: VERSION,
      files: [{ url: installer, sha512, size: bytes.length }],
      path: installer,
      sha512,
      releaseDate: '2026-11-30T10:00:00.000Z',
    };
    await writeFile(path.join(dir, feed), serializeToYaml(info, false, true));
  }
  server = createServer((req, res) => {
    const name = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname.slice(1));
    requests.push(name);
    void (async () => {
      if (name === 'latest-linux.yml' && feedOverride !== null) {
        res.writeHead(200, { 'content-type': 'text/yaml' }).end(feedOverride);
        return;
      }
      try {
        let body = await readFile(path.join(dir, path.basename(name)));
        if (tamper && !name.endsWith('.yml')) body = Buffer.concat([body.subarray(0, body.length - 1), Buffer.from([body[body.length - 1]! ^ 1])]);
        // Sent in pieces, so progress has steps.
        res.writeHead(200, { 'content-length': String(body.length) });
        for (let at = 0; at < body.length; at += 64 * 1024) res.write(body.subarray(at, at + 64 * 1024));
        res.end();
      } catch {
        res.writeHead(404).end();
      }
    })();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  feedUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
});

afterAll(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
  await rm(dir, { recursive: true, force: true });
});

const controllers: UpdateController[] = [];
afterEach(() => {
  for (const c of controllers.splice(0)) c.stop();
  tamper = false;
  feedOverride = null;
  requests.length = 0;
});

async function setup(options: { mode: 'automatic' | 'ask' | 'off'; current?: string; unsent?: number; intervalMs?: number }) {
  const downloadDir = await mkdtemp(path.join(os.tmpdir(), 'billpro-update-dl-'));
  const installed: string[] = [];
  const states: UpdateState[] = [];
  const port = new FeedUpdaterPort({
    feedUrl,
    platform: 'linux',
    arch: 'x64',
    downloadDir,
    onInstall: (file) => installed.push(file),
  });
  const controller = new UpdateController({
    port,
    currentVersion: options.current ?? '1.1.3',
    mode: options.mode,
    unsentChanges: async () => options.unsent ?? 0,
    onState: (s) => states.push(s),
    intervalMs: options.intervalMs,
  });
  controllers.push(controller);
  return { controller, port, states, installed, downloadDir };
}

const settle = (controller: UpdateController, phases: UpdateState['phase'][]) =>
  expect.poll(() => controller.current.phase, { timeout: 10_000 }).toSatisfy((p: UpdateState['phase']) => phases.includes(p));

describe('the feed files', () => {
  it('are read the same by Desk and by electron-updater', async () => {
    for (const [feed, installer] of Object.entries(INSTALLERS)) {
      const text = await readFile(path.join(dir, feed), 'utf8');
      const ours = parseFeed(text);
      expect(ours.version).toBe(VERSION);
      const file = installerOf(ours);
      expect(file).toMatchObject({ url: installer, size: bytes.length });
      expect(matchesFeedFile(bytes, file)).toBe(true);
      expect(matchesFeedFile(Buffer.concat([bytes, Buffer.from([0])]), file)).toBe(false);

      const theirs = parseUpdateInfo(text, feed, new URL(feed, feedUrl));
      const [resolved] = resolveFiles(theirs, new URL(feedUrl));
      expect(theirs.version).toBe(ours.version);
      expect(resolved?.url.href).toBe(new URL(installer, feedUrl).href);
      expect(resolved?.info.sha512).toBe(file.sha512);
    }
  });

  it('are named per platform as electron-builder names them', () => {
    expect(feedFileName('win32', 'x64')).toBe('latest.yml');
    expect(feedFileName('darwin', 'arm64')).toBe('latest-mac.yml');
    expect(feedFileName('linux', 'x64')).toBe('latest-linux.yml');
    expect(feedFileName('linux', 'arm64')).toBe('latest-linux-arm64.yml');
    expect(() => feedFileName('aix', 'ppc64')).toThrow(/not published/);
  });

  it('refuse a feed that is not one, saying what is wrong', () => {
    expect(() => parseFeed('version: [')).toThrow(/not valid YAML/);
    expect(() => parseFeed('version: 1.2.0\nreleaseDate: 2026-11-30\nfiles: []')).toThrow(/files/);
    expect(() => parseFeed(`version: one\nreleaseDate: '2026-11-30'\nfiles: [{url: a, sha512: ${'A'.repeat(86)}==, size: 1}]`)).toThrow(/version/);
    expect(() => parseFeed("version: 1.2.0\nreleaseDate: '2026-11-30'\nfiles: [{url: a, sha512: abc, size: 1}]")).toThrow(/sha512/);
  });
});

describe('update decisions', () => {
  it('orders versions as semver does, pre-releases before their release', () => {
    const sorted = ['1.10.0', '1.2.0', '1.2.0-beta.2', '1.2.0-beta.10', '1.2.0-alpha', '0.9.9', '2.0.0-rc.1'];
    sorted.sort(compareVersions);
    expect(sorted).toEqual(['0.9.9', '1.2.0-alpha', '1.2.0-beta.2', '1.2.0-beta.10', '1.2.0', '1.10.0', '2.0.0-rc.1']);
  });

  it('checks at start, then every interval; never by itself when off', () => {
    expect(nextCheckIn({ mode: 'automatic', lastCheckedAt: null, now: 1000 })).toBe(0);
    expect(nextCheckIn({ mode: 'ask', lastCheckedAt: 1000, now: 1000 + 60_000 })).toBe(CHECK_INTERVAL_MS - 60_000);
    expect(nextCheckIn({ mode: 'automatic', lastCheckedAt: 0, now: CHECK_INTERVAL_MS * 3 })).toBe(0);
    expect(nextCheckIn({ mode: 'off', lastCheckedAt: null, now: 0 })).toBeNull();
    expect(CHECK_INTERVAL_MS).toBe(4 * 3600_000);
  });

  it('downloads in automatic mode, asks in ask mode, offers nothing older or staged away', () => {
    const feed = parseFeed(`version: 1.2.0\nreleaseDate: '2026-11-30'\nfiles: [{url: a, sha512: ${'A'.repeat(86)}==, size: 1}]`);
    expect(offerFor({ mode: 'automatic', currentVersion: '1.1.0', feed, bucket: 0 })).toEqual({ action: 'download', version: '1.2.0' });
    expect(offerFor({ mode: 'ask', currentVersion: '1.1.0', feed, bucket: 0 })).toEqual({ action: 'ask', version: '1.2.0' });
    expect(offerFor({ mode: 'automatic', currentVersion: '1.2.0', feed, bucket: 0 }).action).toBe('none');
    expect(offerFor({ mode: 'automatic', currentVersion: '1.3.0-beta.1', feed, bucket: 0 }).action).toBe('none');
    const staged = { ...feed, stagingPercentage: 25 };
    expect(offerFor({ mode: 'automatic', currentVersion: '1.1.0', feed: staged, bucket: 24 }).action).toBe('download');
    expect(offerFor({ mode: 'automatic', currentVersion: '1.1.0', feed: staged, bucket: 25 })).toEqual({ action: 'none', reason: 'staged-out' });
  });

  it('never restarts over unsent changes without saying so', () => {
    expect(restartDecision(0, false)).toEqual({ restart: true });
    expect(restartDecision(3, false)).toEqual({
      restart: false,
      unsentChanges: 3,
      message: expect.stringMatching(/^3 changes made on this device have not reached BillPro yet\..*Restart anyway\?$/),
    });
    expect(restartDecision(1, false)).toMatchObject({ message: expect.stringMatching(/^1 change made on this device has not/) });
    expect(restartDecision(3, true)).toEqual({ restart: true });
  });
});

describe('the update loop against the feed', () => {
  it('automatic: checks on start, downloads with progress, verifies, and restarts to update', async () => {
    const { controller, states, installed, port } = await setup({ mode: 'automatic' });
    controller.start();
    await settle(controller, ['ready']);
    expect(requests).toEqual(['latest-linux.yml', INSTALLERS['latest-linux.yml']]);
    const percents = states.filter((s) => s.phase === 'downloading').map((s) => s.percent ?? -1);
    expect(percents[0]).toBe(0);
    expect(percents.length).toBeGreaterThanOrEqual(4);
    expect([...percents].sort((a, b) => a - b)).toEqual(percents);
    expect(controller.current).toMatchObject({ phase: 'ready', availableVersion: VERSION, percent: 100 });
    expect(await readFile(port.downloaded ?? '')).toEqual(bytes);

    await expect(controller.restart(false)).resolves.toEqual({ restarting: true });
    expect(installed).toEqual([port.downloaded]);
  });

  it('refuses to restart while changes are unsent until the person confirms', async () => {
    const { controller, installed } = await setup({ mode: 'automatic', unsent: 2 });
    controller.start();
    await settle(controller, ['ready']);
    const refused = await controller.restart(false);
    expect(refused).toMatchObject({ restarting: false, unsentChanges: 2, message: expect.stringMatching(/2 changes .* not reached BillPro/) });
    expect(installed).toEqual([]);
    await expect(controller.restart(true)).resolves.toEqual({ restarting: true });
    expect(installed).toHaveLength(1);
  });

  it('ask: offers the release and downloads only when told', async () => {
    const { controller } = await setup({ mode: 'ask' });
    controller.start();
    await settle(controller, ['available']);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(requests).toEqual(['latest-linux.yml']);
    await controller.download();
    expect(controller.current.phase).toBe('ready');
  });

  it('off: never checks by itself; a check the person asks for offers without downloading', async () => {
    const { controller } = await setup({ mode: 'off', intervalMs: 50 });
    controller.start();
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(requests).toEqual([]);
    await controller.check(true);
    expect(controller.current).toMatchObject({ phase: 'available', availableVersion: VERSION });
    expect(requests).toEqual(['latest-linux.yml']);
  });

  it('up to date: nothing on offer', async () => {
    const { controller } = await setup({ mode: 'automatic', current: VERSION });
    await controller.check();
    expect(controller.current).toMatchObject({ phase: 'idle', availableVersion: null });
    expect(controller.current.lastCheckedAt).not.toBeNull();
  });

  it('checks again every interval while the app runs', async () => {
    const { controller } = await setup({ mode: 'automatic', current: VERSION, intervalMs: 150 });
    controller.start();
    await expect.poll(() => requests.length, { timeout: 5_000 }).toBeGreaterThanOrEqual(3);
    controller.stop();
    const seen = requests.length;
    await new Promise((resolve) => setTimeout(resolve, 400));
    expect(requests.length).toBe(seen);
  });

  it('keeps nothing whose sha512 does not match the feed, and says so', async () => {
    tamper = true;
    const { controller, downloadDir } = await setup({ mode: 'automatic' });
    controller.start();
    await settle(controller, ['available']);
    await expect.poll(() => controller.current.message).toMatch(/does not match the sha512/);
    expect(await readdir(downloadDir)).toEqual([]);
    await expect(controller.restart(true)).resolves.toMatchObject({ restarting: false });
  });

  it('reports a broken feed as an error in words', async () => {
    feedOverride = 'version: 1.2.0\nfiles: nope\n';
    const { controller } = await setup({ mode: 'automatic' });
    await controller.check();
    expect(controller.current).toMatchObject({ phase: 'error', message: expect.stringMatching(/^Could not check for updates: The update feed is not usable/) });
  });
});
