/**
 * Seeded customers: names, unique emails, phones valid for their country, some organisations,
 * billing and shipping addresses; created over the ~20 months before the sandbox clock start.
 */
import { DAY_MS, formatDayMonthYear, iso } from './dates.ts';
import type { MerchantProfile } from './profiles.ts';
import type { Rng } from './prng.ts';
import type { AddressRecord, CustomerRecord, OrganisationRecord } from './records.ts';
import {
  COUNTRY_PEOPLE,
  emailPart,
  ORGANISATION_DESCRIPTIONS,
  ORGANISATION_NOUNS,
  ORGANISATION_WORDS,
  type CountryPeople,
} from './seed-people.ts';
import type { SandboxState } from './state.ts';

function address(
  state: SandboxState,
  people: CountryPeople,
  type: AddressRecord['address_type'],
  rng: Rng,
  stamp: string,
): AddressRecord {
  const city = rng.pick(people.cities);
  const number = rng.int(1, 220);
  const street = rng.pick(people.streets);
  return {
    id: state.nextId('address'),
    address_type: type,
    street: people.numberAfterStreet ? `${street} ${number}` : `${number} ${street}`,
    city: city.city,
    state: city.state,
    country: people.code,
    postal_code: city.postcode(rng),
    created_at: stamp,
    updated_at: stamp,
  };
}

function organisation(people: CountryPeople, rng: Rng, stamp: string): OrganisationRecord {
  const name = `${rng.pick(ORGANISATION_WORDS)} ${rng.pick(ORGANISATION_NOUNS)} ${people.organisationSuffix}`;
  const slug = name
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/-+$/, '');
  return {
    name,
    registration_number: rng.digits(8),
    web_url: rng.chance(0.7) ? `https://${slug}.example` : null,
    vat: rng.chance(0.8) ? `${people.vatPrefix}${rng.digits(9)}` : null,
    description: rng.pick(ORGANISATION_DESCRIPTIONS),
    created_at: stamp,
    updated_at: stamp,
  };
}

export function seedCustomers(state: SandboxState, profile: MerchantProfile, count: number, rng: Rng): void {
  const now = state.clock.start;
  const times = Array.from({ length: count }, () => now - rng.int(1 * DAY_MS, 600 * DAY_MS)).sort(
    (a, b) => a - b,
  );
  const emailCounts = new Map<string, number>();

  for (const createdMs of times) {
    const people = COUNTRY_PEOPLE[rng.weighted(profile.customerCountries)] ?? COUNTRY_PEOPLE.GB!;
    const first = rng.pick(people.firstNames);
    const last = rng.pick(people.lastNames);
    const local = `${emailPart(first)}.${emailPart(last)}`;
    const seen = emailCounts.get(local) ?? 0;
    emailCounts.set(local, seen + 1);
    const email = `${seen === 0 ? local : `${local}${seen + 1}`}@${people.emailDomain}`;
    const updatedMs = rng.chance(0.2)
      ? Math.min(now - 60_000, createdMs + rng.int(1, 300) * DAY_MS)
      : createdMs;
    const created = iso(createdMs);

    const addresses: AddressRecord[] = [];
    if (rng.chance(0.9)) {
      const billing = address(state, people, 'billing', rng, created);
      addresses.push(billing);
      if (rng.chance(0.3)) {
        addresses.push({ ...billing, id: state.nextId('address'), address_type: 'shipping' });
      } else if (rng.chance(0.25)) {
        addresses.push(address(state, people, 'shipping', rng, created));
      }
    }

    const customer: CustomerRecord = {
      id: state.nextId('customer'),
      customer_id: rng.alnumUpper(10),
      first_name: first,
      last_name: last,
      email,
      date_of_birth: rng.chance(0.6)
        ? formatDayMonthYear(Date.UTC(rng.int(1950, 2004), rng.int(0, 11), rng.int(1, 28)))
        : null,
      phone: rng.chance(0.85) ? people.phone(rng) : null,
      organisation: rng.chance(0.2) ? organisation(people, rng, created) : null,
      addresses,
      created_at: created,
      updated_at: iso(updatedMs),
    };
    state.addCustomer(profile.id, customer);
  }
}
