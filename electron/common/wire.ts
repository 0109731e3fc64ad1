/**
 * BillPro's wire shapes: what the API sends and accepts, as far as billpro-api.md knows.
 *
 * Both the client (parsing responses) and the sandbox (building them) use these schemas, so the
 * two can never drift apart. Every field whose name or type billpro-api.md marks (inferred) or GAP
 * is commented `ASSUMPTION` here; correcting one against the real API is an edit in this file.
 *
 * Parsing rules: unknown extra fields are tolerated (zod objects strip them); wrong types are not.
 * Money arrives as a number or a numeric string (billpro-api.md §1.4) and is normalised to a
 * decimal string, so no float ever stands for an amount.
 */
import { z } from 'zod';
import { isCurrencyCode, readAmount, readPercentage } from './money.ts';
import { normaliseTimestamp, readDate, readDayMonthYear } from './time.ts';
import { INPUT_LIMITS as L } from './limits.ts';
import {
  ADDRESS_TYPES,
  DURATION_UNITS,
  ORDER_STATUSES,
  PAYMENT_LINK_FIELDS,
  PURCHASE_TYPES,
  SCHEDULED_PAYMENT_STATUSES,
  SETTABLE_SCHEDULED_PAYMENT_STATUSES,
} from './enums.ts';

export {
  ADDRESS_TYPES,
  DURATION_UNITS,
  ORDER_STATUSES,
  PAYMENT_LINK_FIELDS,
  PURCHASE_TYPES,
  SCHEDULED_PAYMENT_STATUSES,
  SETTABLE_SCHEDULED_PAYMENT_STATUSES,
};

// ---------------------------------------------------------------- scalars

/**
 * A refusal that names the assumption it breaks (see core/billpro/assumptions.ts), so a read
 * failure can be counted against it. Issues carry the shape, never the value.
 */
function refuse(ctx: { issues: { push: (issue: z.core.$ZodRawIssue) => void } }, input: unknown, assumption: string, message: string): never {
  ctx.issues.push({ code: 'custom', message, input, params: { assumption } });
  return z.NEVER as never;
}

/**
 * An amount as BillPro sends it (`"20.00"` or `20` or `10.0`), as a decimal string. Exponent
 * notation, negatives and amounts that cannot be counted exactly are refused (money.ts).
 */
export const Money = z.union([z.number(), z.string()]).transform((value, ctx): string => {
  const amount = readAmount(value);
  return amount ?? refuse(ctx, value, 'money.decimal', 'must be a plain non-negative amount');
});
export type Money = z.output<typeof Money>;

/** A percentage (`"21.00"`, `5`), kept as BillPro wrote it once checked. */
export const Percentage = z.union([z.number(), z.string()]).transform((value, ctx): string => {
  const amount = readAmount(value);
  return amount !== null && readPercentage(amount) !== null
    ? amount
    : refuse(ctx, value, 'money.percentage', 'must be a percentage between 0 and 100');
});

/** Integers that BillPro sometimes sends as strings (`"scheduled_interval": "1"` in the seed). */
export const IntLike = z.union([z.number(), z.string()]).transform((value, ctx): number => {
  const n = typeof value === 'number' ? value : /^\s*-?\d+\s*$/.test(value) ? Number(value) : Number.NaN;
  return Number.isSafeInteger(n) ? n : refuse(ctx, value, 'number.integer', 'must be a whole number');
});

/** A BillPro id: a positive whole number, also read from a numeric string (`"12"`). */
export const Id = z.union([z.number(), z.string()]).transform((value, ctx): number => {
  const n = typeof value === 'number' ? value : /^\d+$/.test(value.trim()) ? Number(value) : Number.NaN;
  return Number.isSafeInteger(n) && n > 0 ? n : refuse(ctx, value, 'id.integer', 'must be a positive whole-number id');
});

