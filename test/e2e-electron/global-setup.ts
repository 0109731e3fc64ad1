/**
 * Before the desktop specs on Linux: a private, unlocked Secret Service, so the app's tokens go
 * to a real keychain that is not the developer's. macOS and Windows use the runner's own
 * keychain (the spec removes its entries afterwards). Nothing to do where the specs are skipped.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { requireKeyringTools, startPrivateKeyring } from '../support/keyring.ts';

export default async function globalSetup(): Promise<(() => Promise<void>) | undefined> {
  const root = path.resolve(import.meta.dirname, '..', '..');
  const electronPresent = existsSync(path.join(root, 'node_modules', 'electron', 'path.txt'));
  if (process.platform !== 'linux' || !electronPresent) return undefined;
  await requireKeyringTools();
  const keyring = await startPrivateKeyring();
  process.env.DBUS_SESSION_BUS_ADDRESS = keyring.env.DBUS_SESSION_BUS_ADDRESS;
  return async () => keyring.stop();
}
