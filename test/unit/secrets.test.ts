import { describe, expect, it } from 'vitest';
import { isDeskError } from '../../electron/common/errors.ts';
import {
  cacheKeyAccount,
  classifyKeychainError,
  keychainMessage,
  KeychainUnavailableError,
  KeytarSecretStore,
  SECRET_SERVICE,
  tokenAccount,
  type KeychainFailure,
  type KeytarApi,
} from '../../electron/core/secrets.ts';
import { MemorySecretStore } from '../support/memory-secret-store.ts';

/**
 * Stands in for keytar where the real Secret Service cannot be made to misbehave on cue
 * (test/integration/secrets.test.ts covers the real one). `locked` mimics libsecret on a
 * locked keyring: writes refused or not, reads null, deletes false, listing crashes.
 */
class FakeKeytar implements KeytarApi {
  readonly items = new Map<string, string>();
  locked: 'no' | 'silent' | 'refuses-writes' = 'no';
  hang = false;
  private releaseHung: Array<() => void> = [];
  calls: string[] = [];

  release(): void {
    for (const release of this.releaseHung.splice(0)) release();
  }

  private async step(name: string): Promise<void> {
    this.calls.push(name);
    if (this.hang) await new Promise<void>((resolve) => this.releaseHung.push(resolve));
  }

  async getPassword(service: string, account: string): Promise<string | null> {
    await this.step('get');
    if (this.locked !== 'no') return null;
    return this.items.get(`${service}/${account}`) ?? null;
  }

  async setPassword(service: string, account: string, password: string): Promise<void> {
    await this.step('set');
    if (this.locked === 'refuses-writes') throw new Error('Cannot create an item in a locked collection');
    this.items.set(`${service}/${account}`, password);
  }

  async deletePassword(service: string, account: string): Promise<boolean> {
    await this.step('delete');
    if (this.locked !== 'no') return false;
    return this.items.delete(`${service}/${account}`);
  }

  async findCredentials(service: string): Promise<Array<{ account: string; password: string }>> {
    await this.step('find');
    if (this.locked !== 'no')
      throw new Error('findCredentials on a locked keyring: keytar would have crashed the process');
    return [...this.items]
      .filter(([key]) => key.startsWith(`${service}/`))
      .map(([key, password]) => ({ account: key.slice(service.length + 1), password }));
  }
}

function storeOver(
  fake: FakeKeytar,
  options: { timeoutMs?: number; platform?: NodeJS.Platform } = {},
): KeytarSecretStore {
  return new KeytarSecretStore({ loadKeytar: async () => fake, platform: 'linux', ...options });
}

async function failureOf(promise: Promise<unknown>): Promise<KeychainUnavailableError> {
  const error = await promise.then(
    () => {
      throw new Error('expected the keychain call to fail');
    },
    (caught: unknown) => caught,
  );
  expect(isDeskError(error)).toBe(true);
  expect(error).toBeInstanceOf(KeychainUnavailableError);
  const unavailable = error as KeychainUnavailableError;
  expect(unavailable.code).toBe('KEYCHAIN_UNAVAILABLE');
  return unavailable;
}

