/**
 * The desktop app end to end, with the real Electron binary (CI's macOS, Windows and Linux
 * runners download it; `.github/workflows/ci.yml`):
 * - the built app starts on its first screen, the preload bridge answers over real IPC, and the
 *   window cannot be navigated away or open others;
 * - a person tries the sandbox, connects a merchant profile (its token goes to the OS keychain),
 *   creates a customer, quits; relaunched on the same data folder, the app opens on that
 *   profile, reaches BillPro with the token read back from the keychain, and shows the customer.
 * Where no binary exists (this project's own CI machine: ELECTRON_SKIP_BINARY_DOWNLOAD) every
 * test is skipped and says plainly that it did not run; a skip is never counted as a pass.
 */
import { _electron as electron, expect, test, type ElectronApplication, type Page } from '@playwright/test';
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { METHOD_NAMES, type PreloadApi } from '../../electron/common/contract.ts';
import { startSandboxProcess, type SandboxProcess } from '../e2e/support/processes.ts';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const NOT_RUN = 'Electron binary not present on this machine: the desktop end-to-end specs did not run';

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

test.describe('BillPro Desk in Electron, across a relaunch', () => {
  test.skip(binary === null, NOT_RUN);

  let sandbox: SandboxProcess | null = null;
  let dataDir = '';
  let app: ElectronApplication | null = null;

  test.afterAll(async () => {
    await app?.close().catch(() => undefined);
    // Forget the keychain entries this spec made (the OS keychain on macOS and Windows).
    if (dataDir) {
      const registry = JSON.parse(readFileSync(path.join(dataDir, 'profiles.json'), 'utf8')) as { profiles: { id: string }[] };
      const keytar = (await import('keytar')).default;
      for (const { id } of registry.profiles) {
        for (const account of [id, `${id}:cache`]) await keytar.deletePassword('BillPro Desk', account).catch(() => false);
      }
      await rm(dataDir, { recursive: true, force: true });
    }
    await sandbox?.stop();
  });

  async function launch(): Promise<Page> {
    app = await electron.launch({
      executablePath: binary ?? undefined,
      args: [root],
      cwd: root,
      env: { ...process.env, BILLPRO_DESK_DATA: dataDir },
    });
    const page = await app.firstWindow();
    await expect(page).toHaveTitle('BillPro Desk');
    return page;
  }

  test('tries the sandbox, connects a profile, creates a customer; relaunched, finds them with the token from the keychain', async () => {
    test.setTimeout(180_000);
    sandbox = await startSandboxProcess({ seed: 7 });
    dataDir = await mkdtemp(path.join(os.tmpdir(), 'billpro-desk-relaunch-'));
    const email = 'marguerite.oyelaran@example.com';

    let page = await launch();
    await page.getByRole('button', { name: 'Try the sandbox' }).click();
    const switcher = page.getByRole('navigation', { name: 'Merchant profiles' });
    await expect(switcher.getByRole('button', { name: /BillPro sandbox/ })).toHaveAttribute('aria-current', 'true');
    await expect(page.getByRole('status').filter({ hasText: /^Online$/ })).toBeVisible({ timeout: 60_000 });

    await switcher.getByRole('button', { name: 'Add a profile' }).click();
    await page.getByLabel('Profile name').fill('Northwind Studio');
    await page.getByLabel('Environment').selectOption('custom');
    await page.getByLabel('API base URL').fill(sandbox.baseUrl);
    await page.getByLabel('API token').fill(sandbox.tokens[0]!.token);
    await page.getByRole('button', { name: 'Add profile', exact: true }).click();
    await expect(switcher.getByRole('button', { name: /Northwind Studio/ })).toHaveAttribute('aria-current', 'true');

    await page.getByRole('navigation', { name: 'Screens' }).getByRole('link', { name: 'Customers' }).click();
    await page.getByRole('button', { name: 'New customer' }).click();
    for (const [label, value] of [
      ['First name', 'Marguerite'],
      ['Last name', 'Oyelaran'],
      ['Phone', '+447911123456'],
    ] as const) {
      await page.getByLabel(label).fill(value);
    }
    await page.getByLabel('Email').fill(email);
    const billing = page.getByRole('group', { name: 'Billing address' });
    for (const [label, value] of [
      ['Street', '28 Milsom St'],
      ['City', 'Bath'],
      ['Postal code', 'BA1 1DG'],
    ] as const) {
      await billing.getByLabel(label).fill(value);
    }
    await billing.getByLabel('Country').selectOption('GB');
    await page.getByRole('button', { name: 'Create customer' }).click();
    await expect(page.getByRole('heading', { level: 1, name: 'Marguerite Oyelaran' })).toBeVisible();

    await app?.close();
    app = null;

    page = await launch();
    const relaunched = page.getByRole('navigation', { name: 'Merchant profiles' });
    await expect(relaunched.getByRole('button', { name: /Northwind Studio/ })).toHaveAttribute('aria-current', 'true');
    await expect(relaunched.getByRole('button', { name: /BillPro sandbox/ })).toBeVisible();
    // Online again: the Desk read the profile's token back from the keychain and BillPro took it.
    await page.getByRole('button', { name: 'Sync now' }).click();
    await expect(page.getByRole('status').filter({ hasText: /^Online$/ })).toBeVisible({ timeout: 60_000 });
    await page.getByRole('navigation', { name: 'Screens' }).getByRole('link', { name: 'Customers' }).click();
    await page.getByRole('searchbox', { name: 'Search customers' }).fill('Oyelaran');
    await expect(page.getByRole('grid', { name: 'Customers' }).getByRole('row', { name: new RegExp(email.replace(/\./g, '\\.')) })).toBeVisible();
  });
});