/**
 * ISO 8601 date-time, normalised to `YYYY-MM-DDTHH:mm:ss.sssZ`; zone-less text is read as UTC
 * (time.ts). Anything else is refused.
 */
export const Timestamp = z.string().transform((value, ctx): string => {
  const read = normaliseTimestamp(value);
  return read ?? refuse(ctx, value, 'time.iso8601', 'must be an ISO 8601 date-time');
});

/** A date-only field (`date_of_birth`, `start_date`), normalised to `DD/MM/YYYY` (time.ts). */
export const DateOnly = z.string().transform((value, ctx): string => {
  const read = readDate(value);
  return read ? read.text : refuse(ctx, value, 'time.date-only-format', 'must be a date written DD/MM/YYYY');
});

/** An ISO 4217 currency code; BillPro's lower case is read as the same code. */
export const Currency = z.string().transform((value, ctx): string => {
  const code = value.trim().toUpperCase();
  return isCurrencyCode(code) ? code : refuse(ctx, value, 'money.currency', 'must be an ISO 4217 currency code');
});

export const PurchaseType = z.enum(PURCHASE_TYPES);
export type PurchaseType = z.infer<typeof PurchaseType>;

export const DurationUnit = z.enum(DURATION_UNITS);
export type DurationUnit = z.infer<typeof DurationUnit>;

export const OrderStatus = z.enum(ORDER_STATUSES);
export type OrderStatus = z.infer<typeof OrderStatus>;

export const ScheduledPaymentStatus = z.enum(SCHEDULED_PAYMENT_STATUSES);
export type ScheduledPaymentStatus = z.infer<typeof ScheduledPaymentStatus>;

// ---------------------------------------------------------------- products (read-only)

const Adjustment = z.object({
  // Tolerated: a nameless discount or tax still has its figures.
  name: z.string().nullish(),
  // Tolerated: a null percentage reads as "none given", never as 0 %.
  percentage: Percentage.nullish(),
  // ASSUMPTION: fees may be fixed amounts rather than percentages; field name not documented.
  amount: Money.nullish(),
  description: z.string().nullish(),
  created_at: Timestamp.nullish(),
  updated_at: Timestamp.nullish(),
});
export type Adjustment = z.output<typeof Adjustment>;

/** Fields from the seed's documented product list response, plus the assumptions marked. */
export const Product = z.object({
  id: Id,
  product_id: z.string(),
  // ASSUMPTION: the seed's product has no name (billpro-api.md §3.1); the UI falls back to product_id.
  name: z.string().nullish(),
  // ASSUMPTION: descriptions are UI fields; returned when present.
  description: z.string().nullish(),
  currency: Currency,
  price: Money,
  product_type: PurchaseType,
  product_status: z.string(),
  lock_price: z.boolean(),
  lock_payment_config: z.boolean().nullish(),
  product_group: z.string().nullish(),
  scheduled_interval: IntLike.nullish(),
  scheduled_unit: DurationUnit.nullish(),
  // ASSUMPTION: instalment products carry their number of instalments as split_number, like orders.
  split_number: IntLike.nullish(),
  fee_for_initial_payment_only: z.boolean().nullish(),
  discount_for_initial_payment_only: z.boolean().nullish(),
  deposit_amount: Money.nullish(),
  created_at: Timestamp,
  discount: Adjustment.nullish(),
  tax: Adjustment.nullish(),
  // ASSUMPTION: a fee object shaped like discount/tax; not in the documented example.
  fee: Adjustment.nullish(),
});
export type Product = z.output<typeof Product>;

// ---------------------------------------------------------------- customers

/**
 * Request schemas are strict: a key Desk does not know is an error, never dropped in silence,
 * and every text is bounded by the same limits as its form field (limits.ts).
 */
const text = (max: number) => z.string().max(max, `must be at most ${max} characters`);
const required = (max: number) => text(max).refine((v) => v.trim() !== '', "can't be blank");

