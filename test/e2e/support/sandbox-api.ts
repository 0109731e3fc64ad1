/**
 * Asking the spec's sandbox process directly, the way an integrator would: what BillPro holds is
 * what a spec compares the Desk's screens with.
 */
import { expect } from '@playwright/test';
import type { SandboxProcess } from './processes.ts';

/** A call to the sandbox's BillPro API (or, with `control`, its test controls); anything but 200 fails the spec. */
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
