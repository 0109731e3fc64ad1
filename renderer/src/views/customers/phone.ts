/**
 * libphonenumber's small metadata and its example numbers, loaded on demand in their own chunk
 * so the console's first paint does not carry them. They only ever warn (customer-form.ts
 * `phoneAdvice`): BillPro's 422 decides. If they cannot load, there is no warning.
 */
import type { PhoneTools } from './customer-form.ts';

let loading: Promise<PhoneTools | null> | null = null;

export function loadPhoneTools(): Promise<PhoneTools | null> {
  loading ??= Promise.all([import('libphonenumber-js/min'), import('libphonenumber-js/examples.mobile.json')])
    .then(([{ getExampleNumber, isSupportedCountry, isValidPhoneNumber }, { default: examples }]): PhoneTools => ({
      valid: (phone, country) =>
        country && isSupportedCountry(country) ? isValidPhoneNumber(phone, country) : isValidPhoneNumber(phone),
      example: (country) => (isSupportedCountry(country) ? (getExampleNumber(country, examples)?.formatInternational() ?? null) : null),
    }))
    .catch(() => {
      loading = null;
      return null;
    });
  return loading;
}