/** What Desk sends for a date-only field: exactly `DD/MM/YYYY`, a real day. */
const DayMonthYearInput = z
  .string()
  .refine((value) => readDayMonthYear(value) !== null, 'must be a real date written DD/MM/YYYY');

export const AddressInput = z.strictObject({
  street: required(L.street),
  city: required(L.city),
  state: text(L.state).nullish(),
  country: z.string().regex(/^[A-Z]{2}$/, 'must be a two-letter ISO country code'), // ISO 3166-1 alpha-2
  postal_code: required(L.postalCode),
});
export type AddressInput = z.output<typeof AddressInput>;

export const OrganisationInput = z.strictObject({
  name: required(L.organisationName),
  registration_number: text(L.registrationNumber).nullish(),
  web_url: text(L.webUrl).nullish(),
  vat: text(L.vat).nullish(),
  description: text(L.description).nullish(),
});
export type OrganisationInput = z.output<typeof OrganisationInput>;

/** The create/update body inside `{"customer": …}` — documented by the seed. */
export const CustomerInput = z.strictObject({
  first_name: required(L.name),
  last_name: required(L.name),
  email: required(L.email),
  date_of_birth: DayMonthYearInput.nullish(), // DD/MM/YYYY
  phone: text(L.phone).nullish(),
  organisation: OrganisationInput.nullish(),
  addresses: z
    .strictObject({
      billing_address: AddressInput.nullish(),
      shipping_address: AddressInput.nullish(),
    })
    .nullish(),
});
export type CustomerInput = z.output<typeof CustomerInput>;

/** An address or organisation as BillPro sends it: tolerant of nulls in optional parts. */
const AddressRead = z.object({
  street: z.string(),
  city: z.string(),
  state: z.string().nullish(),
  country: z.string(),
  postal_code: z.string().nullish(),
});

/**
 * ASSUMPTION: billpro-api.md §2.2 says GET returns addresses in a format different from the PUT
 * format, without giving either. We model GET as a list of typed address records; the client
 * converts it back to the PUT shape (`toCustomerInput`) so an update never drops an address.
 */
export const CustomerAddress = AddressRead.extend({
  // Tolerated: an address without its own id is still the customer's address.
  id: Id.nullish(),
  address_type: z.enum(ADDRESS_TYPES),
  created_at: Timestamp.nullish(),
  updated_at: Timestamp.nullish(),
});
export type CustomerAddress = z.output<typeof CustomerAddress>;

export const Customer = z.object({
  id: Id,
  customer_id: z.string(), // merchant id, 10 characters, generated by BillPro
  first_name: z.string(),
  last_name: z.string(),
  email: z.string(),
  date_of_birth: DateOnly.nullish(),
  phone: z.string().nullish(),
  organisation: z
    .object({
      name: z.string(),
      registration_number: z.string().nullish(),
      web_url: z.string().nullish(),
      vat: z.string().nullish(),
      description: z.string().nullish(),
      created_at: Timestamp.nullish(),
      updated_at: Timestamp.nullish(),
    })
    .nullish(),
  addresses: z
    .array(CustomerAddress)
    .nullish()
    .transform((list) => list ?? []),
  created_at: Timestamp,
  updated_at: Timestamp,
});
export type Customer = z.output<typeof Customer>;

/** The PUT shape of a customer as read with GET: what an edit form starts from. */
export function toCustomerInput(customer: Customer): CustomerInput {
  const pick = (type: (typeof ADDRESS_TYPES)[number]): AddressInput | null => {
    const found = customer.addresses.find((a) => a.address_type === type);
    return found
      ? {
          street: found.street,
          city: found.city,
          state: found.state ?? null,
          country: found.country,
          postal_code: found.postal_code ?? '',
        }
      : null;
  };
  return {
    first_name: customer.first_name,
    last_name: customer.last_name,
    email: customer.email,
    date_of_birth: customer.date_of_birth ?? null,
    phone: customer.phone ?? null,
    organisation: customer.organisation
      ? {
          name: customer.organisation.name,
          registration_number: customer.organisation.registration_number ?? null,
          web_url: customer.organisation.web_url ?? null,
          vat: customer.organisation.vat ?? null,
          description: customer.organisation.description ?? null,
        }
      : null,
    addresses: { billing_address: pick('billing'), shipping_address: pick('shipping') },
  };
}

