/**
 * The SecretStore the app uses: the OS keychain through keytar (libsecret's Secret Service
 * on Linux, Keychain on macOS, Credential Manager on Windows).
 *
 * Three things the keychain does that the Desk must not pass on to people:
 * - it can hang (a stuck daemon, an unlock prompt nobody answers), so every call runs under a
 *   timeout and then fails as KEYCHAIN_UNAVAILABLE;
 * - on Linux a locked keyring makes reads return null and deletes return false, exactly as if
 *   the entry did not exist, so before the store answers "nothing there" it proves the
 *   keyring is usable with a probe write and read-back;
 * - on Linux listing a locked keyring crashes keytar (it dereferences a secret libsecret did
 *   not load), so accounts() probes before it lists.
 */
import { randomUUID } from 'node:crypto';
import { DeskError } from '../../common/errors.ts';
import type { SecretStore } from './secret-store.ts';
import { isProbeAccount, PROBE_ACCOUNT, SECRET_SERVICE } from './accounts.ts';
import { classifyKeychainError, keychainUnavailable, type KeychainFailure } from './keychain-failure.ts';

/** The part of keytar the store uses. */
export interface KeytarApi {
  getPassword(service: string, account: string): Promise<string | null>;
  setPassword(service: string, account: string, password: string): Promise<void>;
  deletePassword(service: string, account: string): Promise<boolean>;
  findCredentials(service: string): Promise<Array<{ account: string; password: string }>>;
}

export interface KeytarSecretStoreOptions {
  /** Keychain service name; the app keeps the default, tests use their own to stay apart. */
  service?: string;
  /** How long one keychain call may take before it fails as KEYCHAIN_UNAVAILABLE. */
  timeoutMs?: number;
  /** Whose words the messages use, and whether locked reads are silent (Linux). */
  platform?: NodeJS.Platform;
  /** Loads keytar; replaced in unit tests. Loaded on first use, so a broken native module fails one call, not the app's start. */
  loadKeytar?: () => Promise<KeytarApi>;
}

export const DEFAULT_KEYCHAIN_TIMEOUT_MS = 5000;

async function importKeytar(): Promise<KeytarApi> {
  const loaded = await import('keytar');
  return loaded.default;
}

function rawMessage(error: unknown): string {
  if (error instanceof Error) return error.message;
  return typeof error === 'string' ? error : 'Unknown keychain error';
}

export class KeytarSecretStore implements SecretStore {
  readonly service: string;
  readonly timeoutMs: number;
  private readonly platform: NodeJS.Platform;
  private readonly loadKeytar: () => Promise<KeytarApi>;
  private keytar: Promise<KeytarApi> | undefined;
  /** Calls that timed out but whose native work is still running (it holds a libuv thread). */
  private stuck = 0;
  private probing: Promise<void> | undefined;

  constructor(options: KeytarSecretStoreOptions = {}) {
    this.service = options.service ?? SECRET_SERVICE;
    this.timeoutMs = options.timeoutMs ?? DEFAULT_KEYCHAIN_TIMEOUT_MS;
    this.platform = options.platform ?? process.platform;
    this.loadKeytar = options.loadKeytar ?? importKeytar;
  }

  async get(account: string): Promise<string | null> {
    requireAccount(account);
    const secret = await this.call((keytar) => keytar.getPassword(this.service, account));
    if (secret === null && this.lockedLooksEmpty()) await this.probe();
    return secret;
  }

  async set(account: string, secret: string): Promise<void> {
    requireAccount(account);
    if (typeof secret !== 'string' || secret.length === 0) {
      throw new DeskError('BAD_INPUT', 'Nothing to save: the secret is empty.');
    }
    await this.call((keytar) => keytar.setPassword(this.service, account, secret), secret);
  }

  async delete(account: string): Promise<boolean> {
    requireAccount(account);
    const deleted = await this.call((keytar) => keytar.deletePassword(this.service, account));
    if (!deleted && this.lockedLooksEmpty()) await this.probe();
    return deleted;
  }

