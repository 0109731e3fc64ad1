/**
 * Calendar arithmetic in UTC, the way BillPro schedules (billpro-api.md §1.7): intervals of
 * DAY/WEEK/MONTH/YEAR, and the end-of-month rule — a schedule anchored on the last day of a
 * month always lands on the last day of the month.
 */
import { readTimestamp } from '../common/time.ts';
import type { DurationUnit } from '../common/wire.ts';

export const DAY_MS = 86_400_000;

function daysInMonth(year: number, monthIndex: number): number {
  return new Date(Date.UTC(year, monthIndex + 1, 0)).getUTCDate();
}

function addMonths(ms: number, months: number): number {
  const date = new Date(ms);
  const year = date.getUTCFullYear();
  const month = date.getUTCMonth();
  const day = date.getUTCDate();
  const lastDayOfMonth = day === daysInMonth(year, month);
  const target = new Date(Date.UTC(year, month + months, 1));
  const targetDays = daysInMonth(target.getUTCFullYear(), target.getUTCMonth());
  const targetDay = lastDayOfMonth ? targetDays : Math.min(day, targetDays);
  const timeOfDay = ms - Date.UTC(year, month, day);
  return Date.UTC(target.getUTCFullYear(), target.getUTCMonth(), targetDay) + timeOfDay;
}

/** `ms` moved by `count` × `unit` (count may be negative). */
export function addInterval(ms: number, unit: DurationUnit, count: number): number {
  switch (unit) {
    case 'DAY':
      return ms + count * DAY_MS;
    case 'WEEK':
      return ms + count * 7 * DAY_MS;
    case 'MONTH':
      return addMonths(ms, count);
    case 'YEAR':
      return addMonths(ms, count * 12);
  }
}

/** Approximate length of an interval, for spreading seed data, never for scheduling. */
export function approxIntervalDays(unit: DurationUnit, count: number): number {
  const days = { DAY: 1, WEEK: 7, MONTH: 30.44, YEAR: 365.25 }[unit];
  return days * count;
}

export function iso(ms: number): string {
  return new Date(ms).toISOString();
}

/** Parses BillPro's `DD/MM/YYYY` (date_of_birth, start_date); null when not a real date. */
export function parseDayMonthYear(text: string): number | null {
  const match = /^(\d{2})\/(\d{2})\/(\d{4})$/.exec(text.trim());
  if (!match) return null;
  const day = Number(match[1]);
  const month = Number(match[2]);
  const year = Number(match[3]);
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month - 1)) return null;
  return Date.UTC(year, month - 1, day);
}

export function formatDayMonthYear(ms: number): string {
  const date = new Date(ms);
  const dd = String(date.getUTCDate()).padStart(2, '0');
  const mm = String(date.getUTCMonth() + 1).padStart(2, '0');
  return `${dd}/${mm}/${date.getUTCFullYear()}`;
}

/** Strict ISO 8601 date-time with a zone (what `scheduled_at` accepts); null otherwise. */
export function parseIsoDateTime(text: string): number | null {
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})$/.test(text)) {
    return null;
  }
  return readTimestamp(text)?.ms ?? null;
}