// ---------------------------------------------------------------- orders

/** What Desk sends as an amount: a decimal string or number, never negative or in exponent form. */
const MoneyInput = Money;

export const OrderProductInput = z.strictObject({
  product_id: Id,
  qty: IntLike.pipe(
    z.number().int().min(1, 'must be at least 1').max(L.quantity, `must be at most ${L.quantity}`),
  ).optional(),
  amount: MoneyInput.optional(),
  discount_amount: MoneyInput.optional(),
  fee_amount: MoneyInput.optional(),
  // ASSUMPTION: the tax amount field is not documented (billpro-api.md §5.11).
  tax_amount: MoneyInput.optional(),
});
export type OrderProductInput = z.output<typeof OrderProductInput>;

const positiveInt = (max: number) =>
  IntLike.pipe(z.number().int().min(1, 'must be at least 1').max(max, `must be at most ${max}`));

/** The body inside `{"order": …}` for the four create endpoints (billpro-api.md §2.3). */
export const OrderInput = z.strictObject({
  currency: z
    .string()
    .regex(/^[A-Z]{3}$/, 'must be a three-letter ISO 4217 code, like EUR')
    .refine(isCurrencyCode, 'must be an ISO 4217 currency code such as GBP'),
  customer_id: Id,
  invoice_id: text(L.invoiceId).optional(),
  order_products: z.array(OrderProductInput).min(1),
  create_checkout: z.boolean().optional(),
  create_registration: z.boolean().optional(),
  redirect_url: text(L.url).optional(),
  failed_redirect_url: text(L.url).optional(),
  // The order's description, in the documented attribute table of Get order.
  description: text(L.description).optional(),
  note: text(L.note).optional(),
  // instalment
  initial_amount: MoneyInput.optional(),
  split_number: positiveInt(L.splitNumber).optional(),
  scheduled_unit: DurationUnit.optional(),
  scheduled_interval: positiveInt(L.interval).optional(),
  // ASSUMPTION: DD/MM/YYYY like date_of_birth; the documented value was truncated.
  start_date: DayMonthYearInput.optional(),
  // subscription. ASSUMPTION: a whole number of the product's scheduled_unit.
  recurring_collection_interval: positiveInt(L.interval).optional(),
});
export type OrderInput = z.output<typeof OrderInput>;

export const OrderProduct = z.object({
  product_id: Id,
  // Tolerated: a missing quantity is shown as unknown, never assumed to be 1.
  qty: IntLike.nullish().transform((q) => q ?? null),
  amount: Money.nullish(),
  discount_amount: Money.nullish(),
  fee_amount: Money.nullish(),
  tax_amount: Money.nullish(),
  // ASSUMPTION: item fields of `products` in the order response are a GAP (§5.9).
  name: z.string().nullish(),
});
export type OrderProduct = z.output<typeof OrderProduct>;

// The payment link may come under any of PAYMENT_LINK_FIELDS (enums.ts); `payment_link_field`
// tells which one carried it (for the compatibility check).

