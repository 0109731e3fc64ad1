/**
 * Customers: list (with the merchant `customer_id` filter), get, create and update, with
 * BillPro's rules: unique email per merchant, a phone valid for the billing country, a
 * read-only merchant `customer_id`, and PUT replacing the whole address set (billpro-api.md §2.2).
 */
import { QUERY } from '../common/endpoints.ts';
import { notFound, pageOf, pathId, type ApiContext } from './api-context.ts';
import { isObject, type JsonObject } from './http.ts';
import type { AddressRecord, CustomerRecord, OrganisationRecord } from './records.ts';
import type { ProfileData, SandboxState } from './state.ts';
import {
  asCountryCode,
  FieldErrors,
  INVALID,
  isValidDateOfBirth,
  isValidEmail,
  normalisePhone,
  type PhoneRule,
  readOptionalText,
  readRequiredText,
  TAKEN,
} from './validation.ts';

/** ASSUMPTION: an `email` filter beside the documented `customer_id` one, for duplicate checks. */
const EMAIL_FILTER = 'email';

export function listCustomers(context: ApiContext): CustomerRecord[] {
  const merchantId = context.query.get(QUERY.customerId);
  const email = context.query.get(EMAIL_FILTER);
  let customers: readonly CustomerRecord[] = context.data.customers;
  if (merchantId !== null) customers = customers.filter((c) => c.customer_id === merchantId);
  if (email !== null) {
    const id = context.data.customerEmails.get(email.trim().toLowerCase());
    customers = customers.filter((c) => c.id === id);
  }
  return pageOf(customers, context);
}

export function getCustomer(context: ApiContext): CustomerRecord {
  const customer = context.data.customersById.get(pathId(context));
  if (!customer) throw notFound(context);
  return customer;
}

export function createCustomer(context: ApiContext): CustomerRecord {
  const { state, data } = context;
  const fields = readCustomerFields(context.body, data, state.clock.now(), null, state.phoneRule);
  const now = state.nowIso();
  const customer: CustomerRecord = {
    id: state.nextId('customer'),
    customer_id: state.rng.alnumUpper(10),
    first_name: fields.first_name,
    last_name: fields.last_name,
    email: fields.email,
    date_of_birth: fields.date_of_birth,
    phone: fields.phone,
    organisation: fields.organisation ? { ...fields.organisation, created_at: now, updated_at: now } : null,
    addresses: buildAddresses(state, fields.addresses, now),
    created_at: now,
    updated_at: now,
  };
  state.addCustomer(data.profile.id, customer);
  return customer;
}

export function updateCustomer(context: ApiContext): CustomerRecord {
  const { state, data } = context;
  const customer = getCustomer(context);
  const fields = readCustomerFields(context.body, data, state.clock.now(), customer, state.phoneRule);
  const now = state.nowIso();
  data.customerEmails.delete(customer.email.toLowerCase());
  customer.first_name = fields.first_name;
  customer.last_name = fields.last_name;
  customer.email = fields.email;
  customer.date_of_birth = fields.date_of_birth;
  customer.phone = fields.phone;
  if (fields.organisation) {
    customer.organisation = {
      ...fields.organisation,
      created_at: customer.organisation?.created_at ?? now,
      updated_at: now,
    };
  } else {
    customer.organisation = null;
  }
  // Documented: every supplied address is saved as a new one and any address not supplied is removed.
  customer.addresses = buildAddresses(state, fields.addresses, now);
  customer.updated_at = now;
  data.customerEmails.set(customer.email.toLowerCase(), customer.id);
  return customer;
}

type AddressFields = Omit<AddressRecord, 'id' | 'created_at' | 'updated_at'>;
type OrganisationFields = Omit<OrganisationRecord, 'created_at' | 'updated_at'>;

interface CustomerFields {
  first_name: string;
  last_name: string;
  email: string;
  date_of_birth: string | null;
  phone: string | null;
  organisation: OrganisationFields | null;
  addresses: AddressFields[];
}

/**
 * Validates a create (existing = null) or update body. On update, attributes left out keep
 * their value (Rails `update`), except the address set, which is always replaced.
 */
