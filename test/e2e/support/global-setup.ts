/**
 * Before the specs: a private, unlocked Secret Service for the web hosts the specs start (so
 * tokens go to a real keychain, never the developer's), and a built renderer.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { requireKeyringTools, startPrivateKeyring } from '../../support/keyring.ts';

export default async function globalSetup(): Promise<() => Promise<void>> {
  const root = path.resolve(import.meta.dirname, '..', '..', '..');
  if (!existsSync(path.join(root, 'dist', 'renderer', 'index.html'))) {
    const built = spawnSync(process.execPath, [path.join(root, 'node_modules', 'vite', 'bin', 'vite.js'), 'build'], {
      cwd: root,
      stdio: 'inherit',
    });
    if (built.status !== 0) throw new Error('the renderer build failed');
  }
  await requireKeyringTools();
  const keyring = await startPrivateKeyring();
  process.env.DBUS_SESSION_BUS_ADDRESS = keyring.env.DBUS_SESSION_BUS_ADDRESS;
  return async () => keyring.stop();
}
