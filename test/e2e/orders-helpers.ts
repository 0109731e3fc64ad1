/**
 * What the orders and payments specs share: connecting the Desk to the spec's own sandbox
 * process (not the built-in one, so the spec can ask that BillPro what it holds), the
 * accessibility check, and forgetting the spec's keychain entries afterwards (the private
 * keyring lives for the whole run; the spine spec counts what is in it).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import AxeBuilder from '@axe-core/playwright';
import { expect, type Page } from '@playwright/test';
import type { SandboxProcess, WebHostProcess } from './support/processes.ts';

export const PROFILE_NAME = 'Sandbox merchant';

/** Add the sandbox process as a custom-URL profile (first run) and open Orders. */
export async function connectSandbox(page: Page, sandbox: SandboxProcess, host: WebHostProcess): Promise<void> {
  await page.goto(host.openUrl);
  const connect = page.getByRole('heading', { name: 'Connect BillPro Desk' });
  const switcher = page.getByRole('navigation', { name: 'Merchant profiles' });
  await expect(connect.or(switcher)).toBeVisible();
  if (await connect.isVisible()) {
    await page.getByLabel('Profile name').fill(PROFILE_NAME);
    await page.getByLabel('Environment').selectOption('custom');
    await page.getByLabel('API base URL').fill(sandbox.baseUrl);
    await page.getByLabel('API token').fill(sandbox.tokens[0]!.token);
    await page.getByRole('button', { name: 'Add profile', exact: true }).click();
  }
  await expect(switcher).toBeVisible();
}

/** A call to the sandbox's BillPro API (or, with `control`, its test controls). */
export async function sandboxCall<T>(
  sandbox: SandboxProcess,
  pathAndQuery: string,
  init: { method?: string; body?: unknown; control?: boolean } = {},
): Promise<T> {
  const base = init.control ? sandbox.controlUrl : sandbox.baseUrl;
  const response = await fetch(`${base}${pathAndQuery}`, {
    method: init.method ?? 'GET',
    headers: { authorization: `Bearer ${sandbox.tokens[0]!.token}`, 'content-type': 'application/json' },
    ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) }),
  });
  expect(response.status, `${init.method ?? 'GET'} ${pathAndQuery}`).toBe(200);
  const body = (await response.json()) as T & { order?: T };
  // The order endpoints may wrap their answer in {"order": …}.
  return body.order ?? body;
}

/** No axe violation of impact serious or critical on the page as it is now. */
export async function expectNoSeriousA11yIssues(page: Page, what: string, disableRules: string[] = []): Promise<void> {
  const results = await new AxeBuilder({ page }).disableRules(disableRules).analyze();
  const serious = results.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  expect(serious.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`), what).toEqual([]);
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

/** A local calendar day `days` from now, as a date input takes it (YYYY-MM-DD). */
export function localDay(days: number): string {
  const d = new Date(Date.now() + days * 86_400_000);
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
}
