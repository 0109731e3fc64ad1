/**
 * Order arithmetic, in cents. A line is the unit amount × qty, less its discount, plus its fee
 * and its tax; the product's percentages apply unless the order gives amounts
 * (billpro-api.md §2.3: overrides are amounts, never percentages). A subscription's regular
 * amount leaves out the discount and fee the product keeps for the initial payment only.
 */
import { formatCents, percentOf, toCents } from './money.ts';
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
  if (fee.amount !== undefined) return (toCents(fee.amount) ?? 0) * qty;
  return fee.percentage !== undefined ? percentOf(gross, fee.percentage) : 0;
}

export function priceLine(request: LineRequest): PricedLine {
  const { product, qty } = request;
  const unit = request.amount ?? toCents(product.price) ?? 0;
  const gross = unit * qty;
  const discount =
    request.discount ?? (product.discount?.percentage ? percentOf(gross, product.discount.percentage) : 0);
  const fee = request.fee ?? productFee(product, gross, qty);
  const taxOn = (base: number): number =>
    request.tax ?? (product.tax?.percentage ? percentOf(base, product.tax.percentage) : 0);
  const tax = taxOn(gross - discount);

  const recurringDiscount = product.discount_for_initial_payment_only ? 0 : discount;
  const recurringFee = product.fee_for_initial_payment_only ? 0 : fee;
  const recurring = gross - recurringDiscount + recurringFee + taxOn(gross - recurringDiscount);

  return {
    record: {
      product_id: product.id,
      qty,
      amount: formatCents(unit),
      discount_amount: formatCents(discount),
      fee_amount: formatCents(fee),
      tax_amount: formatCents(tax),
      name: product.name,
    },
    discount,
    fee,
    tax,
    total: gross - discount + fee + tax,
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
