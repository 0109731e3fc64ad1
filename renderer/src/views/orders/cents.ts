/**
 * Order arithmetic in integer cents, so no float ever stands for an amount. Rounding follows
 * BillPro's: half away from zero at the third decimal, percentages rounded to a cent.
 */

const DECIMAL = /^(\d+)(?:[.,](\d*))?$/;

/** Cents of a non-negative decimal as typed ("20", "20.5", "20.00"); null when it is not one. */
export function toCents(value: string | number | null | undefined): number | null {
  if (value === null || value === undefined) return null;
  const text = typeof value === 'number' ? (Number.isFinite(value) ? value.toFixed(6) : '') : value.trim();
  const match = DECIMAL.exec(text);
  if (!match) return null;
  const [, whole = '0', fraction = ''] = match;
  const padded = (fraction + '000').slice(0, 3);
  let cents = Number(whole) * 100 + Number(padded.slice(0, 2));
  if (Number(padded[2]) >= 5) cents += 1;
  return Number.isSafeInteger(cents) ? cents : null;
}

/** True when the text has at most two decimals: what an amount field accepts. */
export function isAmount(text: string): boolean {
  return /^\d+([.,]\d{0,2})?$/.test(text.trim());
}

export function formatCents(cents: number): string {
  const sign = cents < 0 ? '-' : '';
  const abs = Math.abs(Math.round(cents));
  return `${sign}${Math.floor(abs / 100)}.${String(abs % 100).padStart(2, '0')}`;
}

/** `percentage` ("21.00") of an amount in cents, rounded to a cent. */
export function percentOf(cents: number, percentage: string | null | undefined): number {
  const basisPoints = toCents(percentage) ?? 0;
  return Math.round((cents * basisPoints) / 10000);
}
