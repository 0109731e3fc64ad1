/**
 * kill -9 against a real process holding the cache: what was committed survives, what was
 * mid-transaction vanishes whole, the file stays sound, and an entry caught `sending` comes back
 * `unknown`.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { openStore } from '../../electron/core/store/index.ts';

const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
const storeModule = pathToFileURL(join(repoRoot, 'electron/core/store/index.ts')).href;
const dir = mkdtempSync(join(tmpdir(), 'billpro-crash-'));
const KEY = 'crash-test-key-90be';
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/**
 * The child: `mode` "hang" commits 150 outbox entries (marking the first `sending`), then opens a
 * big transaction and spins inside it; "stream" commits entries for ever. It prints each
 * committed seq, so the parent knows what must survive.
 */
const CHILD = `
import { writeSync } from 'node:fs';
const [file, key, mode, storeModule] = process.argv.slice(2);
const { openStore } = await import(storeModule);
const store = openStore({ file, encryptionKey: key });
const stamp = '2024-01-01T00:00:00Z';
const customer = (id) => ({ id, customer_id: 'CUS' + id, first_name: 'First' + id, last_name: 'Last' + id,
  email: 'p' + id + '@example.com', created_at: stamp, updated_at: stamp });
store.cache.upsertMany('customers', [customer(1), customer(2), customer(3)]);
const queue = (i) => store.outbox.enqueue({ kind: 'customer.update', targetId: (i % 3) + 1,
  payload: { first_name: 'Name' + i, last_name: 'Last', email: 'p' + ((i % 3) + 1) + '@example.com' } });
writeSync(1, 'open\\n');
if (mode === 'stream') {
  for (let i = 0; ; i++) writeSync(1, 'committed ' + queue(i).seq + '\\n');
}
for (let i = 0; i < 150; i++) {
  const entry = queue(i);
  if (i === 0) store.outbox.markSending(entry.seq);
  writeSync(1, 'committed ' + entry.seq + '\\n');
}
store.transaction((tx) => {
  tx.cache.upsertMany('orders', Array.from({ length: 3000 }, (_, k) => ({ id: k + 1, order_type: 'single_payment',
    status: 'active', invoice_id: 'INV-' + k, customer_id: 1, currency: 'EUR',
    products: [{ product_id: 1, amount: '1.00' }], created_at: stamp })));
  tx.outbox.enqueue({ kind: 'order.cancel', targetId: 1, payload: {} });
  writeSync(1, 'in-transaction\\n');
  for (;;) {}
});
`;
const childFile = join(dir, 'child.mjs');
writeFileSync(childFile, CHILD);

/** Runs the child until `killWhen` says so, then kill -9; returns the seqs it reported committed. */
function runAndKill(
  file: string,
  mode: 'hang' | 'stream',
  killWhen: (lines: string[]) => boolean,
): Promise<number[]> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', childFile, file, KEY, mode, storeModule], {
      cwd: repoRoot,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const lines: string[] = [];
    let buffered = '';
    let stderr = '';
    let killed = false;
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`child never reached the kill point; stderr: ${stderr}`));
    }, 30_000);
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.stdout.on('data', (chunk: Buffer) => {
      buffered += chunk.toString();
      const parts = buffered.split('\n');
      buffered = parts.pop() ?? '';
      lines.push(...parts);
      if (!killed && killWhen(lines)) {
        killed = true;
        child.kill('SIGKILL');
      }
    });
    child.on('exit', (_code, signal) => {
      clearTimeout(timer);
      if (signal !== 'SIGKILL') {
        reject(new Error(`child exited without being killed; stderr: ${stderr}`));
        return;
      }
      resolve(
        lines.filter((l) => l.startsWith('committed ')).map((l) => Number(l.slice('committed '.length))),
      );
    });
  });
}

describe('kill -9 while the cache is open', () => {
  it('mid-transaction: committed entries survive, the open transaction vanishes whole, sending becomes unknown', async () => {
    const file = join(dir, 'hang.db');
    const committed = await runAndKill(file, 'hang', (lines) => lines.includes('in-transaction'));
    expect(committed).toHaveLength(150);

    const store = openStore({ file, encryptionKey: KEY });
    try {
      expect(store.checkIntegrity()).toEqual(['ok']);
      expect(store.recovered.unknown).toBe(1);
      const entries = store.outbox.list();
      expect(entries.map((e) => e.seq)).toEqual(committed);
      expect(entries[0]?.state).toBe('unknown');
      expect(entries.slice(1).every((e) => e.state === 'pending')).toBe(true);
      expect(store.cache.list('orders').total).toBe(0);
      expect(store.cache.get('customers', 1)?.pending).toBe(50);
      expect(store.cache.list('customers', { search: 'first2' }).total).toBe(1);
    } finally {
      store.close();
    }
  });

  it('while committing continuously: every entry reported committed is there and the file is sound', async () => {
    const file = join(dir, 'stream.db');
    const committed = await runAndKill(file, 'stream', (lines) => lines.length > 400);
    expect(committed.length).toBeGreaterThan(300);

    const store = openStore({ file, encryptionKey: KEY });
    try {
      expect(store.checkIntegrity()).toEqual(['ok']);
      const stored = new Set(store.outbox.list({ limit: 10_000 }).map((e) => e.seq));
      expect(committed.filter((seq) => !stored.has(seq))).toEqual([]);
      const counts = store.outbox.counts();
      expect(counts.pending).toBe(stored.size);
      expect(
        (store.cache.get('customers', 1)?.pending ?? 0) +
          (store.cache.get('customers', 2)?.pending ?? 0) +
          (store.cache.get('customers', 3)?.pending ?? 0),
      ).toBe(stored.size);
    } finally {
      store.close();
    }
  });
});
