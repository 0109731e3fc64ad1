/**
 * The Desk's local log: `<dataDir>/logs/desk.log`, what went wrong in detail (file paths, library
 * text, causes) so the renderer never has to show it. Diagnostics (branch `release`) zip the
 * folder `logFolder(dataDir)` gives.
 *
 * - Rotated: past MAX_BYTES the file moves to `desk.log.1` (… up to KEEP old files).
 * - Private: the folder is 0700 and the files 0600 (see data-dir.ts).
 * - No tokens: every line passes the redactor of every secret this process has handled
 *   (`protectSecret`), plus any `Bearer …` / `Basic …` credential.
 * - No customer data beyond ids: e-mail addresses and (international, `+…`) phone numbers are
 *   blanked, digit runs (ids, seqs) stay; the Desk logs codes, method names and ids, never
 *   request bodies.
 * Writing is synchronous and never throws: a log that cannot be written must not break a call.
 */
import { appendFileSync, renameSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';
import { ensurePrivateDir, PRIVATE_FILE_MODE } from './data-dir.ts';
import { redactor } from './redact.ts';

export const LOG_FILE = 'desk.log';
const MAX_BYTES = 1024 * 1024;
const KEEP = 3;
const MAX_LINE = 4000;

/** The folder that holds the log files (for diagnostics). */
export function logFolder(dataDir: string): string {
  return path.join(dataDir, 'logs');
}

const secrets = new Set<string>();
let redactSecrets: (text: string) => string = (text) => text;

/** Remember a secret (API token, cache key) so no log line ever carries it. */
export function protectSecret(secret: string): void {
  if (secrets.has(secret)) return;
  secrets.add(secret);
  redactSecrets = redactor([...secrets]);
}

/** What a log line may hold: scalars only, so no body or object graph slips in whole. */
export type LogDetails = Record<string, string | number | boolean | null | undefined>;

/** A line as written: secrets, credentials, e-mail addresses and phone numbers blanked. */
export function scrub(text: string): string {
  let line = redactSecrets(text).replace(/\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]+/gi, '$1 [redacted]');
  // Bounded repetitions: linear time on any line (an unbounded local part backtracks quadratically).
  if (line.includes('@')) line = line.replace(/[A-Za-z0-9._%+-]{1,64}@[A-Za-z0-9-]{1,63}(?:\.[A-Za-z0-9-]{1,63}){0,8}\.[A-Za-z]{2,24}/g, '[email]');
  // Phone numbers as BillPro holds them (international, with a +); plain digit runs are ids and stay.
  return line.replace(/\+\d[\d ()-]{6,24}\d/g, '[phone]');
}

export class DeskLog {
  readonly file: string;

  constructor(readonly folder: string) {
    this.file = path.join(folder, LOG_FILE);
  }

  error(event: string, details: LogDetails = {}): void {
    this.write('error', event, details);
  }

  warn(event: string, details: LogDetails = {}): void {
    this.write('warn', event, details);
  }

  info(event: string, details: LogDetails = {}): void {
    this.write('info', event, details);
  }

  private write(level: string, event: string, details: LogDetails): void {
    try {
      const parts = [new Date().toISOString(), level, event];
      for (const [key, value] of Object.entries(details)) if (value !== undefined) parts.push(`${key}=${JSON.stringify(value)}`);
      let line = scrub(parts.join(' ').replace(/[\r\n]+/g, ' '));
      if (line.length > MAX_LINE) line = `${line.slice(0, MAX_LINE)}…`;
      ensurePrivateDir(this.folder);
      this.rotateIfFull(Buffer.byteLength(line) + 1);
      appendFileSync(this.file, line + '\n', { mode: PRIVATE_FILE_MODE });
    } catch {
      // Logging is best effort.
    }
  }

  private rotateIfFull(adding: number): void {
    const size = statSync(this.file, { throwIfNoEntry: false })?.size ?? 0;
    if (size + adding <= MAX_BYTES) return;
    rmSync(`${this.file}.${KEEP}`, { force: true });
    for (let n = KEEP - 1; n >= 1; n--) {
      try {
        renameSync(`${this.file}.${n}`, `${this.file}.${n + 1}`);
      } catch {
        // that generation does not exist yet
      }
    }
    renameSync(this.file, `${this.file}.1`);
  }
}

/** The log of the Desk working on `dataDir`. */
export function openLog(dataDir: string): DeskLog {
  return new DeskLog(logFolder(dataDir));
}

/** The whole story of an error for the log: names, messages and codes down its cause chain. */
export function describeError(error: unknown): string {
  const parts: string[] = [];
  let current: unknown = error;
  for (let depth = 0; depth < 5 && current !== undefined && current !== null; depth++) {
    if (current instanceof Error) {
      const code = (current as { code?: unknown }).code;
      parts.push(`${current.name}${typeof code === 'string' ? `[${code}]` : ''}: ${current.message}`);
      current = current.cause;
    } else {
      parts.push(String(current));
      break;
    }
  }
  return parts.join(' <- ');
}
