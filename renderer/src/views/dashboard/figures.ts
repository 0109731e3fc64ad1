/**
 * The dashboard's figures shaped for charts and tables: every month and every day of the window
 * present (a quiet day is a zero bar, not a missing one), and money summed in integer cents so
 * decimal strings never pick up floating-point pennies.
 */
import type { MethodOutput } from '../../../../electron/common/contract.ts';
import { formatMinorUnits, toMinorUnits } from '../../../../electron/common/money.ts';

export type Summary = MethodOutput<'dashboard.summary'>;

/** "12.30" → 1230: the Desk's sums are hundredths whatever the currency (store/summary.ts). */
export function hundredthsOf(amount: string): number {
  const minor = toMinorUnits(amount);
  if (minor === null) throw new RangeError(`the Desk sent an amount that is not one: ${amount.slice(0, 20)}`);
  return minor;
}

/** 1230 → "12.30". */
export function fromCents(cents: number): string {
  return formatMinorUnits(cents);
}

/** The last `count` months, oldest first, as `YYYY-MM` in UTC (as the Desk groups them). */
export function lastMonths(now: Date, count: number): string[] {
  return Array.from({ length: count }, (_, i) => {
    const d = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - (count - 1 - i), 1));
    return d.toISOString().slice(0, 7);
  });
}

/** UTC days from today to `days` days ahead, inclusive, as `YYYY-MM-DD`. */
export function nextDays(now: Date, days: number): string[] {
  const start = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate());
  return Array.from({ length: days + 1 }, (_, i) => new Date(start + i * 86_400_000).toISOString().slice(0, 10));
}

const monthLong = new Intl.DateTimeFormat(undefined, { month: 'long', year: 'numeric', timeZone: 'UTC' });
const monthShort = new Intl.DateTimeFormat(undefined, { month: 'short', timeZone: 'UTC' });
const monthYear = new Intl.DateTimeFormat(undefined, { month: 'short', year: 'numeric', timeZone: 'UTC' });
const dayLong = new Intl.DateTimeFormat(undefined, { weekday: 'short', day: 'numeric', month: 'short', year: 'numeric', timeZone: 'UTC' });
const dayShort = new Intl.DateTimeFormat(undefined, { day: 'numeric', month: 'short', timeZone: 'UTC' });

const asDate = (key: string) => new Date(key.length === 7 ? `${key}-01T00:00:00Z` : `${key}T00:00:00Z`);

export function monthName(month: string): string {
  return monthLong.format(asDate(month));
}

/** Axis label: "Mar", with the year on January and on the first month shown. */
export function monthTick(month: string, index: number): string {
  const d = asDate(month);
  return index === 0 || d.getUTCMonth() === 0 ? monthYear.format(d) : monthShort.format(d);
}

export function dayName(day: string): string {
  return dayLong.format(asDate(day));
}

/** Axis label: "26", with the month on the first day shown and on each 1st. */
export function dayTick(day: string, index: number): string {
  const d = asDate(day);
  return index === 0 || d.getUTCDate() === 1 ? dayShort.format(d) : String(d.getUTCDate());
}

export interface MonthFigures {
  months: string[];
  /** Currencies, the one with the most value first. */
  currencies: string[];
  /** cents[currency][monthIndex] */
  cents: Record<string, number[]>;
  orders: Record<string, number[]>;
  /** Orders in the window BillPro gave no total for: not in `cents` (never guessed). */
  withoutTotal: number;
}

export function valueByMonth(summary: Summary, months: string[]): MonthFigures {
  const cents: Record<string, number[]> = {};
  const orders: Record<string, number[]> = {};
  let withoutTotal = 0;
  for (const row of summary.valueByMonth) {
    const index = months.indexOf(row.month);
    if (index < 0) continue;
    withoutTotal += row.withoutTotal;
    const currency = row.currency || '—';
    cents[currency] ??= months.map(() => 0);
    orders[currency] ??= months.map(() => 0);
    cents[currency][index]! += hundredthsOf(row.amount);
    orders[currency][index]! += row.orders;
  }
  const total = (c: string) => (cents[c] ?? []).reduce((a, b) => a + b, 0);
  const currencies = Object.keys(cents).sort((a, b) => total(b) - total(a) || a.localeCompare(b));
  return { months, currencies, cents, orders, withoutTotal };
}

export interface DayFigures {
  days: string[];
  /** Payments due each day, all currencies. */
  counts: number[];
  /** Currencies with payments due, the largest sum first; amounts are never added across them. */
  currencies: string[];
  /** cents[currency][dayIndex] */
  cents: Record<string, number[]>;
  totalCount: number;
  totalCents: Record<string, number>;
}

export function paymentsDue(summary: Summary, days: string[]): DayFigures {
  const counts = days.map(() => 0);
  const cents: Record<string, number[]> = {};
  for (const row of summary.paymentsDue) {
    const index = days.indexOf(row.date);
    if (index < 0) continue;
    const currency = row.currency || '—';
    cents[currency] ??= days.map(() => 0);
    counts[index]! += row.count;
    cents[currency][index]! += hundredthsOf(row.amount);
  }
  const totalCents = Object.fromEntries(Object.entries(cents).map(([c, v]) => [c, v.reduce((a, b) => a + b, 0)]));
  return {
    days,
    counts,
    currencies: Object.keys(cents).sort((a, b) => totalCents[b]! - totalCents[a]! || a.localeCompare(b)),
    cents,
    totalCount: counts.reduce((a, b) => a + b, 0),
    totalCents,
  };
}

/** Bar colours by what a status means (the same families as the status chips). */
export function statusColor(status: string): string {
  switch (status) {
    case 'active':
      return 'var(--ok)';
    case 'complete':
      return 'color-mix(in srgb, var(--ok) 45%, var(--muted))';
    case 'draft':
    case 'pending':
    case 'paused':
    case 'review':
      return 'var(--warn)';
    case 'failed':
    case 'suspended':
    case 'rejected':
      return 'var(--danger)';
    case 'cancelled':
      return 'var(--muted)';
    default:
      return 'var(--accent)';
  }
}

/** Series colours built from the theme's own variables, so light and dark both work. */
export const SERIES_COLORS = [
  'var(--accent)',
  'color-mix(in srgb, var(--accent) 40%, var(--ok))',
  'var(--warn)',
  'color-mix(in srgb, var(--danger) 55%, var(--accent))',
  'var(--muted)',
];
