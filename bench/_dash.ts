import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'libsql';
import { openStore } from '../electron/core/store/index.ts';
const ST = ['active','paused','cancelled','complete','pending','draft'];
const dir = mkdtempSync(join(tmpdir(), 'dash-'));
const store = openStore({ file: join(dir, 'x.db'), encryptionKey: 'k' });
const T0 = Date.UTC(2025, 0, 1);
for (let s = 1; s <= 100000; s += 10000) store.cache.upsertMany('orders', Array.from({ length: 10000 }, (_, k) => { const i = s + k; return { id: i, order_type: 'single_payment', status: ST[i % 6], invoice_id: `INV-${i}`, customer_id: (i % 1000) + 1, currency: i%3 ? 'EUR':'USD', total_amount: '1.00', products: [{ product_id: 1, amount: '1.00' }], created_at: new Date(T0 + i * 300000).toISOString() }; }));
store.close();
const db = new Database(join(dir, 'x.db'), { encryptionKey: 'k' } as never);
console.log(db.prepare('PRAGMA user_version').all());
const from = new Date(Date.UTC(2025, 0, 1)).toISOString();
const qs: Record<string,string> = {
  byStatus: 'SELECT status, count(*) AS n FROM orders GROUP BY status ORDER BY n DESC',
  byMonth: `SELECT substr(created_at, 1, 7) AS month, coalesce(currency, '') AS currency, coalesce(sum(total_cents), 0) AS cents, count(*) AS n, sum(CASE WHEN total_cents IS NULL THEN 1 ELSE 0 END) AS unknown FROM orders WHERE created_at >= '${from}' AND status <> 'cancelled' GROUP BY month, currency ORDER BY month, currency`,
  count: 'SELECT count(*) AS n FROM orders',
};
for (let r = 0; r < 3; r++) {
  const out: string[] = [];
  for (const [k, q] of Object.entries(qs)) { const t = performance.now(); db.prepare(q).all(); out.push(`${k} ${(performance.now() - t).toFixed(1)}`); }
  console.log(out.join('  '));
}
console.log(db.prepare('EXPLAIN QUERY PLAN ' + qs.byMonth).all());
