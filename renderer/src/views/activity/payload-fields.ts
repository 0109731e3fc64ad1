/**
 * "Edit and retry": the fields of a stored change a person may correct before sending it again.
 * A customer change shows the customer's fields; an order create its invoice id, note and each
 * product's quantity and amount; a scheduled-payment change what it sets. The edited payload
 * keeps everything else exactly as stored, and BillPro's field messages land beside the field
 * they name.
 */

type Segment = string | number;

export interface PayloadField {
  /** Dotted path inside the payload, e.g. `order.order_products.0.qty`. */
  key: string;
  path: Segment[];
  label: string;
  hint: string | null;
  /** The stored value as text ('' when absent or null). */
  value: string;
  /** Numbers stay numbers when the edit is a number. */
  numeric: boolean;
  /** What an emptied field becomes: left out, null, or an empty string (BillPro then says it is required). */
  whenEmpty: 'omit' | 'null' | 'blank';
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function read(payload: unknown, path: Segment[]): unknown {
  let here: unknown = payload;
  for (const segment of path) {
    if (Array.isArray(here) && typeof segment === 'number') here = here[segment];
    else if (isRecord(here) && typeof segment === 'string') here = here[segment];
    else return undefined;
  }
  return here;
}

const LABELS: Record<string, string> = {
  first_name: 'First name',
  last_name: 'Last name',
  email: 'Email',
  phone: 'Phone',
  date_of_birth: 'Date of birth',
  name: 'Name',
  registration_number: 'Registration number',
  web_url: 'Website',
  vat: 'VAT number',
  description: 'Description',
  street: 'Street',
  city: 'City',
  state: 'State or county',
  country: 'Country',
  postal_code: 'Postal code',
  invoice_id: 'Invoice ID',
  note: 'Note',
  qty: 'Quantity',
  amount: 'Amount',
  initial_amount: 'Initial amount',
  status: 'Status',
  scheduled_at: 'Scheduled at',
  scheduled_interval: 'Interval',
  scheduled_duration_unit: 'Interval unit',
};

const HINTS: Record<string, string> = {
  date_of_birth: 'DD/MM/YYYY',
  phone: 'With the country code, e.g. +44 20 7946 0000',
  country: 'Two-letter code, e.g. GB',
  scheduled_at: 'ISO 8601, e.g. 2026-12-01T09:00:00Z',
  amount: 'A decimal amount, e.g. 12.50',
};

const GROUPS: Record<string, string> = {
  organisation: 'Organisation',
  billing_address: 'Billing address',
  shipping_address: 'Shipping address',
};

function field(payload: unknown, path: Segment[], whenEmpty: PayloadField['whenEmpty'], prefix = ''): PayloadField {
  const stored = read(payload, path);
  const last = String(path.at(-1));
  const group = path.map(String).find((s) => GROUPS[s]);
  const label = `${prefix}${group ? `${GROUPS[group]} · ` : ''}${LABELS[last] ?? last.replace(/_/g, ' ')}`;
  return {
    key: path.join('.'),
    path,
    label,
    hint: HINTS[last] ?? null,
    value: stored === null || stored === undefined ? '' : String(stored),
    numeric: typeof stored === 'number' || last === 'qty',
    whenEmpty: stored === undefined ? 'omit' : stored === null ? 'null' : whenEmpty,
  };
}

/** Scalar leaves under `path` (objects walked, arrays left alone). */
function leaves(payload: unknown, path: Segment[]): Segment[][] {
  const here = read(payload, path);
  if (!isRecord(here)) return [];
  return Object.entries(here).flatMap(([key, value]) => {
    if (isRecord(value)) return leaves(payload, [...path, key]);
    if (Array.isArray(value)) return [];
    return [[...path, key]];
  });
}

const CUSTOMER_BASICS = ['first_name', 'last_name', 'email', 'phone', 'date_of_birth'];
const REQUIRED = new Set(['first_name', 'last_name', 'email', 'name', 'street', 'city', 'country', 'postal_code', 'currency']);

export function editableFields(kind: string, payload: unknown): PayloadField[] {
  if (kind === 'customer.create' || kind === 'customer.update') {
    const basics = CUSTOMER_BASICS.map((k) => field(payload, [k], REQUIRED.has(k) ? 'blank' : 'null'));
    const rest = leaves(payload, [])
      .filter((p) => !CUSTOMER_BASICS.includes(String(p[0])))
      .map((p) => field(payload, p, REQUIRED.has(String(p.at(-1))) ? 'blank' : 'null'));
    return [...basics, ...rest];
  }
  if (kind === 'order.create') {
    const fields = [field(payload, ['order', 'invoice_id'], 'omit'), field(payload, ['order', 'note'], 'omit')];
    if (read(payload, ['order', 'initial_amount']) !== undefined) fields.push(field(payload, ['order', 'initial_amount'], 'omit'));
    const products = read(payload, ['order', 'order_products']);
    if (Array.isArray(products)) {
      products.forEach((product, i) => {
        const id = isRecord(product) ? product.product_id : undefined;
        const prefix = `Product ${i + 1}${typeof id === 'number' ? ` (#${id})` : ''} · `;
        fields.push(field(payload, ['order', 'order_products', i, 'qty'], 'omit', prefix));
        fields.push(field(payload, ['order', 'order_products', i, 'amount'], 'omit', prefix));
      });
    }
    return fields;
  }
  if (kind === 'scheduledPayment.update') return leaves(payload, []).map((p) => field(payload, p, 'omit'));
  return [];
}

function write(target: Record<string, unknown>, path: Segment[], value: unknown): void {
  let here: unknown = target;
  for (let i = 0; i < path.length - 1; i++) {
    const segment = path[i]!;
    const next = (here as Record<string | number, unknown>)[segment];
    if (typeof next !== 'object' || next === null) {
      const created = typeof path[i + 1] === 'number' ? [] : {};
      (here as Record<string | number, unknown>)[segment] = created;
      here = created;
    } else {
      here = next;
    }
  }
  const last = path.at(-1)!;
  if (value === undefined) delete (here as Record<string | number, unknown>)[last];
  else (here as Record<string | number, unknown>)[last] = value;
}

/** The stored payload with the person's edits applied; untouched fields stay byte for byte. */
export function applyEdits(payload: unknown, fields: PayloadField[], values: Record<string, string>): unknown {
  const copy = JSON.parse(JSON.stringify(payload ?? {})) as Record<string, unknown>;
  for (const f of fields) {
    const next = values[f.key] ?? f.value;
    if (next === f.value) continue;
    const text = next.trim();
    if (text === '') {
      write(copy, f.path, f.whenEmpty === 'omit' ? undefined : f.whenEmpty === 'null' ? null : '');
    } else if (f.numeric && /^-?\d+$/.test(text)) {
      write(copy, f.path, Number(text));
    } else {
      write(copy, f.path, text);
    }
  }
  return copy;
}

/**
 * BillPro's field messages sorted to the form's fields. Keys may be `phone`, `order.invoice_id`
 * or `order_products[0].qty`; one that names no field of the form is kept for the general list.
 */
export function sortFieldErrors(
  fields: PayloadField[],
  errors: Record<string, string[]> | undefined,
): { byField: Record<string, string[]>; other: string[] } {
  const byField: Record<string, string[]> = {};
  const other: string[] = [];
  for (const [raw, messages] of Object.entries(errors ?? {})) {
    const key = raw.replace(/\[(\d+)\]/g, '.$1');
    const match = fields.find((f) => f.key === key || f.key.endsWith(`.${key}`));
    if (match) (byField[match.key] ??= []).push(...messages);
    else other.push(`${humanizeKey(raw)} ${messages.join(', ')}`);
  }
  return { byField, other };
}

export function humanizeKey(key: string): string {
  const last = key.replace(/\[(\d+)\]/g, '.$1').split('.').filter((s) => !/^\d+$/.test(s)).at(-1) ?? key;
  return LABELS[last] ?? last.replace(/_/g, ' ').replace(/^\w/, (c) => c.toUpperCase());
}
