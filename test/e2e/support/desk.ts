/**
 * One spec's Desk: its own sandbox process and web host process over a fresh data folder, started
 * before the spec's tests and stopped after them. Afterwards the keychain entries of the profiles
 * the spec added are forgotten too: the private keyring lives for the whole run, and a spec that
 * counts what is in it must see only its own entries.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { expect, test, type BrowserContext, type Page } from '@playwright/test';
import { startSandboxProcess, startWebHostProcess, tempDataDir, type SandboxProcess, type WebHostProcess } from './processes.ts';

/**
 * Set in `beforeAll`. A spec that stops a process and starts it again puts the new one back here
 * (`desk.host = await startWebHostProcess(desk.dataDir)`), so `afterAll` stops the running one.
 */
export interface Desk {
  sandbox: SandboxProcess;
  host: WebHostProcess;
  dataDir: string;
}

/** A Desk whose only BillPro is the web host's built-in sandbox. */
export type HostOnlyDesk = Omit<Desk, 'sandbox'>;

export type SandboxOptions = NonNullable<Parameters<typeof startSandboxProcess>[0]>;

/**
 * Registers the spec's `beforeAll`/`afterAll`; call it once, at the top of the spec. The data
 * folder is made in `beforeAll`, not here, because Playwright also loads spec files only to list
 * their tests.
 */
export function useDesk(options?: { sandbox?: SandboxOptions }): Desk;
export function useDesk(options: { sandbox: false }): HostOnlyDesk;
export function useDesk(options: { sandbox?: SandboxOptions | false } = {}): Desk | HostOnlyDesk {
  const desk: Partial<Desk> = {};
  let removeData = (): void => {};
  test.beforeAll(async () => {
    const data = tempDataDir();
    desk.dataDir = data.dir;
    removeData = data.remove;
    if (options.sandbox !== false) desk.sandbox = await startSandboxProcess(options.sandbox);
    desk.host = await startWebHostProcess(data.dir);
  });
  test.afterAll(async () => {
    try {
      await desk.host?.stop();
      await desk.sandbox?.stop();
    } finally {
      if (desk.dataDir !== undefined) forgetProfiles(desk.dataDir);
      removeData();
    }
  });
  return desk as Desk;
}

/** Remove the keychain entries (token and cache key) of the profiles in a spec's data folder. */
export function forgetProfiles(dataDir: string): void {
  const file = path.join(dataDir, 'profiles.json');
  if (!existsSync(file)) return;
  const registry = JSON.parse(readFileSync(file, 'utf8')) as { profiles?: { id: string }[] };
  for (const { id } of registry.profiles ?? []) {
    for (const account of [id, `${id}:cache`]) {
      spawnSync('secret-tool', ['clear', 'service', 'BillPro Desk', 'account', account], { stdio: 'ignore' });
    }
  }
}

type Cookies = Awaited<ReturnType<BrowserContext['storageState']>>['cookies'];
const sessions = new WeakMap<WebHostProcess, Cookies>();

/**
 * Open the Desk in `page`: through the launch URL the first time (its key works once), then — in
 * the fresh browser context each later test gets — with the session cookie that first visit
 * earned. A restarted web host is a new WebHostProcess with a new key.
 */
export async function openDesk(page: Page, host: WebHostProcess): Promise<void> {
  const cookies = sessions.get(host);
  if (cookies) {
    await page.context().addCookies(cookies);
    await page.goto(`${host.origin}/`);
    return;
  }
  await page.goto(host.openUrl);
  sessions.set(host, (await page.context().storageState()).cookies);
}

export const PROFILE_NAME = 'Sandbox merchant';

/**
 * Add the spec's own sandbox process (not the web host's built-in one, so the spec can ask that
 * BillPro what it holds) as a custom-URL profile on first run; later, the profile is already there.
 */
export async function connectSandbox(page: Page, desk: Desk): Promise<void> {
  await openDesk(page, desk.host);
  const connect = page.getByRole('heading', { name: 'Connect BillPro Desk' });
  const switcher = page.getByRole('navigation', { name: 'Merchant profiles' });
  await expect(connect.or(switcher)).toBeVisible();
  if (await connect.isVisible()) {
    await page.getByLabel('Profile name').fill(PROFILE_NAME);
    await page.getByLabel('Environment').selectOption('custom');
    await page.getByLabel('API base URL').fill(desk.sandbox.baseUrl);
    await page.getByLabel('API token').fill(desk.sandbox.tokens[0]!.token);
    await page.getByRole('button', { name: 'Add profile', exact: true }).click();
  }
  await expect(switcher).toBeVisible();
}
