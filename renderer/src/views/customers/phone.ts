/**
 * BillPro refuses a phone that is not valid for the billing country. The same rules, from
 * libphonenumber's small metadata, load on demand in their own chunk so the console's first
 * paint does not carry them; if they cannot load, BillPro's 422 still decides.
 */
import type { PhoneCheck } from './customer-form.ts';

let loading: Promise<PhoneCheck | null> | null = null;

export function loadPhoneCheck(): Promise<PhoneCheck | null> {
  loading ??= import('libphonenumber-js/min')
    .then(({ isSupportedCountry, isValidPhoneNumber }): PhoneCheck => (phone, country) =>
      country && isSupportedCountry(country) ? isValidPhoneNumber(phone, country) : isValidPhoneNumber(phone),
    )
    .catch(() => {
      loading = null;
      return null;
    });
  return loading;
}
