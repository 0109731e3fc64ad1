/**
 * Vitest global setup. Starts what the tests need before any worker forks, so the workers
 * (and every process they spawn) inherit it through the environment.
 *
 * One private Secret Service for the whole run (test/support/keyring.ts): a D-Bus session bus
 * with an unlocked gnome-keyring, in a temp folder. Only DBUS_SESSION_BUS_ADDRESS is exported:
 * that alone points libsecret, keytar and secret-tool at the private keyring, and HOME stays
 * the developer's so other tools keep working. The developer's real keychain is never touched.
 */
import { requireKeyringTools, startPrivateKeyring } from './keyring.ts';

export default async function setup(): Promise<() => Promise<void>> {
  await requireKeyringTools();
  const keyring = await startPrivateKeyring();
  const previous = process.env.DBUS_SESSION_BUS_ADDRESS;
  process.env.DBUS_SESSION_BUS_ADDRESS = keyring.env.DBUS_SESSION_BUS_ADDRESS;
  return async () => {
    if (previous === undefined) delete process.env.DBUS_SESSION_BUS_ADDRESS;
    else process.env.DBUS_SESSION_BUS_ADDRESS = previous;
    await keyring.stop();
  };
}
