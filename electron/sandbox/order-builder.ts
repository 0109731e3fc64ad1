/**
 * Turns a validated order request into the order record BillPro would return, with the totals
 * of its purchase type (billpro-api.md §2.3/§2.4). Used by the create endpoints and by the seed,
 * so seeded orders obey exactly the same arithmetic as new ones.
 */
import type { DurationUnit, OrderStatus, PurchaseType } from '../common/wire.ts';
import { iso } from './dates.ts';
import { formatMinor } from './money.ts';
import { priceLine, splitBalance, totalsOf, type LineRequest } from './pricing.ts';
import type { OrderRecord } from './records.ts';
import type { SandboxState } from './state.ts';

export interface OrderDraft {
  profileId: number;
  type: PurchaseType;
  customerId: number;
  currency: string;
  invoiceId: string | null;
  note: string | null;
  description: string | null;
  lines: LineRequest[];
  /** Instalments: the deposit, in cents. */
  initialAmount: number | null;
  splitNumber: number | null;
  scheduledUnit: DurationUnit | null;
  scheduledInterval: number | null;
  startDate: string | null;
  recurringInterval: number | null;
  createCheckout: boolean;
  status: OrderStatus;
  source: 1 | 2;
  paymentMethod: 'ECOM' | 'MOTO';
  createdAtMs: number;
}

export function buildOrder(state: SandboxState, draft: OrderDraft): OrderRecord {
  const id = state.nextId('order');
  const lines = draft.lines.map(priceLine);
  const totals = totalsOf(lines);
  const createdAt = iso(draft.createdAtMs);
  const order: OrderRecord = {
    id,
    profile_id: draft.profileId,
    order_type: draft.type,
    status: draft.status,
    invoice_id: draft.invoiceId,
    customer_id: draft.customerId,
    currency: draft.currency,
    monthly_amount: null,
    scheduled_duration_unit: null,
    scheduled_duration_number: null,
    total_to_pay: null,
    count_to_pay: null,
    description: draft.description,
    profile_payment_method: draft.paymentMethod,
    order_source: draft.source,
    collect_initial_payment: totals.total > 0,
    total_installment_amount: null,
    total_discount_amount: formatMinor(totals.discount),
    total_tax_amount: formatMinor(totals.tax),
    total_fee_amount: formatMinor(totals.fee),
    total_amount: formatMinor(totals.total),
    products: lines.map((line) => line.record),
    payment_link: state.newPaymentLink(id),
    checkout_id: null,
    note: draft.note,
    created_at: createdAt,
    updated_at: createdAt,
    initial_amount: formatMinor(totals.total),
    scheduled_interval: null,
    recurring_collection_interval: null,
    start_date: null,
  };

  switch (draft.type) {
    case 'instalment': {
      const deposit = draft.initialAmount ?? 0;
      const split = draft.splitNumber ?? 1;
      const amounts = splitBalance(totals.total - deposit, split);
      order.initial_amount = formatMinor(deposit);
      order.collect_initial_payment = deposit > 0;
      order.monthly_amount = formatMinor(amounts[0] ?? 0);
      order.scheduled_duration_unit = draft.scheduledUnit;
      order.scheduled_duration_number = split;
      order.scheduled_interval = draft.scheduledInterval;
      order.start_date = draft.startDate;
      order.total_to_pay = formatMinor(totals.total);
      order.total_installment_amount = formatMinor(totals.total);
      order.count_to_pay = split + (deposit > 0 ? 1 : 0);
      break;
    }
    case 'subscription':
      order.monthly_amount = formatMinor(totals.recurring);
      order.scheduled_duration_unit = draft.scheduledUnit;
      order.recurring_collection_interval = draft.recurringInterval;
      break;
    case 'metered':
      order.scheduled_duration_unit = draft.scheduledUnit;
      break;
    case 'single_payment':
      break;
  }

  if (draft.createCheckout) order.checkout_id = state.newCheckout(id).checkoutId;
  return order;
}
