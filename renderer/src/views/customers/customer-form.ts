/**
 * The customer form as a plain model: built from a customer as read, turned into BillPro's
 * create/update body, checked the way BillPro checks it, and BillPro's 422 field names mapped
 * back onto the inputs. Field keys ARE BillPro's field paths (`addresses.billing_address.city`),
 * so a server message and a local one land in the same place.
 */
import type { CustomerRow, MethodInput } from '../../../../electron/common/contract.ts';
import { countryName, isCountryCode } from './countries.ts';

export type CustomerInput = MethodInput<'customers.create'>['customer'];
type AddressInput = NonNullable<NonNullable<CustomerInput['addresses']>['billing_address']>;

export interface AddressForm {
  street: string;
  city: string;
  state: string;
  postal_code: string;
  country: string;
}

export interface OrganisationForm {
  name: string;
  registration_number: string;
  vat: string;
  web_url: string;
  description: string;
}

export interface CustomerForm {
  first_name: string;
  last_name: string;
  email: string;
  phone: string;
  /** `YYYY-MM-DD` as a date input holds it; BillPro wants DD/MM/YYYY. */
  date_of_birth: string;
  /** A stored birth date this form cannot show as a date; sent back untouched unless replaced. */
  date_of_birth_as_stored: string | null;
  organisation: OrganisationForm;
  billing: AddressForm;
  shipping: AddressForm;
  shippingSameAsBilling: boolean;
}

export type FieldErrors = Record<string, string[]>;

export const BILLING = 'addresses.billing_address';
export const SHIPPING = 'addresses.shipping_address';
export const ADDRESS_PARTS = ['street', 'city', 'state', 'postal_code', 'country'] as const;
const ORGANISATION_PARTS = ['name', 'registration_number', 'vat', 'web_url', 'description'] as const;

/** Every key an input exists for, in the order they appear on the form. */
export const FIELD_KEYS: readonly string[] = [
  'first_name',
  'last_name',
  'email',
  'phone',
  'date_of_birth',
  ...ORGANISATION_PARTS.map((p) => `organisation.${p}`),
  ...ADDRESS_PARTS.map((p) => `${BILLING}.${p}`),
  ...ADDRESS_PARTS.map((p) => `${SHIPPING}.${p}`),
];

const BLANK = "can't be blank";
const INVALID = 'is invalid';
/** BillPro's own email rule, so the form refuses exactly what BillPro would. */
const EMAIL = /^[^@\s]+@[^@\s]+\.[^@\s.]{2,}$/;

function emptyAddress(): AddressForm {
  return { street: '', city: '', state: '', postal_code: '', country: '' };
}

export function emptyForm(): CustomerForm {
  return {
    first_name: '',
    last_name: '',
    email: '',
    phone: '',
    date_of_birth: '',
    date_of_birth_as_stored: null,
    organisation: { name: '', registration_number: '', vat: '', web_url: '', description: '' },
    billing: emptyAddress(),
    shipping: emptyAddress(),
    shippingSameAsBilling: true,
  };
}

