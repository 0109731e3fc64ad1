/**
 * Help → Export diagnostics: one zip an operator can send to BillPro or to us. It holds
 *   versions.json       app, Electron/Chromium/Node versions, platform, mode
 *   settings.json       desktop preferences and each profile's connection facts (no name, no token)
 *   sync.json           per profile: connectivity, last sync, outbox counts (no payloads)
 *   compatibility.json  each open profile's compatibility report (shapes only), else why not
 *   logs/*              <dataDir>/logs/* with every token, bearer header, e-mail address and
 *                       phone number replaced
 * It never reads the cache's rows, so no customer record can enter it; the log is redacted in
 * case a line quoted one. Tokens known to the keychain are removed by value wherever they occur.
 */
import { readdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { buildZip, type ZipEntry } from './zip.ts';

/** The largest log file taken whole; a larger one contributes its last bytes. */
const MAX_LOG_BYTES = 5 * 1024 * 1024;

export interface DiagnosticsInput {
  dataDir: string;
  versions: Record<string, string>;
  settings: unknown;
  sync: unknown;
  /** Each profile's compatibility report (or why it has none), or null when no profile was checked. */
  compatibility: unknown;
  /** Strings that must not appear anywhere in the bundle (API tokens, cache keys). */
  secrets: readonly string[];
  now?: Date;
}

const EMAIL = /[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}/g;
const BEARER = /\b(bearer|basic)\s+[A-Za-z0-9._~+/=-]+/gi;
const SECRET_FIELD = /(["']?(?:token|api[_-]?key|authorization|password|secret|cache[_-]?key)["']?\s*[:=]\s*)("[^"]*"|'[^']*'|[^\s,;}&]+)/gi;
/** International numbers as BillPro stores them (+44 7911 123456, +1 (555) 010-0000). */
const PHONE = /(?<![\w+])\+\d[\d ()-]{6,}\d/g;

/** Removes known secrets by value, then anything shaped like a credential or personal contact. */
export function redact(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const secret of [...secrets].filter((s) => s.length >= 6).sort((a, b) => b.length - a.length)) {
    out = out.split(secret).join('[token]');
  }
  return out
    .replace(BEARER, (_m, scheme: string) => `${scheme} [redacted]`)
    .replace(SECRET_FIELD, (_m, key: string) => `${key}[redacted]`)
    .replace(EMAIL, '[email]')
    .replace(PHONE, '[phone]');
}

async function logEntries(dataDir: string, secrets: readonly string[]): Promise<ZipEntry[]> {
  const dir = path.join(dataDir, 'logs');
  let names: string[];
  try {
    names = (await readdir(dir)).sort();
  } catch {
    return [{ name: 'logs/README.txt', data: 'No log folder on this device (<data folder>/logs is missing).\n' }];
  }
  const entries: ZipEntry[] = [];
  for (const name of names) {
    const file = path.join(dir, name);
    const info = await stat(file).catch(() => null);
    if (!info?.isFile()) continue;
    let text = await readFile(file, 'utf8');
    if (text.length > MAX_LOG_BYTES) text = `[… earlier lines left out …]\n${text.slice(-MAX_LOG_BYTES)}`;
    entries.push({ name: `logs/${name.replace(/[^A-Za-z0-9._-]/g, '_')}`, data: redact(text, secrets) });
  }
  return entries;
}

const json = (value: unknown) => `${JSON.stringify(value, null, 2)}\n`;

export async function buildDiagnostics(input: DiagnosticsInput): Promise<Buffer> {
  const scrub = (value: unknown) => redact(json(value), input.secrets);
  const entries: ZipEntry[] = [
    { name: 'versions.json', data: scrub(input.versions) },
    { name: 'settings.json', data: scrub(input.settings) },
    { name: 'sync.json', data: scrub(input.sync) },
    {
      name: 'compatibility.json',
      data: scrub(
        input.compatibility ?? { available: false, reason: 'No profile was checked.' },
      ),
    },
    ...(await logEntries(input.dataDir, input.secrets)),
  ];
  return buildZip(entries, input.now ?? new Date());
}

/** The connection facts of a profile worth sending: where it points, never how it authenticates. */
export function describeBaseUrl(baseUrl: string): string {
  try {
    const url = new URL(baseUrl);
    return `${url.protocol}//${url.host}${url.pathname}`;
  } catch {
    return '[not a URL]';
  }
}
