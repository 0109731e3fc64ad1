/**
 * FOR UNIT TESTS ONLY. Keeps secrets in this process's memory, so they vanish when it exits
 * and are never protected by the OS: the app must always use KeytarSecretStore. It exists so
 * unit tests of the Desk, profiles and the cache can run without a Secret Service, and can
 * make the keychain fail on purpose with failWith().
 */
import { DeskError } from '../../electron/common/errors.ts';
import { keychainUnavailable, type KeychainFailure, type SecretStore } from '../../electron/core/secrets.ts';

export class MemorySecretStore implements SecretStore {
  private readonly entries = new Map<string, string>();
  private failure: KeychainFailure | undefined;

  constructor(initial: Record<string, string> = {}) {
    for (const [account, secret] of Object.entries(initial)) this.entries.set(account, secret);
  }

  /** From now on every call fails as the real keychain would in that mode; undefined heals it. */
  failWith(failure: KeychainFailure | undefined): void {
    this.failure = failure;
  }

  async get(account: string): Promise<string | null> {
    this.ready(account);
    return this.entries.get(account) ?? null;
  }

  async set(account: string, secret: string): Promise<void> {
    this.ready(account);
    if (secret.length === 0) throw new DeskError('BAD_INPUT', 'Nothing to save: the secret is empty.');
    this.entries.set(account, secret);
  }

  async delete(account: string): Promise<boolean> {
    this.ready(account);
    return this.entries.delete(account);
  }

  async accounts(): Promise<string[]> {
    this.ready();
    return [...this.entries.keys()].sort();
  }

  async check(): Promise<void> {
    this.ready();
  }

  private ready(account?: string): void {
    if (this.failure !== undefined) throw keychainUnavailable(this.failure, process.platform, 0);
    if (account !== undefined && account.length === 0) {
      throw new DeskError('BAD_INPUT', 'A keychain account name is required.');
    }
  }
}