describe('keychain failure modes', () => {
  // Each raw text is what keytar 7.9 / libsecret / gnome-keyring 42 said on this machine
  // (test/integration/secrets.test.ts provokes them for real), plus documented variants.
  const observed: Array<[string, KeychainFailure]> = [
    ['Cannot autolaunch D-Bus without X11 $DISPLAY', 'no-session-bus'],
    ['Could not connect: No such file or directory', 'no-session-bus'],
    ['Address element “garbage” does not contain a colon (:)', 'no-session-bus'],
    [
      'Error spawning command line “dbus-launch --autolaunch=3d12 --binary-syntax --close-stderr”: Child process exited with code 1',
      'no-session-bus',
    ],
    ['The name org.freedesktop.secrets was not provided by any .service files', 'no-secret-service'],
    [
      'GDBus.Error:org.freedesktop.DBus.Error.ServiceUnknown: The name org.freedesktop.secrets was not provided by any .service files',
      'no-secret-service',
    ],
    ['Cannot create an item in a locked collection', 'locked'],
    ['Cannot get secret of a locked object', 'locked'],
    ['User interaction is not allowed.', 'locked'],
    ['Object does not exist at path “/org/freedesktop/secrets/collection/login”', 'no-keyring'],
    ['No such secret collection at path: /', 'no-keyring'],
    ['Timeout was reached', 'timeout'],
    ['Something nobody has seen before', 'refused'],
  ];
  it.each(observed)('classifies %j as %s', (raw, failure) => {
    expect(classifyKeychainError(raw)).toBe(failure);
  });

  it('tells a Linux user the remedy for each mode', () => {
    expect(keychainMessage('no-session-bus', 'linux', 5000)).toMatch(/desktop session.*dbus-run-session/);
    expect(keychainMessage('no-secret-service', 'linux', 5000)).toMatch(
      /GNOME Keyring or KWallet.*gnome-keyring/,
    );
    expect(keychainMessage('locked', 'linux', 5000)).toMatch(/locked.*Unlock it.*Passwords and Keys/);
    expect(keychainMessage('no-keyring', 'linux', 5000)).toMatch(
      /No default keyring.*Create one in Passwords and Keys/,
    );
    expect(keychainMessage('timeout', 'linux', 300)).toMatch(/within 300 ms.*unlock prompt/);
    expect(keychainMessage('module-missing', 'linux', 5000)).toMatch(/libsecret/);
  });

  it('uses macOS and Windows words on those platforms', () => {
    expect(keychainMessage('locked', 'darwin', 5000)).toMatch(/Keychain Access/);
    expect(keychainMessage('no-session-bus', 'darwin', 5000)).not.toMatch(/D-Bus/);
    expect(keychainMessage('refused', 'win32', 5000)).toMatch(/Credential Manager/);
    expect(keychainMessage('timeout', 'win32', 5000)).toMatch(/within 5 s/);
  });
});

