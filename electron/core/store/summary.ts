/**
 * The dashboard's figures, computed in SQL over the cache's indexed columns so they cost the
 * same at 600 orders or 100,000: orders by status, order value per month and currency, and the
 * scheduled payments due in the coming days.
 */
import { formatMinorUnits } from '../../common/money.ts';
import { num, str, type Connection, type SqlRow } from './database.ts';

export interface DashboardSummary {
  ordersByStatus: { status: string; count: number }[];
  /** Order value by the month the order was created, per currency; cancelled orders left out. */
  valueByMonth: { month: string; currency: string; amount: string; orders: number; withoutTotal: number }[];
  /** Scheduled payments due from now for `days` days, by day and by their order's currency. */
  paymentsDue: { date: string; currency: string; count: number; amount: string }[];
  totals: { orders: number; customers: number; products: number };
}

/** Between two statements: the event loop's turn, so no dashboard holds the Desk for long. */
const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

/**
 * Each figure is its own statement, the order value one month at a time (an index range of
 * `orders_month`, never the table), with the event loop free between them: at 100k orders no
 * step takes more than a few milliseconds. The figures are read over several turns, so a sync
 * writing meanwhile may land between two months; the next refresh shows it.
 */
export async function dashboardSummary(
  db: Connection,
  now: Date,
  options: { months: number; days: number },
  pause: () => Promise<void> = nextTurn,
): Promise<DashboardSummary> {
  const dueTo = new Date(now.getTime() + options.days * 86_400_000).toISOString();
  // The cache's *_cents columns are hundredths whatever the currency (collections.ts).
  const money = (cents: number) => formatMinorUnits(cents, null);
  // Each status found by one seek of `orders_status` and counted over its own index range, rather
  // than one GROUP BY reading the whole index in one go.
  const ordersByStatus: DashboardSummary['ordersByStatus'] = [];
  for (let after: string | null = null; ; ) {
    const next: SqlRow | undefined =
      after === null
        ? db.get('SELECT status FROM orders WHERE status IS NOT NULL ORDER BY status LIMIT 1')
        : db.get('SELECT status FROM orders WHERE status > :after ORDER BY status LIMIT 1', { after });
    if (!next) break;
    const status = str(next, 'status');
    await pause();
    ordersByStatus.push({ status, count: num(db.get('SELECT count(*) AS n FROM orders WHERE status = :status', { status }) ?? { n: 0 }, 'n') });
    after = status;
  }
  ordersByStatus.sort((a, b) => b.count - a.count);
  const valueByMonth: DashboardSummary['valueByMonth'] = [];
  for (let back = options.months - 1; back >= 0; back--) {
    await pause();
    const from = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - back, 1)).toISOString();
    // The last month is open-ended, as the single query was (an order dated ahead of the clock counts).
    const to = back === 0 ? null : new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - back + 1, 1)).toISOString();
    const rows = db.all(
      `SELECT substr(created_at, 1, 7) AS month, coalesce(currency, '') AS currency,
              coalesce(sum(total_cents), 0) AS cents, count(*) AS n,
              sum(CASE WHEN total_cents IS NULL THEN 1 ELSE 0 END) AS unknown
         FROM orders
        WHERE created_at >= :from ${to === null ? '' : 'AND created_at < :to'} AND status <> 'cancelled'
        GROUP BY month, currency ORDER BY month, currency`,
      to === null ? { from } : { from, to },
    );
    for (const r of rows) {
      valueByMonth.push({ month: str(r, 'month'), currency: str(r, 'currency'), amount: money(num(r, 'cents')), orders: num(r, 'n'), withoutTotal: num(r, 'unknown') });
    }
  }
  await pause();
  const paymentsDue = db
    .all(
      `SELECT substr(p.scheduled_at, 1, 10) AS day, coalesce(o.currency, '') AS currency,
              count(*) AS n, sum(coalesce(p.amount_cents, 0)) AS cents
         FROM scheduled_payments p LEFT JOIN orders o ON o.id = p.order_id
        WHERE p.status = 'scheduled' AND p.scheduled_at >= :from AND p.scheduled_at < :to
        GROUP BY day, currency ORDER BY day, currency`,
      { from: now.toISOString(), to: dueTo },
    )
    .map((r) => ({ date: str(r, 'day'), currency: str(r, 'currency'), count: num(r, 'n'), amount: money(num(r, 'cents')) }));
  await pause();
  return {
    ordersByStatus,
    valueByMonth,
    paymentsDue,
    totals: {
      orders: num(db.get('SELECT count(*) AS n FROM orders') ?? { n: 0 }, 'n'),
      customers: num(db.get('SELECT count(*) AS n FROM customers') ?? { n: 0 }, 'n'),
      products: num(db.get('SELECT count(*) AS n FROM products') ?? { n: 0 }, 'n'),
    },
  };
}
