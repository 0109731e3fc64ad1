/**
 * The one money module and the one time module: what BillPro sends is read exactly or refused,
 * never rounded, shifted or guessed.
 */
import { describe, expect, it } from 'vitest';
import {
  formatMinorUnits,
  isCurrencyCode,
  minorUnitDigits,
  parseTypedAmount,
  percentOf,
  readAmount,
  splitInclusiveTax,
  toMinorUnits,
} from '../../electron/common/money.ts';
import { readDate, readDayMonthYear, readTimestamp } from '../../electron/common/time.ts';
import { Currency, DateOnly, Id, Money, Timestamp } from '../../electron/common/wire.ts';

describe('money', () => {
  it('counts BillPro amounts exactly in the currency minor units', () => {
    expect(toMinorUnits('44.99', 'GBP')).toBe(4499);
    expect(toMinorUnits(20, 'EUR')).toBe(2000);
    expect(toMinorUnits(10.5, 'EUR')).toBe(1050);
    expect(toMinorUnits('0.07')).toBe(7);
    expect(toMinorUnits('20.000', 'GBP')).toBe(2000);
    expect(toMinorUnits('1500', 'JPY')).toBe(1500);
    expect(toMinorUnits('1.005', 'BHD')).toBe(1005);
    expect(toMinorUnits('123456789.99')).toBe(12345678999);
    expect(formatMinorUnits(4274, 'GBP')).toBe('42.74');
    expect(formatMinorUnits(1500, 'JPY')).toBe('1500');
    expect(formatMinorUnits(1005, 'BHD')).toBe('1.005');
    expect(minorUnitDigits('JPY')).toBe(0);
  });

  it('refuses exponent notation, unsafe sizes, negatives and extra decimals instead of rounding', () => {
    expect(readAmount(1e21)).toBeNull();
    expect(readAmount('1e3')).toBeNull();
    expect(readAmount(1e-7)).toBeNull();
    expect(readAmount('9007199254740993')).toBeNull();
    expect(readAmount(-3.1)).toBeNull();
    expect(readAmount('-3.10')).toBeNull();
    expect(readAmount('12,50')).toBeNull();
    expect(toMinorUnits('1.005', 'GBP')).toBeNull();
    expect(toMinorUnits('1.5', 'JPY')).toBeNull();
    expect(Money.safeParse(1e21).success).toBe(false);
    expect(Money.safeParse(-1).success).toBe(false);
    expect(Money.parse(20)).toBe('20');
  });

  it('knows ISO 4217 codes and nothing else', () => {
    expect(isCurrencyCode('GBP')).toBe(true);
    expect(isCurrencyCode('gbp')).toBe(false);
    expect(isCurrencyCode('XYZ')).toBe(false);
    expect(isCurrencyCode('POUND')).toBe(false);
    expect(Currency.parse('eur')).toBe('EUR');
    expect(Currency.safeParse('€').success).toBe(false);
  });

  it('applies percentages and splits included tax to the minor unit', () => {
    // The seed's product 1: 44.99 with a 5 % discount gives its deposit_amount 42.74.
    expect(4499 - percentOf(4499, '5.00')).toBe(4274);
    expect(percentOf(1000, '8.875')).toBe(89);
    const split = splitInclusiveTax(4274, '21.00');
    expect(split.net + split.tax).toBe(4274);
    expect(split.tax).toBe(742);
  });

  it('reads what a person types with the currency decimals', () => {
    expect(parseTypedAmount('20,5', 'EUR')).toBe(2050);
    expect(parseTypedAmount('20.', 'EUR')).toBe(2000);
    expect(parseTypedAmount('20.50', 'JPY')).toBeNull();
    expect(parseTypedAmount('-1', 'EUR')).toBeNull();
  });
});

describe('time', () => {
  it('reads ISO 8601 with its zone, and a zone-less timestamp as UTC whatever the local zone', () => {
    expect(readTimestamp('2024-02-12T15:12:37.314Z')?.iso).toBe('2024-02-12T15:12:37.314Z');
    expect(readTimestamp('2024-02-12T16:12:37+01:00')?.iso).toBe('2024-02-12T15:12:37.000Z');
    expect(readTimestamp('2024-02-12T10:12:37-0500')?.iso).toBe('2024-02-12T15:12:37.000Z');
    const zoneless = readTimestamp('2024-02-12T15:12:37.314');
    expect(zoneless?.iso).toBe('2024-02-12T15:12:37.314Z');
    expect(zoneless?.zoneless).toBe(true);
    expect(readTimestamp('2024-02-12 15:12:37')?.iso).toBe('2024-02-12T15:12:37.000Z');
  });

  it('refuses what is not a timestamp instead of storing it raw', () => {
    for (const bad of ['12/02/2024', '2024-02-30T10:00:00Z', 'yesterday', '2024-02-12', '1707750757', '2024-02-12T25:00:00Z', '']) {
      expect(readTimestamp(bad), bad).toBeNull();
      expect(Timestamp.safeParse(bad).success, bad).toBe(false);
    }
  });

  it('reads date-only fields as DD/MM/YYYY: 12/02/2024 is 12 February', () => {
    const date = readDate('12/02/2024');
    expect(date).toMatchObject({ year: 2024, month: 2, day: 12, text: '12/02/2024' });
    expect(readDate('2024-02-12')?.text).toBe('12/02/2024');
    expect(readDate('31/02/2024')).toBeNull();
    expect(readDate('2/12/2024')).toBeNull();
    expect(readDayMonthYear('2024-02-12')).toBeNull();
    expect(DateOnly.parse('12/05/1995')).toBe('12/05/1995');
    expect(DateOnly.safeParse('May 12 1995').success).toBe(false);
  });

  it('reads numeric-string ids but no other id', () => {
    expect(Id.parse('12')).toBe(12);
    expect(Id.parse(12)).toBe(12);
    for (const bad of ['12a', '0', -1, 1.5, '9007199254740993']) expect(Id.safeParse(bad).success, String(bad)).toBe(false);
  });
});
