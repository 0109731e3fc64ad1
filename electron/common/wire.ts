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
import {
  ADDRESS_TYPES,
  DURATION_UNITS,
  ORDER_STATUSES,
  PURCHASE_TYPES,
  SCHEDULED_PAYMENT_STATUSES,
  SETTABLE_SCHEDULED_PAYMENT_STATUSES,
} from './enums.ts';

export {
  ADDRESS_TYPES,
  DURATION_UNITS,
  ORDER_STATUSES,
  PURCHASE_TYPES,
  SCHEDULED_PAYMENT_STATUSES,
  SETTABLE_SCHEDULED_PAYMENT_STATUSES,
};

// ---------------------------------------------------------------- scalars

const MONEY_PATTERN = /^-?\d+(\.\d+)?$/;

/** An amount as BillPro sends it (`"20.00"` or `20` or `10.0`), normalised to a decimal string. */
export const Money = z
  .union([z.number().finite(), z.string().trim().regex(MONEY_PATTERN, 'must be a number')])
  .transform((value) => (typeof value === 'number' ? String(value) : value));
export type Money = z.output<typeof Money>;

/** Integers that BillPro sometimes sends as strings (`"scheduled_interval": "1"` in the seed). */
export const IntLike = z
  .union([z.number().int(), z.string().trim().regex(/^-?\d+$/, 'must be a whole number')])
  .transform((value) => (typeof value === 'number' ? value : Number.parseInt(value, 10)));

export const Id = z.number().int().positive();
export const Timestamp = z.string().min(1); // ISO 8601, UTC

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
  name: z.string(),
  percentage: Money.optional(),
  // ASSUMPTION: fees may be fixed amounts rather than percentages; field name not documented.
  amount: Money.optional(),
  description: z.string().nullish(),
  created_at: Timestamp.optional(),
  updated_at: Timestamp.optional(),
});
export type Adjustment = z.output<typeof Adjustment>;

/** Fields from the seed's documented product list response, plus the assumptions marked. */
export const Product = z.object({
  id: Id,
  product_id: z.string(),
  // ASSUMPTION: the API may not return a name (billpro-api.md §3.1); the UI falls back to product_id.
  name: z.string().nullish(),
  // ASSUMPTION: descriptions are UI fields; returned when present.
  description: z.string().nullish(),
  currency: z.string().length(3),
  price: Money,
  product_type: PurchaseType,
  product_status: z.string(),
  lock_price: z.boolean(),
  lock_payment_config: z.boolean(),
  product_group: z.string().nullish(),
  scheduled_interval: IntLike.nullish(),
  scheduled_unit: DurationUnit.nullish(),
  // ASSUMPTION: instalment products carry their number of instalments as split_number, like orders.
  split_number: IntLike.nullish(),
  fee_for_initial_payment_only: z.boolean().optional(),
  discount_for_initial_payment_only: z.boolean().optional(),
  deposit_amount: Money.nullish(),
  created_at: Timestamp,
  discount: Adjustment.nullish(),
  tax: Adjustment.nullish(),
  // ASSUMPTION: a fee object shaped like discount/tax; not in the documented example.
  fee: Adjustment.nullish(),
});
export type Product = z.output<typeof Product>;

// ---------------------------------------------------------------- customers

export const AddressInput = z.object({
  street: z.string(),
  city: z.string(),
  state: z.string().nullish(),
  country: z.string(), // ISO 3166-1 alpha-2
  postal_code: z.string(),
});
export type AddressInput = z.output<typeof AddressInput>;

export const OrganisationInput = z.object({
  name: z.string(),
  registration_number: z.string().nullish(),
  web_url: z.string().nullish(),
  vat: z.string().nullish(),
  description: z.string().nullish(),
});
export type OrganisationInput = z.output<typeof OrganisationInput>;

/** The create/update body inside `{"customer": …}` — documented by the seed. */
export const CustomerInput = z.object({
  first_name: z.string(),
  last_name: z.string(),
  email: z.string(),
  date_of_birth: z.string().nullish(), // DD/MM/YYYY
  phone: z.string().nullish(),
  organisation: OrganisationInput.nullish(),
  addresses: z
    .object({
      billing_address: AddressInput.nullish(),
      shipping_address: AddressInput.nullish(),
    })
    .nullish(),
});
export type CustomerInput = z.output<typeof CustomerInput>;


/**
 * ASSUMPTION: billpro-api.md §2.2 says GET returns addresses in a format different from the PUT
 * format, without giving either. We model GET as a list of typed address records; the client
 * converts it back to the PUT shape (`toCustomerInput`) so an update never drops an address.
 */
export const CustomerAddress = AddressInput.extend({
  id: Id.optional(),
  address_type: z.enum(ADDRESS_TYPES),
  created_at: Timestamp.optional(),
  updated_at: Timestamp.optional(),
});
export type CustomerAddress = z.output<typeof CustomerAddress>;

