/**
 * Time as BillPro writes it — the one place Desk reads it. `Date.parse` is never used on
 * BillPro's text: it reads a zone-less timestamp in local time and guesses at anything else.
 *
 * - Timestamps: ISO 8601 date-time. With a zone (`Z`, `+01:00`, `+0100`) it is read as written;
 *   without one it is read as UTC, because BillPro schedules and stores in UTC
 *   (billpro-api.md §1.7, assumption `time.zoneless-is-utc`). Anything else is refused.
 * - Date-only fields (`date_of_birth`, `start_date`): `DD/MM/YYYY`, as the seed's customer body
 *   writes `"12/05/1995"`. `YYYY-MM-DD` is also read (it cannot be mistaken for another day;
 *   assumption `time.date-only-format`). `12/02/2024` is 12 February, never 2 December.
 *
 * Every reader returns null for text it refuses; callers turn that into a loud error.
 */

const TIMESTAMP =
  /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?\s*(Z|z|[+-]\d{2}(?::?\d{2})?)?$/;

export interface ReadTimestamp {
  /** Milliseconds since the epoch. */
  ms: number;
  /** The same instant in one spelling (`YYYY-MM-DDTHH:mm:ss.sssZ`), so text order is time order. */
  iso: string;
  /** True when BillPro gave no zone and the time was read as UTC. */
  zoneless: boolean;
}

function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

function validDate(year: number, month: number, day: number): boolean {
  return year >= 1 && month >= 1 && month <= 12 && day >= 1 && day <= daysInMonth(year, month);
}

/** An ISO 8601 date-time, zone-less read as UTC; null for anything else (impossible dates too). */
export function readTimestamp(text: unknown): ReadTimestamp | null {
  if (typeof text !== 'string') return null;
  const match = TIMESTAMP.exec(text.trim());
  if (!match) return null;
  const [, y, mo, d, h, mi, s = '0', fraction = '', zone] = match;
  const year = Number(y);
  const month = Number(mo);
  const day = Number(d);
  const hour = Number(h);
  const minute = Number(mi);
  const second = Number(s);
  if (!validDate(year, month, day) || hour > 23 || minute > 59 || second > 59) return null;
  const millis = Number((fraction + '000').slice(0, 3));
  let ms = Date.UTC(year, month - 1, day, hour, minute, second, millis);
  // Date.UTC maps years 0–99 to 1900–1999; BillPro has no such dates, and 4 digits are required.
  if (year < 100) return null;
  if (zone && zone.toUpperCase() !== 'Z') {
    const sign = zone.startsWith('-') ? -1 : 1;
    const digits = zone.slice(1).replace(':', '');
    const offsetHours = Number(digits.slice(0, 2));
    const offsetMinutes = Number(digits.slice(2) || '0');
    if (offsetHours > 23 || offsetMinutes > 59) return null;
    ms -= sign * (offsetHours * 60 + offsetMinutes) * 60_000;
  }
  if (!Number.isFinite(ms)) return null;
  return { ms, iso: new Date(ms).toISOString(), zoneless: zone === undefined };
}

/** `readTimestamp(text).iso`, or null. */
export function normaliseTimestamp(text: unknown): string | null {
  return readTimestamp(text)?.iso ?? null;
}

/** Milliseconds of a timestamp, or NaN when it is not one (for comparisons that must not pass). */
export function timestampMs(text: unknown): number {
  return readTimestamp(text)?.ms ?? Number.NaN;
}

export interface ReadDate {
  year: number;
  month: number;
  day: number;
  /** Midnight UTC of that day. */
  ms: number;
  /** `DD/MM/YYYY`, BillPro's request format. */
  text: string;
}

const DAY_MONTH_YEAR = /^(\d{2})\/(\d{2})\/(\d{4})$/;
const YEAR_MONTH_DAY = /^(\d{4})-(\d{2})-(\d{2})$/;

function dateOf(year: number, month: number, day: number): ReadDate | null {
  if (year < 100 || !validDate(year, month, day)) return null;
  return {
    year,
    month,
    day,
    ms: Date.UTC(year, month - 1, day),
    text: `${String(day).padStart(2, '0')}/${String(month).padStart(2, '0')}/${year}`,
  };
}

/** A date-only field: `DD/MM/YYYY` (or unambiguous `YYYY-MM-DD`); null for anything else. */
export function readDate(text: unknown): ReadDate | null {
  if (typeof text !== 'string') return null;
  const trimmed = text.trim();
  const dmy = DAY_MONTH_YEAR.exec(trimmed);
  if (dmy) return dateOf(Number(dmy[3]), Number(dmy[2]), Number(dmy[1]));
  const ymd = YEAR_MONTH_DAY.exec(trimmed);
  if (ymd) return dateOf(Number(ymd[1]), Number(ymd[2]), Number(ymd[3]));
  return null;
}

/** Only `DD/MM/YYYY`: what Desk sends and what a form field accepts. */
export function readDayMonthYear(text: unknown): ReadDate | null {
  if (typeof text !== 'string') return null;
  const dmy = DAY_MONTH_YEAR.exec(text.trim());
  return dmy ? dateOf(Number(dmy[3]), Number(dmy[2]), Number(dmy[1])) : null;
}

const HTTP_DATE =
  /^(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun), (\d{2}) (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) (\d{4}) (\d{2}):(\d{2}):(\d{2}) GMT$/;
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** An HTTP date (RFC 9110 IMF-fixdate, e.g. `Sun, 06 Nov 1994 08:49:37 GMT`) in ms; null otherwise. */
export function readHttpDate(text: string): number | null {
  const match = HTTP_DATE.exec(text.trim());
  if (!match) return null;
  const [, d, mon, y, h, mi, s] = match;
  const month = MONTHS.indexOf(mon!) + 1;
  const day = Number(d);
  if (!validDate(Number(y), month, day) || Number(h) > 23 || Number(mi) > 59 || Number(s) > 60) return null;
  return Date.UTC(Number(y), month - 1, day, Number(h), Number(mi), Math.min(59, Number(s)));
}

/** `DD/MM/YYYY` of a UTC instant. */
export function formatDayMonthYear(ms: number): string {
  const date = new Date(ms);
  return `${String(date.getUTCDate()).padStart(2, '0')}/${String(date.getUTCMonth() + 1).padStart(2, '0')}/${date.getUTCFullYear()}`;
}
