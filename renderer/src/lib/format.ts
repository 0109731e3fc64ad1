/**
 * Display helpers shared by the screens. Amounts stay decimal strings end to end. Dates, numbers
 * and money follow the operator's locale (the browser's or Electron's language setting): a UK
 * operator reads 31/10/2026 and £1,234.50, a US one 10/31/2026.
 */

/** The operator's locale; `undefined` lets Intl use the runtime default. */
const runtime = (globalThis as { navigator?: { languages?: readonly string[]; language?: string } }).navigator;
export const LOCALE: string | undefined = runtime?.languages?.[0] ?? runtime?.language;

// Building an Intl formatter costs far more than using one, and a table formats every visible
// cell: formatters are made once per currency and reused.
const moneyFormats = new Map<string, Intl.NumberFormat | null>();
const dateFormat = new Intl.DateTimeFormat(LOCALE, { year: 'numeric', month: '2-digit', day: '2-digit' });
const numberFormat = new Intl.NumberFormat(LOCALE);
const dateTimeFormat = new Intl.DateTimeFormat(LOCALE, { dateStyle: 'medium', timeStyle: 'short' });

function moneyFormat(currency: string | null | undefined): Intl.NumberFormat | null {
  const key = currency ?? '';
  let format = moneyFormats.get(key);
  if (format === undefined) {
    try {
      format = new Intl.NumberFormat(LOCALE, { style: currency ? 'currency' : 'decimal', currency: currency ?? undefined, minimumFractionDigits: 2 });
    } catch {
      format = null; // not a currency Intl knows
    }
    moneyFormats.set(key, format);
  }
  return format;
}

export function money(amount: string | null | undefined, currency?: string | null): string {
  if (amount === null || amount === undefined || amount === '') return '—';
  const value = Number(amount);
  if (!Number.isFinite(value)) return amount;
  return moneyFormat(currency)?.format(value) ?? `${value.toFixed(2)} ${currency ?? ''}`.trim();
}

/**
 * An order's total: BillPro's figure (`total_amount`, else `total_to_pay`) or "Unknown". Desk
 * never rebuilds a total from the lines (their discount, fee and tax would be guesses).
 */
export function orderTotal(order: { total_amount?: string | null; total_to_pay?: string | null; currency?: string | null }): string {
  const total = order.total_amount ?? order.total_to_pay;
  return total === null || total === undefined ? 'Unknown' : money(total, order.currency);
}

export function date(iso: string | null | undefined): string {
  if (!iso) return '—';
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : dateFormat.format(d);
}

/** A moment in the operator's locale, to the minute: "1 Dec 2026, 06:40" (en-GB). */
export function dateTime(iso: string | null | undefined): string {
  if (!iso) return '—';
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : dateTimeFormat.format(d);
}

/** A count in the operator's locale: 49,996 (en-GB) or 49.996 (de-DE). */
export function number(value: number): string {
  return numberFormat.format(value);
}

export function humanize(value: string | null | undefined): string {
  if (!value) return '—';
  return value.replace(/_/g, ' ').replace(/^\w/, (c) => c.toUpperCase());
}

export function since(iso: string | null): string {
  if (!iso) return 'never';
  const seconds = Math.round((Date.now() - new Date(iso).getTime()) / 1000);
  if (seconds < 60) return 'just now';
  if (seconds < 3600) return `${Math.round(seconds / 60)} min ago`;
  if (seconds < 86400) return `${Math.round(seconds / 3600)} h ago`;
  return date(iso);
}
