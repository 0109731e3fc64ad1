/**
 * The records the sandbox stores are the wire objects it sends: one object per entity, served
 * by JSON.stringify with no copy. The compile-time checks at the bottom prove each record is a
 * valid *input* of the wire.ts schema (money as strings, intervals as the seed writes them), so
 * a response always parses with the client's schemas.
 *
 * Fields beyond wire.ts are marked EXTRA; zod strips them on the client side.
 */
import type { z } from 'zod';
import type {
  Customer,
  DurationUnit,
  Order,
  OrderStatus,
  Product,
  PurchaseType,
  ScheduledPayment,
  ScheduledPaymentStatus,
} from '../common/wire.ts';

export interface AdjustmentRecord {
  name: string;
  /** Present for percentage adjustments (discount, tax, most fees). */
  percentage?: string;
  /** Present for fixed fees, per unit. */
  amount?: string;
  description: string | null;
  created_at: string;
  updated_at: string;
}

export interface ProductRecord {
  id: number;
  product_id: string;
  /** Absent on the documented product and on some seeded ones (the UI shows product_id). */
  name?: string;
  description?: string | null;
  currency: string;
  price: string;
  product_type: PurchaseType;
  product_status: 'active' | 'inactive';
  lock_price: boolean;
  lock_payment_config: boolean;
  product_group: string | null;
  /** A string, as in the seed's documented product (`"scheduled_interval":"1"`). */
  scheduled_interval: string | null;
  scheduled_unit: DurationUnit | null;
  split_number?: number | null;
  fee_for_initial_payment_only: boolean;
  discount_for_initial_payment_only: boolean;
  deposit_amount: string | null;
  created_at: string;
  discount: AdjustmentRecord | null;
  tax: AdjustmentRecord | null;
  fee?: AdjustmentRecord | null;
}

export interface OrganisationRecord {
  name: string;
  registration_number: string | null;
  web_url: string | null;
  vat: string | null;
  description: string | null;
  created_at: string;
  updated_at: string;
}

export interface AddressRecord {
  id: number;
  address_type: 'billing' | 'shipping';
  street: string;
  city: string;
  state: string | null;
  country: string;
  postal_code: string;
  created_at: string;
  updated_at: string;
}

export interface CustomerRecord {
  id: number;
  customer_id: string;
  first_name: string;
  last_name: string;
  email: string;
  date_of_birth: string | null;
  phone: string | null;
  organisation: OrganisationRecord | null;
  addresses: AddressRecord[];
  created_at: string;
  updated_at: string;
}

export interface OrderProductRecord {
  product_id: number;
  qty: number;
  /** Unit price charged. */
  amount: string;
  /** Line amounts (for all units). */
  discount_amount: string;
  fee_amount: string;
  tax_amount: string;
  name: string | null;
}

export interface OrderRecord {
  id: number;
  profile_id: number;
  order_type: PurchaseType;
  status: OrderStatus;
  invoice_id: string | null;
  customer_id: number;
  currency: string;
  monthly_amount: string | null;
  scheduled_duration_unit: DurationUnit | null;
  scheduled_duration_number: number | null;
  total_to_pay: string | null;
  count_to_pay: number | null;
  description: string | null;
  profile_payment_method: 'ECOM' | 'MOTO';
  order_source: 1 | 2;
  collect_initial_payment: boolean;
  total_installment_amount: string | null;
  total_discount_amount: string;
  total_tax_amount: string;
  total_fee_amount: string;
  total_amount: string;
  products: OrderProductRecord[];
  payment_link: string;
  checkout_id: string | null;
  note: string | null;
  created_at: string;
  updated_at: string;
  /** EXTRA: the deposit / initial payment amount. */
  initial_amount: string | null;
  /** EXTRA: instalments: intervals between billing events (with scheduled_duration_unit). */
  scheduled_interval: number | null;
  /** EXTRA: subscriptions: intervals between collections (with scheduled_duration_unit). */
  recurring_collection_interval: number | null;
  /** EXTRA: instalments: first billing event date, DD/MM/YYYY, when one was given. */
  start_date: string | null;
}

export interface ScheduledPaymentRecord {
  id: number;
  order_id: number;
  status: ScheduledPaymentStatus;
  amount: string;
  scheduled_at: string;
  scheduled_interval: number | null;
  scheduled_duration_unit: DurationUnit | null;
  created_at: string;
  updated_at: string;
}

// Compile-time proof that every record is accepted by the client's schema.
type Accepts<Schema extends z.ZodType, R extends z.input<Schema>> = R;
export type ProductRecordIsWire = Accepts<typeof Product, ProductRecord>;
export type CustomerRecordIsWire = Accepts<typeof Customer, CustomerRecord>;
export type OrderRecordIsWire = Accepts<typeof Order, OrderRecord>;
export type ScheduledPaymentRecordIsWire = Accepts<typeof ScheduledPayment, ScheduledPaymentRecord>;
