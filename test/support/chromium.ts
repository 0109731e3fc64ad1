/**
 * How every browser run here starts Debian's Chromium (e2e specs and benchmarks): never a
 * downloaded browser, and without the background connections a closed network refuses.
 */
import { existsSync } from 'node:fs';

export const CHROMIUM_PATH: string | undefined =
  process.env.CHROMIUM_PATH ?? (existsSync('/usr/bin/chromium') ? '/usr/bin/chromium' : undefined);

export const CHROMIUM_ARGS: readonly string[] = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