/** The order's fields, for schemas that extend it (rows, cache); `Order` reads the wire. */
export const OrderObject = z.object({
  id: Id,
  profile_id: Id.nullish(),
  order_type: PurchaseType,
  status: OrderStatus,
  invoice_id: z.string().nullish(),
  customer_id: Id,
  // ASSUMPTION: currency is not in the documented attribute table, but every order has one.
  currency: Currency.nullish(),
  monthly_amount: Money.nullish(),
  scheduled_duration_unit: DurationUnit.nullish(),
  scheduled_duration_number: IntLike.nullish(),
  total_to_pay: Money.nullish(),
  count_to_pay: IntLike.nullish(),
  description: z.string().nullish(),
  profile_payment_method: z.string().nullish(),
  order_source: IntLike.nullish(),
  collect_initial_payment: z.boolean().nullish(),
  total_installment_amount: Money.nullish(),
  total_discount_amount: Money.nullish(),
  total_tax_amount: Money.nullish(),
  total_fee_amount: Money.nullish(),
  // ASSUMPTION: the order's grand total; not in the documented table. Never reconstructed.
  total_amount: Money.nullish(),
  products: z
    .array(OrderProduct)
    .nullish()
    .transform((list) => list ?? []),
  payment_link: z.string().nullish(),
  payment_link_field: z.enum(PAYMENT_LINK_FIELDS).nullish(),
  // ASSUMPTION: the checkout id's field name is a GAP (§5.9).
  checkout_id: z.string().nullish(),
  note: z.string().nullish(),
  // ASSUMPTION: the order echoes its scheduling inputs (§2.3); not in the documented table.
  initial_amount: Money.nullish(),
  scheduled_interval: IntLike.nullish(),
  recurring_collection_interval: IntLike.nullish(),
  start_date: DateOnly.nullish(),
  // ASSUMPTION: timestamps are not in the documented table.
  created_at: Timestamp.nullish(),
  updated_at: Timestamp.nullish(),
});

/** GET /orders/{id}: the documented attribute table plus the assumptions marked. */
export const Order = z.preprocess((raw) => {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return raw;
  const record = raw as Record<string, unknown>;
  if (typeof record.payment_link_field === 'string') return raw;
  const field = PAYMENT_LINK_FIELDS.find((name) => typeof record[name] === 'string' && record[name] !== '');
  return field ? { ...record, payment_link: record[field], payment_link_field: field } : raw;
}, OrderObject);
export type Order = z.output<typeof Order>;

/** ASSUMPTION: renew checkout answers with the new checkout id (§2.6). */
export const CheckoutRenewal = z.object({
  order_id: Id,
  checkout_id: z.string(),
  expires_at: Timestamp.nullish(),
});
export type CheckoutRenewal = z.output<typeof CheckoutRenewal>;

// ---------------------------------------------------------------- scheduled payments

export const ScheduledPayment = z.object({
  id: Id,
  // ASSUMPTION: the order reference is named order_id (§3.5).
  order_id: Id,
  status: ScheduledPaymentStatus,
  amount: Money,
  // ASSUMPTION: the date/time field's name is a GAP; ISO 8601 UTC.
  scheduled_at: Timestamp,
  scheduled_interval: IntLike.nullish(),
  scheduled_duration_unit: DurationUnit.nullish(),
  created_at: Timestamp.nullish(),
  updated_at: Timestamp.nullish(),
});
export type ScheduledPayment = z.output<typeof ScheduledPayment>;

/** The body inside `{"scheduled_payment": …}` (root key ASSUMPTION, by analogy with order/customer). */
export const ScheduledPaymentUpdate = z.strictObject({
  status: z.enum(SETTABLE_SCHEDULED_PAYMENT_STATUSES).optional(),
  amount: MoneyInput.optional(),
  scheduled_at: Timestamp.optional(),
  scheduled_interval: positiveInt(L.interval).optional(),
  scheduled_duration_unit: DurationUnit.optional(),
});
export type ScheduledPaymentUpdate = z.output<typeof ScheduledPaymentUpdate>;

// ---------------------------------------------------------------- errors

/** BillPro's 422 body for invalid attributes, documented by the seed: `{"phone":["is invalid"]}`. */
export const ValidationErrorBody = z.record(z.string(), z.array(z.string()));

/** ASSUMPTION: every other error body is `{"error": "<message>"}` (billpro-api.md §1.6). */
export const ErrorBody = z.object({ error: z.string() });
