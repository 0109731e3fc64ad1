/**
 * Where the Desk keeps API tokens and cache keys: the OS keychain, behind one small interface
 * (DESIGN.md "Data" → Secrets). Secrets stay in the main process; nothing here logs or
 * throws a secret value.
 */

export type { SecretStore } from './secrets/secret-store.ts';
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
