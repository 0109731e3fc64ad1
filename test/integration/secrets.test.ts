/**
 * KeytarSecretStore against a real Secret Service (gnome-keyring on a private D-Bus bus),
 * cross-checked with libsecret's own `secret-tool`; and each way the keychain can be
 * unusable, provoked for real, each in a fresh process (libsecret keeps its bus connection
 * for the life of a process).
 */
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  cacheKeyAccount,
  KeytarSecretStore,
  SECRET_SERVICE,
  tokenAccount,
} from '../../electron/core/secrets.ts';
import type { CliOutcome } from '../support/secret-store-cli.ts';
import {
  lockKeyring,
  secretTool,
  startPrivateBus,
  startPrivateKeyring,
  type KeyringEnv,
} from '../support/keyring.ts';

const repoRoot = fileURLToPath(new URL('../..', import.meta.url));

/** The keyring global-setup started for this run, as this worker inherited it. */
function runKeyring(): KeyringEnv {
  const address = process.env.DBUS_SESSION_BUS_ADDRESS;
  if (!address)
    throw new Error('DBUS_SESSION_BUS_ADDRESS is not set: test/support/global-setup.ts did not run');
  return { DBUS_SESSION_BUS_ADDRESS: address, HOME: process.env.HOME ?? '' };
}

describe('KeytarSecretStore on a real Secret Service', () => {
  const store = new KeytarSecretStore();

  it("runs against the private keyring of this test run, never the developer's own", () => {
    expect(runKeyring().DBUS_SESSION_BUS_ADDRESS).toContain('desk-keyring-');
  });

  it("saves, reads, lists and deletes a profile's token and cache key, as secret-tool sees them", async () => {
    const env = runKeyring();
    const profileId = `p-${randomUUID()}`;
    const token = `tok-${randomUUID()}`;
    const cacheKey = `key-${randomUUID()}`;

    await store.set(tokenAccount(profileId), token);
    await store.set(cacheKeyAccount(profileId), cacheKey);
    expect(await store.get(tokenAccount(profileId))).toBe(token);
    expect(await store.get(cacheKeyAccount(profileId))).toBe(cacheKey);

    const lookup = await secretTool(env, ['lookup', 'service', SECRET_SERVICE, 'account', profileId]);
    expect(lookup).toMatchObject({ code: 0, stdout: token });
    // secret-tool prints each item's secret on stdout and its attributes on stderr.
    const search = await secretTool(env, ['search', '--all', 'service', SECRET_SERVICE]);
    expect(search.stderr).toContain(`attribute.account = ${profileId}\n`);
    expect(search.stderr).toContain(`attribute.account = ${profileId}:cache\n`);
    expect(search.stdout).toContain(`secret = ${cacheKey}\n`);

    const accounts = await store.accounts();
    expect(accounts).toEqual(expect.arrayContaining([profileId, `${profileId}:cache`]));

    expect(await store.delete(tokenAccount(profileId))).toBe(true);
    expect(await store.delete(cacheKeyAccount(profileId))).toBe(true);
    expect(await store.get(tokenAccount(profileId))).toBeNull();
    expect(await store.delete(tokenAccount(profileId))).toBe(false);
    expect(await store.accounts()).not.toContain(profileId);
    const gone = await secretTool(env, ['search', '--all', 'service', SECRET_SERVICE, 'account', profileId]);
    expect(gone.stdout + gone.stderr).toBe('');
    expect((await secretTool(env, ['lookup', 'service', SECRET_SERVICE, 'account', profileId])).stdout).toBe(
      '',
    );
  });

  it('replaces a token in place and reads one another libsecret client saved', async () => {
    const env = runKeyring();
    const profileId = `p-${randomUUID()}`;
    const stored = await secretTool(
      env,
      // keytar looks items up by libsecret's generic schema, so the other client names it too.
      [
        'store',
        '--label=saved elsewhere',
        'xdg:schema',
        'org.freedesktop.Secret.Generic',
        'service',
        SECRET_SERVICE,
        'account',
        profileId,
      ],
      'tök€n-✓-from-secret-tool',
    );
    expect(stored.code).toBe(0);
    expect(await store.get(profileId)).toBe('tök€n-✓-from-secret-tool');

    await store.set(profileId, 'replacement-token');
    const search = await secretTool(env, [
      'search',
      '--all',
      'service',
      SECRET_SERVICE,
      'account',
      profileId,
    ]);
    expect(search.stdout.match(/secret = /g)).toHaveLength(1);
    expect(search.stdout).toContain('secret = replacement-token\n');
    await store.delete(profileId);
  });

  it('checks the keychain and looks up missing entries without leaving probe items behind', async () => {
    const env = runKeyring();
    const service = `BillPro Desk test ${randomUUID()}`;
    const own = new KeytarSecretStore({ service });
    await own.check();
    expect(await own.get('no-such-profile')).toBeNull();
    expect(await own.accounts()).toEqual([]);
    const left = await secretTool(env, ['search', '--all', 'service', service]);
    expect(left.stdout + left.stderr).toBe('');
  });
});

