/**
 * Desktop smoke test: the built app starts, its window shows the console's first screen, the
 * preload bridge answers over real IPC, and the window cannot be navigated away or open others.
 * Runs only where Electron's binary exists (a developer's desktop); elsewhere it is skipped and
 * says plainly that it did not run.
 */
import { _electron as electron, expect, test } from '@playwright/test';
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { METHOD_NAMES, type PreloadApi } from '../../electron/common/contract.ts';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const NOT_RUN = 'Electron binary not present on this machine: the desktop smoke test did not run';

/** Where `npm install` put Electron's binary (node_modules/electron/path.txt names it), if it did. */
function electronBinary(): string | null {
  const pkg = path.join(root, 'node_modules', 'electron');
  const pathFile = path.join(pkg, 'path.txt');
  if (!existsSync(pathFile)) return null;
  const binary = path.join(pkg, 'dist', readFileSync(pathFile, 'utf8').trim());
  return existsSync(binary) ? binary : null;
}

const binary = electronBinary();
if (binary === null) console.log(NOT_RUN);

// The page's globals as this Node-typed file may name them (no DOM lib here).
type BridgeWindow = {
  billpro?: PreloadApi;
  require?: unknown;
  process?: unknown;
  open(url: string): unknown;
  location: { href: string };
};

test.describe('BillPro Desk in Electron', () => {
  test.skip(binary === null, NOT_RUN);

  test('starts on its first screen with a working, contained bridge', async () => {
    const main = path.join(root, 'dist', 'electron', 'main.cjs');
    expect(existsSync(main), 'dist/electron/main.cjs is missing: run `npm run build` first').toBe(true);
    const dataDir = await mkdtemp(path.join(os.tmpdir(), 'billpro-desk-smoke-'));
    const app = await electron.launch({
      executablePath: binary ?? undefined,
      args: [root],
      cwd: root,
      env: { ...process.env, BILLPRO_DESK_DATA: dataDir },
    });
    try {
      const page = await app.firstWindow();
      await expect(page).toHaveTitle('BillPro Desk');
      expect(new URL(page.url()).protocol).toBe('app:');
      // No profile yet: the console opens on its connect screen.
      await expect(page.getByRole('heading', { name: /connect billpro desk/i })).toBeVisible();
      expect(
        await app.evaluate(({ BrowserWindow }) => BrowserWindow.getAllWindows().map((w) => w.isVisible())),
      ).toEqual([true]);

      const bridge = await page.evaluate(() => {
        const w = globalThis as unknown as BridgeWindow;
        return {
          methods: Object.keys(w.billpro?.methods ?? {}).sort(),
          keys: Object.keys(w.billpro ?? {}).sort(),
          require: typeof w.require,
          process: typeof w.process,
        };
      });
      expect(bridge).toEqual({
        methods: [...METHOD_NAMES].sort(),
        keys: ['methods', 'on'],
        require: 'undefined',
        process: 'undefined',
      });

      const info = await page.evaluate(() =>
        (globalThis as unknown as BridgeWindow).billpro?.methods['app.info']({}),
      );
      expect(info).toMatchObject({ ok: true, value: { name: 'BillPro Desk', mode: 'electron' } });

      const opened = await page.evaluate(
        () => (globalThis as unknown as BridgeWindow).open('https://docs.bill.pro') === null,
      );
      expect(opened).toBe(true);
      await page.evaluate(() => {
        (globalThis as unknown as BridgeWindow).location.href = 'https://example.com/';
      });
      await page.waitForTimeout(500);
      expect(new URL(page.url()).protocol).toBe('app:');
      expect(await app.evaluate(({ BrowserWindow }) => BrowserWindow.getAllWindows().length)).toBe(1);
    } finally {
      await app.close();
      await rm(dataDir, { recursive: true, force: true });
    }
  });
});
