/**
 * Order arithmetic, in minor units. A line is the unit amount × qty, less its discount, plus its
 * fee; the product's percentages apply unless the order gives amounts (billpro-api.md §2.3:
 * overrides are amounts, never percentages). A subscription's regular amount leaves out the
 * discount and fee the product keeps for the initial payment only.
 *
 * Prices include tax. The seed's product 1 (price 44.99, 5 % initial discount, 21 % tax) has
 * `deposit_amount` 42.74 = 44.99 × 0.95: its first payment carries no tax on top. A line's tax is
 * the part of its discounted amount that is tax (reported, never added).
 * ASSUMPTION: the fee is outside the taxed amount; no doc says either way.
 */
import { splitInclusiveTax } from '../common/money.ts';
import { formatMinor, percentOf, readMinor } from './money.ts';
import type { OrderProductRecord, ProductRecord } from './records.ts';

export interface LineRequest {
  product: ProductRecord;
  qty: number;
  /** Overrides, in cents; undefined means "from the product". */
  amount?: number | undefined;
  discount?: number | undefined;
  fee?: number | undefined;
  tax?: number | undefined;
}

export interface PricedLine {
  record: OrderProductRecord;
  discount: number;
  fee: number;
  tax: number;
  /** What the initial payment charges for this line. */
  total: number;
  /** What each later subscription collection charges for this line. */
  recurring: number;
}

export interface OrderTotals {
  discount: number;
  fee: number;
  tax: number;
  total: number;
  recurring: number;
}

function productFee(product: ProductRecord, gross: number, qty: number): number {
  const fee = product.fee;
  if (!fee) return 0;
  if (fee.amount !== undefined) return (readMinor(fee.amount) ?? 0) * qty;
  return fee.percentage !== undefined ? percentOf(gross, fee.percentage) : 0;
}

export function priceLine(request: LineRequest): PricedLine {
  const { product, qty } = request;
  const unit = request.amount ?? readMinor(product.price) ?? 0;
  const gross = unit * qty;
  const discount =
    request.discount ?? (product.discount?.percentage ? percentOf(gross, product.discount.percentage) : 0);
  const fee = request.fee ?? productFee(product, gross, qty);
  const tax =
    request.tax ?? (product.tax?.percentage ? splitInclusiveTax(gross - discount, product.tax.percentage).tax : 0);

  const recurringDiscount = product.discount_for_initial_payment_only ? 0 : discount;
  const recurringFee = product.fee_for_initial_payment_only ? 0 : fee;
  const recurring = gross - recurringDiscount + recurringFee;

  return {
    record: {
      product_id: product.id,
      qty,
      amount: formatMinor(unit),
      discount_amount: formatMinor(discount),
      fee_amount: formatMinor(fee),
      tax_amount: formatMinor(tax),
      name: product.name ?? null,
    },
    discount,
    fee,
    tax,
    total: gross - discount + fee,
    recurring,
  };
}

export function totalsOf(lines: readonly PricedLine[]): OrderTotals {
  const totals: OrderTotals = { discount: 0, fee: 0, tax: 0, total: 0, recurring: 0 };
  for (const line of lines) {
    totals.discount += line.discount;
    totals.fee += line.fee;
    totals.tax += line.tax;
    totals.total += line.total;
    totals.recurring += line.recurring;
  }
  return totals;
}

/**
 * Instalment amounts: the balance split evenly, the last one taking the rounding remainder so
 * the events always add up to the balance exactly.
 */
export function splitBalance(balance: number, count: number): number[] {
  const regular = Math.floor(balance / count);
  const amounts = new Array<number>(count).fill(regular);
  amounts[count - 1] = balance - regular * (count - 1);
  return amounts;
}