export const Customer = z.object({
  id: Id,
  customer_id: z.string(), // merchant id, 10 characters, generated by BillPro
  first_name: z.string(),
  last_name: z.string(),
  email: z.string(),
  date_of_birth: z.string().nullish(),
  phone: z.string().nullish(),
  organisation: OrganisationInput.extend({
    created_at: Timestamp.optional(),
    updated_at: Timestamp.optional(),
  }).nullish(),
  addresses: z.array(CustomerAddress).default([]),
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
          postal_code: found.postal_code,
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

export const OrderProductInput = z.object({
  product_id: Id,
  qty: IntLike.pipe(z.number().int().min(1, 'must be at least 1').max(1_000_000)).optional(),
  amount: Money.optional(),
  discount_amount: Money.optional(),
  fee_amount: Money.optional(),
  // ASSUMPTION: the tax amount field is not documented (billpro-api.md §5.11).
  tax_amount: Money.optional(),
});
export type OrderProductInput = z.output<typeof OrderProductInput>;

/** The body inside `{"order": …}` for the four create endpoints (billpro-api.md §2.3). */
export const OrderInput = z.object({
  currency: z.string().regex(/^[A-Z]{3}$/, 'must be a three-letter ISO 4217 code, like EUR'),
  customer_id: Id,
  invoice_id: z.string().optional(),
  order_products: z.array(OrderProductInput).min(1),
  create_checkout: z.boolean().optional(),
  create_registration: z.boolean().optional(),
  redirect_url: z.string().optional(),
  failed_redirect_url: z.string().optional(),
  note: z.string().optional(),
  // instalment
  initial_amount: Money.optional(),
  split_number: IntLike.optional(),
  scheduled_unit: DurationUnit.optional(),
  scheduled_interval: IntLike.optional(),
  // ASSUMPTION: DD/MM/YYYY like date_of_birth; the documented value was truncated.
  start_date: z.string().optional(),
  // subscription. ASSUMPTION: a whole number of the product's scheduled_unit.
  recurring_collection_interval: IntLike.optional(),
});
export type OrderInput = z.output<typeof OrderInput>;

export const OrderProduct = z.object({
  product_id: Id,
  qty: IntLike.default(1),
  amount: Money,
  discount_amount: Money.nullish(),
  fee_amount: Money.nullish(),
  tax_amount: Money.nullish(),
  // ASSUMPTION: item fields of `products` in the order response are a GAP (§5.9).
  name: z.string().nullish(),
});
export type OrderProduct = z.output<typeof OrderProduct>;

/** GET /orders/{id}: the documented attribute table plus the assumptions marked. */
export const Order = z.object({
  id: Id,
  profile_id: Id.nullish(),
  order_type: PurchaseType,
  status: OrderStatus,
  invoice_id: z.string().nullish(),
  customer_id: Id,
  // ASSUMPTION: currency is not in the documented attribute table, but every order has one.
  currency: z.string().nullish(),
  monthly_amount: Money.nullish(),
  scheduled_duration_unit: DurationUnit.nullish(),
  scheduled_duration_number: IntLike.nullish(),
  total_to_pay: Money.nullish(),
  count_to_pay: IntLike.nullish(),
  description: z.string().nullish(),
  profile_payment_method: z.string().nullish(),
  order_source: z.number().int().nullish(),
  collect_initial_payment: z.boolean().nullish(),
  total_installment_amount: Money.nullish(),
  total_discount_amount: Money.nullish(),
  total_tax_amount: Money.nullish(),
  total_fee_amount: Money.nullish(),
  // ASSUMPTION: the order's grand total; not in the documented table.
  total_amount: Money.nullish(),
  products: z.array(OrderProduct).default([]),
  // ASSUMPTION: field names of the payment link and the checkout id are GAPs (§5.9).
  payment_link: z.string().nullish(),
  checkout_id: z.string().nullish(),
  note: z.string().nullish(),
  // ASSUMPTION: the order echoes its scheduling inputs (§2.3); not in the documented table.
  initial_amount: Money.nullish(),
  scheduled_interval: IntLike.nullish(),
  recurring_collection_interval: IntLike.nullish(),
  start_date: z.string().nullish(),
  // ASSUMPTION: timestamps are not in the documented table.
  created_at: Timestamp.nullish(),
  updated_at: Timestamp.nullish(),
});
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
export const ScheduledPaymentUpdate = z.object({
  status: z.enum(SETTABLE_SCHEDULED_PAYMENT_STATUSES).optional(),
  amount: Money.optional(),
  scheduled_at: Timestamp.optional(),
  scheduled_interval: IntLike.optional(),
  scheduled_duration_unit: DurationUnit.optional(),
});
export type ScheduledPaymentUpdate = z.output<typeof ScheduledPaymentUpdate>;

// ---------------------------------------------------------------- errors

/** BillPro's 422 body for invalid attributes, documented by the seed: `{"phone":["is invalid"]}`. */
export const ValidationErrorBody = z.record(z.string(), z.array(z.string()));

/** ASSUMPTION: every other error body is `{"error": "<message>"}` (billpro-api.md §1.6). */
export const ErrorBody = z.object({ error: z.string() });