/** `12/05/1995` → `1995-05-12`; null when the text is not a DD/MM/YYYY date. */
export function dayMonthYearToIso(text: string): string | null {
  const m = /^(\d{1,2})\/(\d{1,2})\/(\d{4})$/.exec(text.trim());
  if (!m) return null;
  const [day, month, year] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const d = new Date(Date.UTC(year, month - 1, day));
  if (d.getUTCFullYear() !== year || d.getUTCMonth() !== month - 1 || d.getUTCDate() !== day) return null;
  return `${m[3]}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

export function isoToDayMonthYear(iso: string): string | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(iso);
  return m ? `${m[3]}/${m[2]}/${m[1]}` : null;
}

function addressOf(row: CustomerRow, type: 'billing' | 'shipping'): AddressForm | null {
  const found = row.addresses.find((a) => a.address_type === type);
  if (!found) return null;
  return {
    street: found.street,
    city: found.city,
    state: found.state ?? '',
    postal_code: found.postal_code ?? '',
    country: found.country.toUpperCase(),
  };
}

const sameAddress = (a: AddressForm, b: AddressForm) => ADDRESS_PARTS.every((p) => a[p].trim() === b[p].trim());
const isBlank = (a: AddressForm) => ADDRESS_PARTS.every((p) => a[p].trim() === '');

/** The form an edit starts from: every current value, both addresses included. */
export function formOf(row: CustomerRow): CustomerForm {
  const billing = addressOf(row, 'billing');
  const shipping = addressOf(row, 'shipping');
  const stored = row.date_of_birth ?? null;
  const iso = stored ? dayMonthYearToIso(stored) : null;
  const org = row.organisation;
  return {
    first_name: row.first_name,
    last_name: row.last_name,
    email: row.email,
    phone: row.phone ?? '',
    date_of_birth: iso ?? '',
    date_of_birth_as_stored: stored && !iso ? stored : null,
    organisation: {
      name: org?.name ?? '',
      registration_number: org?.registration_number ?? '',
      vat: org?.vat ?? '',
      web_url: org?.web_url ?? '',
      description: org?.description ?? '',
    },
    billing: billing ?? emptyAddress(),
    shipping: shipping ?? emptyAddress(),
    // Only a shipping address identical to the billing one folds into the checkbox; a customer
    // with no shipping address keeps having none.
    shippingSameAsBilling: billing !== null && shipping !== null && sameAddress(billing, shipping),
  };
}

export function hasOrganisation(form: CustomerForm): boolean {
  return ORGANISATION_PARTS.some((p) => form.organisation[p].trim() !== '');
}

const orNull = (text: string) => (text.trim() === '' ? null : text.trim());

function addressInput(a: AddressForm): AddressInput {
  return {
    street: a.street.trim(),
    city: a.city.trim(),
    state: orNull(a.state),
    postal_code: a.postal_code.trim(),
    country: a.country.trim().toUpperCase(),
  };
}

/**
 * BillPro's body. Addresses are always sent in full — an update replaces the whole set, so an
 * address left out would be deleted.
 */
export function toInput(form: CustomerForm): CustomerInput {
  const billing = isBlank(form.billing) ? null : addressInput(form.billing);
  const shipping = form.shippingSameAsBilling ? billing : isBlank(form.shipping) ? null : addressInput(form.shipping);
  const org = form.organisation;
  return {
    first_name: form.first_name.trim(),
    last_name: form.last_name.trim(),
    email: form.email.trim(),
    phone: orNull(form.phone),
    date_of_birth: form.date_of_birth ? isoToDayMonthYear(form.date_of_birth) : form.date_of_birth_as_stored,
    organisation: hasOrganisation(form)
      ? {
          name: org.name.trim(),
          registration_number: orNull(org.registration_number),
          vat: orNull(org.vat),
          web_url: orNull(org.web_url),
          description: orNull(org.description),
        }
      : null,
    addresses: {
      ...(billing ? { billing_address: billing } : {}),
      ...(shipping ? { shipping_address: shipping } : {}),
    },
  };
}

/** libphonenumber's checks, loaded on demand (phone.ts). */
export interface PhoneTools {
  /** Valid for the country (or, without one, for the country its own prefix names). */
  valid: (phone: string, country: string | null) => boolean;
  /** A real-looking number for the country in international format, e.g. "+44 7400 123456". */
  example: (country: string) => string | null;
}

const GENERIC_EXAMPLE = '+44 7400 123456';

function add(errors: FieldErrors, key: string, message: string): void {
  (errors[key] ??= []).push(message);
}

function checkAddress(errors: FieldErrors, prefix: string, a: AddressForm): void {
  if (isBlank(a)) return;
  for (const part of ['street', 'city', 'postal_code'] as const) {
    if (a[part].trim() === '') add(errors, `${prefix}.${part}`, BLANK);
  }
  if (a.country.trim() === '') add(errors, `${prefix}.country`, BLANK);
  else if (!isCountryCode(a.country)) add(errors, `${prefix}.country`, INVALID);
}

/**
 * The checks BillPro makes, before asking it: required names and email, email format, ISO
 * countries, complete addresses. Never the phone: BillPro's phone rule is its own, and a check
 * here stricter than BillPro's would refuse numbers it takes — `phoneAdvice` warns instead.
 */
export function validate(form: CustomerForm, today = new Date()): FieldErrors {
  const errors: FieldErrors = {};
  if (form.first_name.trim() === '') add(errors, 'first_name', BLANK);
  if (form.last_name.trim() === '') add(errors, 'last_name', BLANK);
  const email = form.email.trim();
  if (email === '') add(errors, 'email', BLANK);
  else if (!EMAIL.test(email)) add(errors, 'email', INVALID);

  if (form.date_of_birth) {
    const dob = new Date(`${form.date_of_birth}T00:00:00Z`);
    if (Number.isNaN(dob.getTime())) add(errors, 'date_of_birth', INVALID);
    else if (dob.getTime() > today.getTime()) add(errors, 'date_of_birth', 'cannot be in the future');
  }

  if (hasOrganisation(form) && form.organisation.name.trim() === '') add(errors, 'organisation.name', BLANK);

  checkAddress(errors, BILLING, form.billing);
  if (!form.shippingSameAsBilling) checkAddress(errors, SHIPPING, form.shipping);
  return errors;
}

/** The billing country a phone is checked against, when the form has one. */
function phoneCountry(form: CustomerForm): string | null {
  const code = form.billing.country.trim().toUpperCase();
  return code && isCountryCode(code) ? code : null;
}

/** What a valid number looks like, for the chosen billing country when there is one. */
export function phoneHint(form: CustomerForm, tools: PhoneTools | null): string {
  const country = phoneCountry(form);
  const example = country ? tools?.example(country) : null;
  return country && example
    ? `International format with the country code; for ${countryName(country)}, e.g. ${example}.`
    : `International format with the country code, e.g. ${GENERIC_EXAMPLE}.`;
}

/**
 * A warning (never a refusal) when the phone does not look valid to libphonenumber: the number
 * still goes to BillPro, which decides; null when it looks fine or the rules are not loaded.
 */
export function phoneAdvice(form: CustomerForm, tools: PhoneTools | null): string | null {
  const phone = form.phone.trim();
  if (phone === '' || !tools) return null;
  const country = phoneCountry(form);
  if (tools.valid(phone, country)) return null;
  const example = country ? tools.example(country) : null;
  const looks = country
    ? `This does not look like a ${countryName(country)} number${example ? ` (like ${example})` : ''}.`
    : `This does not look like an international number: start with + and the country code (like ${GENERIC_EXAMPLE}).`;
  return `${looks} You can still save: BillPro checks it and says if it refuses it.`;
}

const GROUP_LABELS: Record<string, string> = {
  base: '',
  addresses: 'Addresses',
  [BILLING]: 'Billing address',
  [SHIPPING]: 'Shipping address',
  organisation: 'Organisation',
  customer_id: 'Customer ID',
  customer: 'Customer',
};

function labelOfKey(key: string): string {
  if (key in GROUP_LABELS) return GROUP_LABELS[key]!;
  const last = key.split('.').pop() ?? key;
  return last.replace(/_/g, ' ').replace(/^\w/, (c) => c.toUpperCase());
}

/**
 * BillPro's (or the Desk's) per-field messages, placed: known fields go beside their input,
 * anything else into a summary line. With "shipping same as billing" ticked the shipping inputs
 * are hidden, so a shipping message shows beside the billing input it was copied from.
 */
export function placeErrors(
  fields: Record<string, string[]>,
  shippingSameAsBilling: boolean,
): { byField: FieldErrors; summary: string[] } {
  const byField: FieldErrors = {};
  const summary: string[] = [];
  const known = new Set(FIELD_KEYS);
  for (const [raw, messages] of Object.entries(fields)) {
    let key = raw.replace(/^customer\./, '');
    if (/^(billing|shipping)_address(\.|$)/.test(key)) key = `addresses.${key}`;
    if (shippingSameAsBilling && key.startsWith(SHIPPING)) key = BILLING + key.slice(SHIPPING.length);
    if (known.has(key)) {
      for (const m of messages) add(byField, key, m);
    } else {
      const label = labelOfKey(key);
      for (const m of messages) summary.push(label ? `${label} ${m}` : m);
    }
  }
  return { byField, summary };
}

/** The id of the input for a field key. */
export function inputId(key: string): string {
  return `cf-${key.replace(/\./g, '-')}`;
}