function readCustomerFields(
  body: JsonObject,
  data: ProfileData,
  nowMs: number,
  existing: CustomerRecord | null,
  phoneRule: PhoneRule,
): CustomerFields {
  const errors = new FieldErrors();
  const supplied = (key: string): boolean => existing === null || key in body;

  const first_name = supplied('first_name')
    ? readRequiredText(body, 'first_name', errors)
    : existing!.first_name;
  const last_name = supplied('last_name') ? readRequiredText(body, 'last_name', errors) : existing!.last_name;

  const email = supplied('email') ? readRequiredText(body, 'email', errors) : existing!.email;
  if (email !== null && supplied('email')) {
    if (!isValidEmail(email)) {
      errors.add('email', INVALID);
    } else {
      const holder = data.customerEmails.get(email.toLowerCase());
      if (holder !== undefined && holder !== existing?.id) errors.add('email', TAKEN);
    }
  }

  let date_of_birth = supplied('date_of_birth')
    ? readOptionalText(body, 'date_of_birth', errors)
    : existing!.date_of_birth;
  if (date_of_birth !== null && supplied('date_of_birth') && !isValidDateOfBirth(date_of_birth, nowMs)) {
    errors.add('date_of_birth', INVALID);
    date_of_birth = null;
  }

  if (existing && 'customer_id' in body && body.customer_id !== existing.customer_id) {
    errors.add('customer_id', 'cannot be changed');
  }

  const organisation = supplied('organisation')
    ? readOrganisation(body, errors)
    : stripTimestamps(existing!.organisation);
  const addresses = readAddresses(body, errors);

  let phone = supplied('phone') ? readOptionalText(body, 'phone', errors) : existing!.phone;
  if (phone !== null && !errors.has('phone')) {
    const billing = addresses.find((a) => a.address_type === 'billing');
    const country = billing ? asCountryCode(billing.country) : null;
    // ASSUMPTION: BillPro validates the phone against the billing country (the seed's 422 says
    // "invalid for the country code") and stores it rewritten as E.164; the rewrite is a guess.
    const normalised = normalisePhone(phone, country, phoneRule);
    if (normalised === null) errors.add('phone', INVALID);
    else phone = normalised;
  }

  errors.check();
  return {
    first_name: first_name!,
    last_name: last_name!,
    email: email!,
    date_of_birth,
    phone,
    organisation,
    addresses,
  };
}

function stripTimestamps(organisation: OrganisationRecord | null): OrganisationFields | null {
  if (!organisation) return null;
  const { created_at: _created, updated_at: _updated, ...fields } = organisation;
  return fields;
}

function readOrganisation(body: JsonObject, errors: FieldErrors): OrganisationFields | null {
  const value = body.organisation;
  if (value === undefined || value === null) return null;
  if (!isObject(value)) {
    errors.add('organisation', INVALID);
    return null;
  }
  const name = readRequiredText(value, 'name', errors, 'organisation.name');
  return {
    name: name ?? '',
    registration_number: readOptionalText(
      value,
      'registration_number',
      errors,
      'organisation.registration_number',
    ),
    web_url: readOptionalText(value, 'web_url', errors, 'organisation.web_url'),
    vat: readOptionalText(value, 'vat', errors, 'organisation.vat'),
    description: readOptionalText(value, 'description', errors, 'organisation.description'),
  };
}

const ADDRESS_KEYS = [
  ['billing_address', 'billing'],
  ['shipping_address', 'shipping'],
] as const;

function readAddresses(body: JsonObject, errors: FieldErrors): AddressFields[] {
  const value = body.addresses;
  if (value === undefined || value === null) return [];
  if (!isObject(value)) {
    errors.add('addresses', INVALID);
    return [];
  }
  const addresses: AddressFields[] = [];
  for (const [key, address_type] of ADDRESS_KEYS) {
    const raw = value[key];
    if (raw === undefined || raw === null) continue;
    const path = `addresses.${key}`;
    if (!isObject(raw)) {
      errors.add(path, INVALID);
      continue;
    }
    const street = readRequiredText(raw, 'street', errors, `${path}.street`);
    const city = readRequiredText(raw, 'city', errors, `${path}.city`);
    const state = readOptionalText(raw, 'state', errors, `${path}.state`);
    const postal_code = readRequiredText(raw, 'postal_code', errors, `${path}.postal_code`);
    const countryText = readRequiredText(raw, 'country', errors, `${path}.country`);
    const country = countryText === null ? null : asCountryCode(countryText);
    if (countryText !== null && country === null) errors.add(`${path}.country`, INVALID);
    addresses.push({
      address_type,
      street: street ?? '',
      city: city ?? '',
      state,
      country: country ?? '',
      postal_code: postal_code ?? '',
    });
  }
  return addresses;
}

function buildAddresses(state: SandboxState, addresses: AddressFields[], now: string): AddressRecord[] {
  return addresses.map((fields) => ({
    id: state.nextId('address'),
    ...fields,
    created_at: now,
    updated_at: now,
  }));
}
