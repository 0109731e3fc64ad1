/**
 * `npm run web`: the console in a browser tab. Builds the renderer when it is missing or older
 * than its sources, opens the Desk on the app's data folder and the OS keychain, starts the web
 * host on 127.0.0.1 and prints the one URL to open.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';
import { Desk } from './core/desk.ts';
import { SandboxLauncher } from './sandbox/launcher.ts';
import { defaultDataDir } from './core/data-dir.ts';
import { KeytarSecretStore } from './core/secrets.ts';
import { startWebHost } from './web-host.ts';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const staticDir = path.join(root, 'dist', 'renderer');

async function newestMtime(dir: string): Promise<number> {
  let newest = 0;
  for (const entry of await readdir(dir, { withFileTypes: true, recursive: true })) {
    if (!entry.isFile()) continue;
    const info = await stat(path.join(entry.parentPath, entry.name));
    newest = Math.max(newest, info.mtimeMs);
  }
  return newest;
}

async function ensureRendererBuilt(): Promise<void> {
  const built = await stat(path.join(staticDir, 'index.html')).catch(() => null);
  const sources = Math.max(await newestMtime(path.join(root, 'renderer')), await newestMtime(path.join(root, 'electron')));
  if (built && built.mtimeMs >= sources) return;
  console.log(built ? 'Renderer sources changed: rebuilding…' : 'Building the console (first run)…');
  const result = spawnSync(process.execPath, [path.join(root, 'node_modules', 'vite', 'bin', 'vite.js'), 'build', '--logLevel', 'warn'], {
    cwd: root,
    stdio: 'inherit',
  });
  if (result.status !== 0) throw new Error('the renderer build failed (see above)');
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      port: { type: 'string', default: '0' },
      'data-dir': { type: 'string' },
      'no-build': { type: 'boolean', default: false },
    },
  });
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`--port must be 0-65535, got ${values.port}`);
  if (!values['no-build']) await ensureRendererBuilt();

  const pkg = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as { version: string };
  const dataDir = values['data-dir'] ? path.resolve(values['data-dir']) : defaultDataDir();
  const secrets = new KeytarSecretStore();
  await secrets.check();
  const desk = await Desk.create({
  dataDir,
  secrets,
  mode: 'web',
  version: pkg.version,
  platform: process.platform,
  launchers: { sandbox: new SandboxLauncher() },
});
  if (desk.startupProblem) console.warn(desk.startupProblem);
  const host = await startWebHost({ desk, staticDir, port });

  console.log(`BillPro Desk is running in browser mode.\nOpen: ${host.openUrl}\nData folder: ${dataDir}\nPress Ctrl+C to stop.`);

  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    await host.close();
    await desk.close();
    process.exit(0);
  };
  process.on('SIGINT', () => void stop());
  process.on('SIGTERM', () => void stop());
}

main().catch((error: unknown) => {
  const message = error instanceof Error ? error.message : String(error);
  console.error(`BillPro Desk could not start: ${message}`);
  process.exit(1);
});
