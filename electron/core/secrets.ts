/**
 * Where the Desk keeps API tokens and cache keys: the OS keychain, behind one small interface
 * (DESIGN.md "Data" → Secrets). Secrets stay in the main process; nothing here logs or
 * throws a secret value.
 */

export interface SecretStore {
  /** The secret, or null when there is none. Throws KEYCHAIN_UNAVAILABLE rather than answer null for a locked keyring. */
  get(account: string): Promise<string | null>;
  set(account: string, secret: string): Promise<void>;
  /** True when an entry was removed, false when there was none. */
  delete(account: string): Promise<boolean>;
  /** Every account under the Desk's service, sorted. */
  accounts(): Promise<string[]>;
  /** Resolves when the keychain can store and return a secret; throws KEYCHAIN_UNAVAILABLE saying what to do otherwise. */
  check(): Promise<void>;
}

export {
  SECRET_SERVICE,
  PROBE_ACCOUNT,
  tokenAccount,
  cacheKeyAccount,
  isProbeAccount,
} from './secrets/accounts.ts';
export {
  KEYCHAIN_FAILURES,
  KeychainUnavailableError,
  classifyKeychainError,
  keychainMessage,
  keychainUnavailable,
  type KeychainFailure,
} from './secrets/keychain-failure.ts';
export {
  KeytarSecretStore,
  DEFAULT_KEYCHAIN_TIMEOUT_MS,
  type KeytarApi,
  type KeytarSecretStoreOptions,
} from './secrets/keytar-store.ts';
export { MemorySecretStore } from './secrets/memory-store.ts';