  async accounts(): Promise<string[]> {
    if (this.lockedLooksEmpty()) await this.probe();
    const credentials = await this.call((keytar) => keytar.findCredentials(this.service));
    // Only the account names leave this function; the secrets keytar loaded alongside are dropped here.
    const accounts = new Set(
      credentials.map((credential) => credential.account).filter((account) => !isProbeAccount(account)),
    );
    return [...accounts].sort();
  }

  check(): Promise<void> {
    return this.probe();
  }

  private lockedLooksEmpty(): boolean {
    return this.platform === 'linux';
  }

  /**
   * Writes a throw-away item and reads it back. A keyring that refuses the write says why; one
   * that accepts it but hands back nothing is locked (libsecret's silent null). Each probe uses
   * its own account so two processes probing the same keyring cannot delete each other's item.
   * Concurrent callers in this process share one probe.
   */
  private probe(): Promise<void> {
    this.probing ??= this.runProbe().finally(() => {
      this.probing = undefined;
    });
    return this.probing;
  }

  private async runProbe(): Promise<void> {
    const account = `${PROBE_ACCOUNT}:${randomUUID()}`;
    const marker = randomUUID();
    await this.call((keytar) => keytar.setPassword(this.service, account, marker));
    const readBack = await this.call((keytar) => keytar.getPassword(this.service, account));
    await this.call((keytar) => keytar.deletePassword(this.service, account));
    if (readBack !== marker) {
      throw this.unavailable(
        'locked',
        new Error(
          `The keychain accepted a write but read back ${readBack === null ? 'nothing' : 'something else'}`,
        ),
      );
    }
  }

  private unavailable(failure: KeychainFailure, cause?: Error): DeskError {
    return keychainUnavailable(failure, this.platform, this.timeoutMs, cause);
  }

  private keytarModule(): Promise<KeytarApi> {
    this.keytar ??= this.loadKeytar().catch((error: unknown) => {
      throw this.unavailable('module-missing', new Error(rawMessage(error)));
    });
    return this.keytar;
  }

  /**
   * Runs one keychain call under the timeout. The timer is unref'd and cleared on every
   * outcome, so it never holds the process open. While an earlier call is still stuck, new
   * calls fail at once: each stuck call occupies one of libuv's four pool threads, and piling
   * more on would stall file and crypto work in the whole main process.
   */
  private async call<T>(operation: (keytar: KeytarApi) => Promise<T>, secret?: string): Promise<T> {
    if (this.stuck > 0) {
      throw this.unavailable('timeout', new Error('An earlier keychain call is still waiting for an answer'));
    }
    const keytar = await this.keytarModule();
    return new Promise<T>((resolve, reject) => {
      let timedOut = false;
      const timer = setTimeout(() => {
        timedOut = true;
        this.stuck += 1;
        reject(
          this.unavailable('timeout', new Error(`No answer from the keychain within ${this.timeoutMs} ms`)),
        );
      }, this.timeoutMs);
      timer.unref();

      const settle = (): boolean => {
        clearTimeout(timer);
        if (timedOut) this.stuck -= 1;
        return !timedOut;
      };
      let work: Promise<T>;
      try {
        work = operation(keytar);
      } catch (error) {
        settle();
        reject(this.translate(error, secret));
        return;
      }
      work.then(
        (value) => {
          if (settle()) resolve(value);
        },
        (error: unknown) => {
          if (settle()) reject(this.translate(error, secret));
        },
      );
    });
  }

  private translate(error: unknown, secret: string | undefined): DeskError {
    if (error instanceof DeskError) return error;
    let raw = rawMessage(error);
    // libsecret never echoes a secret, but a future keytar or OS might: it must not reach a log.
    if (secret !== undefined && secret.length > 0) raw = raw.split(secret).join('[redacted]');
    return this.unavailable(classifyKeychainError(raw), new Error(raw));
  }
}

function requireAccount(account: string): void {
  if (typeof account !== 'string' || account.length === 0) {
    throw new DeskError('BAD_INPUT', 'A keychain account name is required.');
  }
}