interface FreshProcess {
  outcomes: CliOutcome[];
  output: string;
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  elapsedMs: number;
}

/** Runs test/support/secret-store-cli.ts in a fresh process with exactly this environment. */
function inFreshProcess(env: NodeJS.ProcessEnv, timeoutMs: number, ops: string[]): Promise<FreshProcess> {
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', 'test/support/secret-store-cli.ts', String(timeoutMs), ...ops],
      {
        cwd: repoRoot,
        env,
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    const guard = setTimeout(() => child.kill('SIGKILL'), 15_000);
    child.once('error', reject);
    child.once('close', (exitCode, signal) => {
      clearTimeout(guard);
      const outcomes = stdout
        .split('\n')
        .filter((line) => line.startsWith('{'))
        .map((line) => JSON.parse(line) as CliOutcome);
      resolve({ outcomes, output: stdout + stderr, exitCode, signal, elapsedMs: Date.now() - started });
    });
  });
}

/** The developer's environment without anything that would let GLib find or start a bus on its own. */
function baseEnv(): NodeJS.ProcessEnv {
  const env = { ...process.env };
  delete env.DISPLAY;
  delete env.WAYLAND_DISPLAY;
  delete env.DBUS_SESSION_BUS_ADDRESS;
  return env;
}

const SECRET = `tok-must-not-leak-${randomUUID()}`;
const OPS = ['check', `set:p1=${SECRET}`, 'get:p1', 'delete:p1', 'accounts'];
/**
 * Generous, so a failure that left a live timer behind would hold the child open this long
 * and break the "exits promptly" check below.
 */
const SLOW_TIMEOUT_MS = 10_000;

/** The child answered every op with KEYCHAIN_UNAVAILABLE of this mode and then left on its own, promptly. */
function expectEveryOpUnavailable(result: FreshProcess, failure: string, remedy: RegExp): void {
  expect(result.exitCode).toBe(0);
  expect(result.elapsedMs).toBeLessThan(SLOW_TIMEOUT_MS - 1000);
  expectOutcomes(result, failure, remedy);
}

function expectOutcomes(result: FreshProcess, failure: string, remedy: RegExp): void {
  expect(result.outcomes.map((outcome) => outcome.op)).toEqual([
    'check',
    'set:p1',
    'get:p1',
    'delete:p1',
    'accounts',
  ]);
  for (const outcome of result.outcomes) {
    expect(outcome).toMatchObject({ ok: false, code: 'KEYCHAIN_UNAVAILABLE', failure });
    expect(outcome.message).toMatch(remedy);
  }
  expect(result.output).not.toContain(SECRET);
}

