/** What the diagnostics redaction removes from a log line, and what it leaves readable. */
import { describe, expect, it } from 'vitest';
import { redact } from '../../electron/core/diagnostics/diagnostics.ts';
import { buildZip } from '../../electron/core/diagnostics/zip.ts';

describe('redact', () => {
  it('removes known secrets by value, bearer headers, secret fields, e-mail addresses and phone numbers', () => {
    const token = 'tok_3b9f0c1d2e4a5b6c';
    expect(redact(`GET /orders failed; token was ${token}; again ${token}`, [token])).toBe(
      'GET /orders failed; token was [token]; again [token]',
    );
    expect(redact('Authorization: Bearer abc.DEF-123_x', [])).toBe('Authorization: [redacted] [redacted]');
    expect(redact('header bearer abc.DEF-123', [])).toBe('header bearer [redacted]');
    expect(redact('{"token":"s3cr3t","rows":4}', [])).toBe('{"token":[redacted],"rows":4}');
    expect(redact('api_key=zzz&page=2', [])).toBe('api_key=[redacted]&page=2');
    expect(redact('created dana.borys@example.com (+44 7911 123456)', [])).toBe('created [email] ([phone])');
  });

  it('keeps what support needs: times, versions, addresses of servers, counts', () => {
    const line = '2026-12-01T04:00:00.000Z info v1.4.2 pulled 20 rows from http://127.0.0.1:42549/api/v1 in 351 ms (Electron 45.4.1)';
    expect(redact(line, ['short'])).toBe(line);
  });
});

describe('buildZip', () => {
  it('refuses names that would escape the folder it is unpacked into', () => {
    expect(() => buildZip([{ name: '../evil', data: 'x' }])).toThrow(/safe name/);
    expect(() => buildZip([{ name: '/etc/x', data: 'x' }])).toThrow(/safe name/);
    expect(() => buildZip([{ name: 'a', data: 'x' }, { name: 'a', data: 'y' }])).toThrow(/Two entries/);
  });
});
