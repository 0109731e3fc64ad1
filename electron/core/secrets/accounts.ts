/**
 * Where the Desk's secrets live in the OS keychain (DESIGN.md "Data" → Secrets). Changing any
 * of these strands every token people have already saved, so they are fixed here once.
 */
export const SECRET_SERVICE = 'BillPro Desk';

/** The account under which a profile's BillPro API token is kept. */
export function tokenAccount(profileId: string): string {
  return profileId;
}

/** The account under which the key of a profile's encrypted cache is kept. */
export function cacheKeyAccount(profileId: string): string {
  return `${profileId}:cache`;
}

/**
 * Written and removed again by SecretStore.check() to prove the keychain accepts writes and
 * hands them back; never a real profile id, and hidden from accounts().
 */
export const PROBE_ACCOUNT = '__desk_probe__';

/** True for the probe's own items (PROBE_ACCOUNT, or PROBE_ACCOUNT + ':' + a per-probe id). */
export function isProbeAccount(account: string): boolean {
  return account === PROBE_ACCOUNT || account.startsWith(`${PROBE_ACCOUNT}:`);
}