describe('KEYCHAIN_UNAVAILABLE says what to do, for each way the keychain fails', () => {
  let scratch: string;
  beforeAll(async () => {
    scratch = await mkdtemp(join(tmpdir(), 'desk-secrets-'));
  });
  afterAll(async () => {
    await rm(scratch, { recursive: true, force: true });
  });

  it('no D-Bus session bus at all', async () => {
    // An empty runtime dir, so GLib cannot fall back to a systemd user bus at $XDG_RUNTIME_DIR/bus.
    const result = await inFreshProcess({ ...baseEnv(), XDG_RUNTIME_DIR: scratch }, SLOW_TIMEOUT_MS, OPS);
    expectEveryOpUnavailable(
      result,
      'no-session-bus',
      /no D-Bus session bus.*desktop session.*dbus-run-session/,
    );
    expect(result.outcomes[0]?.cause).toMatch(/autolaunch/i);
  });

  it('a session bus address that leads nowhere', async () => {
    const env = { ...baseEnv(), DBUS_SESSION_BUS_ADDRESS: `unix:path=${join(scratch, 'gone')}` };
    const result = await inFreshProcess(env, SLOW_TIMEOUT_MS, OPS);
    expectEveryOpUnavailable(result, 'no-session-bus', /dbus-run-session/);
    expect(result.outcomes[0]?.cause).toMatch(/could not connect/i);
  });

  it('a session bus with no Secret Service on it', async () => {
    const bus = await startPrivateBus();
    try {
      const result = await inFreshProcess(
        { ...baseEnv(), DBUS_SESSION_BUS_ADDRESS: bus.address },
        SLOW_TIMEOUT_MS,
        OPS,
      );
      expectEveryOpUnavailable(
        result,
        'no-secret-service',
        /no Secret Service.*GNOME Keyring or KWallet.*gnome-keyring/,
      );
      expect(result.outcomes[0]?.cause).toMatch(/org\.freedesktop\.secrets/);
    } finally {
      await bus.stop();
    }
  });

  it('a Secret Service without a default keyring', async () => {
    const keyring = await startPrivateKeyring({ loginKeyring: false });
    try {
      const result = await inFreshProcess({ ...baseEnv(), ...keyring.env }, SLOW_TIMEOUT_MS, OPS);
      expectEveryOpUnavailable(result, 'no-keyring', /No default keyring.*Create one in Passwords and Keys/);
    } finally {
      await keyring.stop();
    }
  });

  it('a locked keyring: a saved token is reported as locked, never as missing, and listing does not crash', async () => {
    const keyring = await startPrivateKeyring();
    try {
      const env = { ...baseEnv(), ...keyring.env };
      const before = await inFreshProcess(env, SLOW_TIMEOUT_MS, [`set:p1=${SECRET}`, 'get:p1']);
      expect(before.outcomes).toEqual([
        { op: 'set:p1', ok: true },
        { op: 'get:p1', ok: true, value: SECRET },
      ]);

      await lockKeyring(keyring.env);
      const result = await inFreshProcess(env, SLOW_TIMEOUT_MS, OPS);
      expectEveryOpUnavailable(result, 'locked', /login keyring is locked.*Unlock it/);
      expect(result.outcomes[0]?.cause).toMatch(/locked collection/);
    } finally {
      await keyring.stop();
    }
  });

  it('a Secret Service that never answers: the call times out, and later calls fail at once', async () => {
    const keyring = await startPrivateKeyring();
    try {
      keyring.freeze();
      const result = await inFreshProcess({ ...baseEnv(), ...keyring.env }, 300, OPS);
      expectOutcomes(result, 'timeout', /did not answer within 300 ms.*unlock prompt/);
      expect(result.outcomes[1]?.cause).toMatch(/still waiting/);
      // One 300 ms wait in all: the ops after the stuck call fail at once instead of queueing.
      // (The child then kills itself: see the end of secret-store-cli.ts.)
      expect(result.signal).toBe('SIGKILL');
      expect(result.elapsedMs).toBeLessThan(5000);
    } finally {
      keyring.thaw();
      await keyring.stop();
    }
  });
});
