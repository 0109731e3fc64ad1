/**
 * The local log (core/log.ts) on real files: private, rotated, and scrubbed of secrets, contact
 * data and credentials, whatever a caller passes it.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { LOG_FILE, logFolder, openLog, protectSecret } from '../../electron/core/log.ts';

const dataDir = mkdtempSync(path.join(os.tmpdir(), 'desk-log-'));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

describe('desk.log', () => {
  it('lives in <dataDir>/logs, private to the user', () => {
    const log = openLog(dataDir);
    log.error('call.failed', { method: 'products.list', code: 'SERVER' });
    expect(logFolder(dataDir)).toBe(path.join(dataDir, 'logs'));
    expect((statSync(logFolder(dataDir)).mode & 0o777).toString(8)).toBe('700');
    expect((statSync(path.join(logFolder(dataDir), LOG_FILE)).mode & 0o777).toString(8)).toBe('600');
    expect(readFileSync(path.join(logFolder(dataDir), LOG_FILE), 'utf8')).toMatch(/ error call\.failed method="products\.list" code="SERVER"\n$/);
  });

  it('never writes a protected secret (any case, base64), a credential, an e-mail address or a phone number', () => {
    const secret = 'f00dfeedcafe1234567890abcdef';
    protectSecret(secret);
    const log = openLog(dataDir);
    log.error('call.failed', {
      detail: `echo ${secret.toUpperCase()} / ${Buffer.from(`Bearer ${secret}`).toString('base64')} / Authorization: Basic dXNlcjpwYXNz / dana@example.com / +44 7700 900123`,
      id: 1234,
      seq: 1764567890123456,
    });
    const last = readFileSync(path.join(logFolder(dataDir), LOG_FILE), 'utf8').trim().split('\n').at(-1)!;
    expect(last.toLowerCase()).not.toContain(secret);
    expect(last).not.toContain(Buffer.from(`Bearer ${secret}`).toString('base64').slice(12, 30));
    expect(last).not.toContain('dXNlcjpwYXNz');
    expect(last).not.toContain('dana@example.com');
    expect(last).not.toContain('7700 900123');
    expect(last).toContain('id=1234');
    expect(last).toContain('seq=1764567890123456');
  });

  it('rotates past 1 MiB and keeps three old files', () => {
    const log = openLog(dataDir);
    const filler = 'x'.repeat(3_000);
    // About 340 lines of 3 KB fill 1 MiB.
    for (let i = 0; i < 400; i++) log.info('filler', { i, filler });
    const files = readdirSync(logFolder(dataDir)).sort();
    expect(files).toEqual([LOG_FILE, `${LOG_FILE}.1`]);
    for (const file of files) expect(statSync(path.join(logFolder(dataDir), file)).size).toBeLessThanOrEqual(1024 * 1024);
    const started = Date.now();
    for (let i = 0; i < 1_400; i++) log.info('filler', { i, filler });
    // Scrubbing stays linear: a 3 KB line is written in well under a millisecond or so, not tens.
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(readdirSync(logFolder(dataDir)).sort()).toEqual([LOG_FILE, `${LOG_FILE}.1`, `${LOG_FILE}.2`, `${LOG_FILE}.3`]);
  });
});
