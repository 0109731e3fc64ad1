/**
 * Customer changes: create and update (billpro-api.md §3). A customer's natural key is its email:
 * after an unknown outcome, a create is looked for by email before it is sent again.
 */
import type { EditableField } from '../../common/contract.ts';
import { CustomerInput, type Customer, type CustomerAddress } from '../../common/wire.ts';
import type { BillProClient } from '../billpro/client.ts';
import type { Cache } from '../store/cache.ts';
import { REQUIRED_FIELDS, editableField, findInPages, leafPaths, type ChangeKind } from './change.ts';
import { requireRow } from './rows.ts';

const BASICS = ['first_name', 'last_name', 'email', 'phone', 'date_of_birth'];

function customerFields(payload: CustomerInput): EditableField[] {
  const basics = BASICS.map((k) => editableField(payload, [k], REQUIRED_FIELDS.has(k) ? 'blank' : 'null'));
  const rest = leafPaths(payload)
    .filter((p) => !BASICS.includes(String(p[0])))
    .map((p) => editableField(payload, p, REQUIRED_FIELDS.has(String(p.at(-1))) ? 'blank' : 'null'));
  return [...basics, ...rest];
}

function emailKey(payload: CustomerInput): string {
  return payload.email.trim().toLowerCase();
}

function findByEmail(client: BillProClient, email: string): Promise<Customer | null> {
  const wanted = email.trim().toLowerCase();
  return findInPages(client.listCustomersPages(), (c) => c.email.trim().toLowerCase() === wanted);
}

export const customerCreate: ChangeKind<typeof CustomerInput> = {
  payload: CustomerInput,
  collection: 'customers',
  create: true,
  naturalKey: emailKey,
  label: ({ payload }) => `Create customer ${payload.email}`,
  fields: customerFields,
  send: (client, { payload }) => client.createCustomer(payload),
  lookup: async (client, _cache, { payload, naturalKey }) => ({ landed: await findByEmail(client, naturalKey ?? payload.email) }),
  // "Email has already been taken" on a second try: the first one may have landed after all.
  refusalMayMeanLanded: (error, { attempts }) => attempts > 0 && (error.fields?.email?.some((m) => /taken/i.test(m)) ?? false),
  landedCollections: ['customers'],
};

export const customerUpdate: ChangeKind<typeof CustomerInput> = {
  payload: CustomerInput,
  collection: 'customers',
  create: false,
  naturalKey: emailKey,
  label: ({ payload }) => `Update customer ${payload.email}`,
  fields: customerFields,
  send: (client, { payload, targetId }) => client.updateCustomer(targetId, payload),
  // Sending it again is harmless: a PUT of the same data.
  lookup: async () => ({ landed: null }),
  landedCollections: ['customers'],
};

// ---------------------------------------------------------------- optimistic rows

/** A customer's fields as GET shows them, from the create/update body (see wire.ts). */
function asEntityFields(input: CustomerInput): Omit<Customer, 'id' | 'customer_id' | 'created_at' | 'updated_at'> {
  const addresses: CustomerAddress[] = [];
  if (input.addresses?.billing_address) addresses.push({ ...input.addresses.billing_address, address_type: 'billing' });
  if (input.addresses?.shipping_address) addresses.push({ ...input.addresses.shipping_address, address_type: 'shipping' });
  return {
    first_name: input.first_name,
    last_name: input.last_name,
    email: input.email,
    date_of_birth: input.date_of_birth ?? null,
    phone: input.phone ?? null,
    organisation: input.organisation ?? null,
    addresses,
  };
}

/** A new customer: its outbox entry and the row shown until BillPro answers. */
export function planCustomerCreate(cache: Cache, input: CustomerInput) {
  const tempId = cache.newTempId();
  const now = new Date().toISOString();
  const entity: Customer = { id: tempId, customer_id: '', ...asEntityFields(input), created_at: now, updated_at: now };
  return { entry: { kind: 'customer.create' as const, payload: input, targetId: tempId }, entity };
}

/** An edited customer: its outbox entry and the row as it will read once BillPro has it. */
export function planCustomerUpdate(cache: Cache, id: number, input: CustomerInput) {
  const current = requireRow(cache, 'customers', id);
  const entity: Customer = { ...current.entity, ...asEntityFields(input), updated_at: new Date().toISOString() };
  return { entry: { kind: 'customer.update' as const, payload: input, targetId: current.id }, entity };
}
