/**
 * Money as integer cents. BillPro sends amounts as numbers or numeric strings (billpro-api.md
 * §1.4); the sandbox reads both, computes in cents so no float ever rounds a total, and writes
 * two-decimal strings like the seed's `"44.99"`.
 */

const DECIMAL = /^(-?)(\d+)(?:\.(\d+))?$/;

/** Cents from a number or numeric string, rounded half away from zero; null when not money. */
export function toCents(value: unknown): number | null {
  let text: string;
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) return null;
    // toFixed(6) avoids exponent notation and keeps enough digits to round correctly.
    text = value.toFixed(6);
  } else if (typeof value === 'string') {
    text = value.trim();
  } else {
    return null;
  }
  const match = DECIMAL.exec(text);
  if (!match) return null;
  const [, sign, whole = '0', fraction = ''] = match;
  const padded = (fraction + '000').slice(0, 3);
  let cents = Number(whole) * 100 + Number(padded.slice(0, 2));
  if (Number(padded[2]) >= 5) cents += 1;
  if (!Number.isSafeInteger(cents)) return null;
  return sign === '-' && cents !== 0 ? -cents : cents;
}

export function formatCents(cents: number): string {
  const sign = cents < 0 ? '-' : '';
  const abs = Math.abs(Math.round(cents));
  const whole = Math.floor(abs / 100);
  const rest = abs % 100;
  return `${sign}${whole}.${rest < 10 ? '0' : ''}${rest}`;
}

/** `percentage` of `cents` (percentage as BillPro writes it, e.g. `"21.00"`), rounded to a cent. */
export function percentOf(cents: number, percentage: string): number {
  const basisPoints = toCents(percentage) ?? 0; // "21.00" → 2100
  return Math.round((cents * basisPoints) / 10000);
}
