/** What every keychain behind the Desk offers (see ../secrets.ts). */
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
