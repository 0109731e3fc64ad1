/**
 * Field validation that answers like BillPro's Rails models: 422 with `{"field": ["message"]}`
 * and Rails' own wording ("can't be blank", "is invalid", "has already been taken"). Phones are
 * checked with libphonenumber's full metadata for the billing country, never with a regex.
 */
import { isSupportedCountry } from 'libphonenumber-js';
import { isPossiblePhoneNumber, isValidPhoneNumber, parsePhoneNumberFromString } from 'libphonenumber-js/max';
import type { CountryCode } from 'libphonenumber-js';
import { parseDayMonthYear } from './dates.ts';
import { fieldErrors } from './http.ts';

export const BLANK = "can't be blank";
export const INVALID = 'is invalid';
export const TAKEN = 'has already been taken';
export const NOT_A_NUMBER = 'is not a number';
export const NOT_INCLUDED = 'is not included in the list';

export class FieldErrors {
  private readonly fields: Record<string, string[]> = {};

  add(field: string, message: string): void {
    const messages = this.fields[field];
    if (messages) {
      if (!messages.includes(message)) messages.push(message);
    } else {
      this.fields[field] = [message];
    }
  }

  has(field: string): boolean {
    return field in this.fields;
  }

  toJSON(): Record<string, string[]> {
    return this.fields;
  }

  get empty(): boolean {
    return Object.keys(this.fields).length === 0;
  }

  /** Throws the 422 when anything was added. */
  check(): void {
    if (!this.empty) throw fieldErrors(this.fields);
  }
}

/**
 * A text attribute as Rails would cast it: strings trimmed, numbers as text, null/absent as
 * null; anything else is reported as invalid and read as null.
 */
export function readText(
  source: Record<string, unknown>,
  key: string,
  errors: FieldErrors,
  path = key,
): string | null {
  const value = source[key];
  if (value === undefined || value === null) return null;
  if (typeof value === 'string') return value.trim();
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  errors.add(path, INVALID);
  return null;
}

/** Required text: blank (absent, null or whitespace) is "can't be blank". */
export function readRequiredText(
  source: Record<string, unknown>,
  key: string,
  errors: FieldErrors,
  path = key,
): string | null {
  const text = readText(source, key, errors, path);
  if (text === null || text === '') {
    if (!errors.has(path)) errors.add(path, BLANK);
    return null;
  }
  return text;
}

/** Optional text: blank reads as null. */
export function readOptionalText(
  source: Record<string, unknown>,
  key: string,
  errors: FieldErrors,
  path = key,
): string | null {
  const text = readText(source, key, errors, path);
  return text === '' ? null : text;
}

const EMAIL = /^[^@\s]+@[^@\s]+\.[^@\s.]{2,}$/;

export function isValidEmail(email: string): boolean {
  return EMAIL.test(email);
}

/** ISO 3166-1 alpha-2, upper case (the codes libphonenumber knows, which cover ISO's list). */
export function asCountryCode(text: string): CountryCode | null {
  const upper = text.toUpperCase();
  return /^[A-Z]{2}$/.test(upper) && isSupportedCountry(upper) ? upper : null;
}

/**
 * How strictly phones are checked. BillPro's own rule is not documented: `country` (the default)
 * refuses any number outside the ranges libphonenumber lists for the country; `lenient` accepts
 * any number of a possible length for it (e.g. Ofcom's drama range +44 7700 900xxx), so the Desk
 * is proven correct against a BillPro of either kind.
 */
export type PhoneRule = 'country' | 'lenient';
export const PHONE_RULES: readonly PhoneRule[] = ['country', 'lenient'];

/**
 * A phone valid for `country` — the billing address country — or, without one, for the
 * country its own international prefix names. Returns the E.164 form, or null when invalid.
 */
export function normalisePhone(phone: string, country: CountryCode | null, rule: PhoneRule = 'country'): string | null {
  const check = rule === 'country' ? isValidPhoneNumber : isPossiblePhoneNumber;
  const valid = country ? check(phone, country) : check(phone);
  if (!valid) return null;
  const parsed = country ? parsePhoneNumberFromString(phone, country) : parsePhoneNumberFromString(phone);
  return parsed ? parsed.number : null;
}

/** DD/MM/YYYY, a real calendar date, not after `nowMs`. */
export function isValidDateOfBirth(text: string, nowMs: number): boolean {
  const ms = parseDayMonthYear(text);
  return ms !== null && ms <= nowMs;
}
