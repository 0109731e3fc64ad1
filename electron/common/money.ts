/**
 * Money, the one definition shared by the Desk, the renderer, CSV export and the sandbox.
 *
 * - An amount travels as a plain decimal string (`"44.99"`) and is computed with as an integer
 *   count of the currency's minor units (4499 pence); no float ever stands for an amount.
 * - BillPro sends amounts as strings or numbers (billpro-api.md §1.4). Both are read; exponent
 *   notation (`1e21`, which `String()` turns into `"1e+21"`), amounts beyond 2^53 minor units,
 *   negatives (BillPro documents none) and more decimals than the currency has are refused,
 *   never rounded into something else.
 * - A currency is an ISO 4217 code; its number of decimals is ISO 4217's (JPY 0, BHD 3), as the
 *   JavaScript engine's currency data knows it.
 */

const DECIMAL = /^(\d+)(?:\.(\d+))?$/;
const TYPED_DECIMAL = /^(\d+)(?:[.,](\d*))?$/;

let knownCurrencies: ReadonlySet<string> | null = null;

function currencies(): ReadonlySet<string> {
  knownCurrencies ??= new Set(Intl.supportedValuesOf('currency'));
  return knownCurrencies;
}

/** True for a three-letter ISO 4217 code in capitals (`GBP`), false for `gbp`, `XX`, `POUND`. */
export function isCurrencyCode(value: unknown): value is string {
  return typeof value === 'string' && /^[A-Z]{3}$/.test(value) && currencies().has(value);
}

const digitsCache = new Map<string, number>();

/** ISO 4217 minor-unit digits of `currency`; 2 when no currency is known. */
export function minorUnitDigits(currency: string | null | undefined): number {
  if (!currency || !isCurrencyCode(currency)) return 2;
  let digits = digitsCache.get(currency);
  if (digits === undefined) {
    digits = new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions().maximumFractionDigits ?? 2;
    digitsCache.set(currency, digits);
  }
  return digits;
}

/**
 * An amount as BillPro sends it, as a decimal string (`20` → `"20"`, `"10.50"` kept); null for
 * anything that is not a plain non-negative decimal whose digits survive exactly.
 */
export function readAmount(value: unknown): string | null {
  let text: string;
  if (typeof value === 'number') {
    if (!Number.isFinite(value) || value < 0) return null;
    text = String(value);
    // String() switches to exponent notation for ≥ 1e21 and < 1e-6: never an amount.
    if (/e/i.test(text)) return null;
  } else if (typeof value === 'string') {
    text = value.trim();
  } else {
    return null;
  }
  const match = DECIMAL.exec(text);
  if (!match) return null;
  const [, whole = '', fraction = ''] = match;
  // 2^53 minor units at up to 3 decimals: anything longer cannot be counted exactly.
  if (whole.replace(/^0+(?=\d)/, '').length > 15 || fraction.length > 9) return null;
  if (!Number.isSafeInteger(Number(whole) * 1000)) return null;
  return text;
}

/**
 * Exact minor units of a decimal amount in `currency` (2 decimals when the currency is unknown);
 * null when the amount has more decimals than the currency (other than trailing zeros), is
 * negative, or cannot be counted exactly.
 */
export function toMinorUnits(amount: string | number | null | undefined, currency?: string | null): number | null {
  const text = readAmount(amount);
  if (text === null) return null;
  const [, whole = '0', rawFraction = ''] = DECIMAL.exec(text) ?? [];
  const digits = minorUnitDigits(currency);
  const fraction = rawFraction.replace(/0+$/, '');
  if (fraction.length > digits) return null;
  const minor = Number(whole) * 10 ** digits + Number(fraction.padEnd(digits, '0') || '0');
  return Number.isSafeInteger(minor) ? minor : null;
}

/** `1230` → `"12.30"` (in `currency`'s decimals; 2 when unknown). */
export function formatMinorUnits(minor: number, currency?: string | null): string {
  if (!Number.isSafeInteger(minor)) throw new RangeError(`${minor} is not a whole number of minor units`);
  const digits = minorUnitDigits(currency);
  const sign = minor < 0 ? '-' : '';
  const abs = Math.abs(minor);
  if (digits === 0) return `${sign}${abs}`;
  const scale = 10 ** digits;
  return `${sign}${Math.floor(abs / scale)}.${String(abs % scale).padStart(digits, '0')}`;
}

/**
 * A percentage as BillPro writes it (`"21.00"`, `5`), in ten-thousandths of a percent (`"8.875"`
 * → 88750); null when it is not a plain decimal between 0 and 100 with at most 4 decimals.
 */
export function readPercentage(value: unknown): number | null {
  const text = readAmount(value);
  if (text === null) return null;
  const [, whole = '0', rawFraction = ''] = DECIMAL.exec(text) ?? [];
  const fraction = rawFraction.replace(/0+$/, '');
  if (fraction.length > 4) return null;
  const units = Number(whole) * 10_000 + Number(fraction.padEnd(4, '0') || '0');
  return units <= 1_000_000 ? units : null;
}

/** `percentage` of `minor`, rounded half away from zero to a minor unit. */
export function percentOf(minor: number, percentage: string | number | null | undefined): number {
  const units = readPercentage(percentage) ?? 0;
  const product = BigInt(minor) * BigInt(units);
  const divisor = 1_000_000n;
  const rounded = (product * 2n + (product >= 0n ? divisor : -divisor)) / (2n * divisor);
  return Number(rounded);
}

/**
 * `minor` that already includes `percentage` tax, split into its net part and its tax, such that
 * net + tax = minor exactly (tax rounded half away from zero).
 */
export function splitInclusiveTax(minor: number, percentage: string | number | null | undefined): { net: number; tax: number } {
  const units = readPercentage(percentage) ?? 0;
  const numerator = BigInt(minor) * BigInt(units);
  const denominator = 1_000_000n + BigInt(units);
  const tax = Number((numerator * 2n + denominator) / (2n * denominator));
  return { net: minor - tax, tax };
}

/**
 * What a person typed in an amount field (`20`, `20.5`, `20,50`), in minor units of `currency`;
 * null when it is not an amount that currency can hold.
 */
export function parseTypedAmount(text: string, currency?: string | null): number | null {
  const match = TYPED_DECIMAL.exec(text.trim());
  if (!match) return null;
  const fraction = match[2] ?? '';
  return toMinorUnits(fraction ? `${match[1]}.${fraction}` : (match[1] ?? ''), currency);
}

/** True when `text` is an amount a form may send: non-negative, within the currency's decimals. */
export function isTypedAmount(text: string, currency?: string | null): boolean {
  return parseTypedAmount(text, currency) !== null;
}