describe('KeytarSecretStore over a stand-in keytar', () => {
  it('keeps entries under the BillPro Desk service with the token and cache-key accounts', async () => {
    const fake = new FakeKeytar();
    const store = storeOver(fake);
    await store.set(tokenAccount('p1'), 'tok-1');
    await store.set(cacheKeyAccount('p1'), 'key-1');
    expect([...fake.items.keys()].sort()).toEqual(['BillPro Desk/p1', 'BillPro Desk/p1:cache']);
    expect(SECRET_SERVICE).toBe('BillPro Desk');
    expect(await store.get('p1')).toBe('tok-1');
    expect(await store.accounts()).toEqual(['p1', 'p1:cache']);
  });

  it('answers null for a missing entry once a probe proves the keyring is open, and leaves no probe behind', async () => {
    const fake = new FakeKeytar();
    const store = storeOver(fake);
    expect(await store.get('nobody')).toBeNull();
    expect(fake.calls).toEqual(['get', 'set', 'get', 'delete']);
    expect(fake.items.size).toBe(0);
    expect(await store.delete('nobody')).toBe(false);
  });

  it('reports a silently locked keyring instead of answering "no token"', async () => {
    const fake = new FakeKeytar();
    fake.items.set('BillPro Desk/p1', 'tok-1');
    fake.locked = 'silent';
    const store = storeOver(fake);
    expect((await failureOf(store.get('p1'))).failure).toBe('locked');
    expect((await failureOf(store.delete('p1'))).failure).toBe('locked');
    expect((await failureOf(store.check())).failure).toBe('locked');
    const listing = await failureOf(store.accounts());
    expect(listing.failure).toBe('locked');
    expect(fake.calls).not.toContain('find');
    expect(listing.message).toMatch(/Unlock it/);
  });

  it("reports a keyring that refuses writes as locked, with keytar's words only in the cause", async () => {
    const fake = new FakeKeytar();
    fake.locked = 'refuses-writes';
    const error = await failureOf(storeOver(fake).check());
    expect(error.failure).toBe('locked');
    expect((error.cause as Error).message).toBe('Cannot create an item in a locked collection');
    expect(error.message).not.toContain('collection');
  });

  it('shares one probe between concurrent lookups', async () => {
    const fake = new FakeKeytar();
    const store = storeOver(fake);
    expect(await Promise.all([store.get('a'), store.get('b'), store.get('c')])).toEqual([null, null, null]);
    expect(fake.calls.filter((call) => call === 'set')).toHaveLength(1);
  });

  it('does not probe on macOS or Windows, where a missing entry really is missing', async () => {
    const fake = new FakeKeytar();
    fake.locked = 'silent';
    expect(await storeOver(fake, { platform: 'darwin' }).get('p1')).toBeNull();
    expect(fake.calls).toEqual(['get']);
  });

  it('fails a hung call after the timeout, fails fast while it is stuck, and recovers when it returns', async () => {
    const fake = new FakeKeytar();
    const store = storeOver(fake, { timeoutMs: 50 });
    fake.hang = true;
    const started = Date.now();
    const error = await failureOf(store.get('p1'));
    expect(error.failure).toBe('timeout');
    expect(error.message).toMatch(/did not answer within 50 ms/);
    expect(Date.now() - started).toBeLessThan(1000);

    const callsBefore = fake.calls.length;
    expect((await failureOf(store.set('p1', 'tok-1'))).failure).toBe('timeout');
    expect(fake.calls.length).toBe(callsBefore);

    fake.hang = false;
    fake.release();
    await new Promise((resolve) => setImmediate(resolve));
    await store.set('p1', 'tok-1');
    expect(await store.get('p1')).toBe('tok-1');
  });

  it('never keeps the process alive with its timer', async () => {
    const fake = new FakeKeytar();
    const store = storeOver(fake, { timeoutMs: 60_000 });
    const timers = (): number => process.getActiveResourcesInfo().filter((kind) => kind === 'Timeout').length;
    const before = timers();
    fake.hang = true;
    const pending = store.get('p1');
    await new Promise((resolve) => setImmediate(resolve));
    expect(timers()).toBe(before);
    fake.hang = false;
    fake.release();
    await pending;
    expect(timers()).toBe(before);
  });

  it('turns a keytar that cannot load into KEYCHAIN_UNAVAILABLE naming libsecret', async () => {
    const store = new KeytarSecretStore({
      platform: 'linux',
      loadKeytar: () =>
        Promise.reject(
          new Error('libsecret-1.so.0: cannot open shared object file: No such file or directory'),
        ),
    });
    const error = await failureOf(store.check());
    expect(error.failure).toBe('module-missing');
    expect(error.message).toMatch(/libsecret-1-0/);
    expect((error.cause as Error).message).toMatch(/libsecret-1\.so\.0/);
    expect((await failureOf(store.get('p1'))).failure).toBe('module-missing');
  });

  it('never lets the secret into an error, even when the keychain echoes it', async () => {
    const fake = new FakeKeytar();
    fake.setPassword = async (_service, _account, password) => {
      throw new Error(`refused to store "${password}" for no reason`);
    };
    const error = await failureOf(storeOver(fake).set('p1', 'tok-SECRET-123'));
    const everything = JSON.stringify({
      message: error.message,
      cause: (error.cause as Error).message,
      json: error.toJSON(),
      stack: error.stack,
    });
    expect(everything).not.toContain('tok-SECRET-123');
    expect((error.cause as Error).message).toContain('[redacted]');
  });

  it('rejects an empty secret or account as BAD_INPUT without touching the keychain', async () => {
    const fake = new FakeKeytar();
    const store = storeOver(fake);
    await expect(store.set('p1', '')).rejects.toMatchObject({ code: 'BAD_INPUT' });
    await expect(store.get('')).rejects.toMatchObject({ code: 'BAD_INPUT' });
    expect(fake.calls).toEqual([]);
  });

  it('lists accounts without its own probe items', async () => {
    const fake = new FakeKeytar();
    fake.items.set('BillPro Desk/__desk_probe__:left-by-a-crash', 'x');
    fake.items.set('BillPro Desk/p2', 'tok-2');
    fake.items.set('Someone Else/p9', 'tok-9');
    expect(await storeOver(fake).accounts()).toEqual(['p2']);
  });
});

describe('MemorySecretStore (unit tests only)', () => {
  it('round-trips like the keychain and can be made to fail like it', async () => {
    const store = new MemorySecretStore({ p1: 'tok-1' });
    await store.set('p2', 'tok-2');
    expect(await store.get('p1')).toBe('tok-1');
    expect(await store.accounts()).toEqual(['p1', 'p2']);
    expect(await store.delete('p1')).toBe(true);
    expect(await store.get('p1')).toBeNull();
    store.failWith('locked');
    const error = await failureOf(store.get('p2'));
    expect(error.failure).toBe('locked');
    store.failWith(undefined);
    expect(await store.get('p2')).toBe('tok-2');
  });
});
