/**
 * The sandbox computes money with the Desk's own money module (common/money.ts): integer minor
 * units of the currency, two-decimal strings like the seed's `"44.99"`. The helpers here only
 * adapt it to the sandbox's request reading (an unknown value is "not money": null).
 */
import { formatMinorUnits, percentOf as percentOfMinor, toMinorUnits } from '../common/money.ts';

/** Minor units of a number or numeric string (2 decimals unless `currency` says otherwise). */
export function readMinor(value: unknown, currency?: string | null): number | null {
  if (typeof value !== 'number' && typeof value !== 'string') return null;
  return toMinorUnits(value, currency);
}

export function formatMinor(cents: number, currency?: string | null): string {
  return formatMinorUnits(cents, currency);
}

/** `percentage` of `cents` (percentage as BillPro writes it, e.g. `"21.00"`), rounded to a minor unit. */
export function percentOf(cents: number, percentage: string): number {
  return percentOfMinor(cents, percentage);
}
