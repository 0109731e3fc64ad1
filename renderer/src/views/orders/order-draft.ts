/**
 * The order being written in the Create order screen, and its arithmetic. Every discount, fee
 * and tax starts from the product's own rule (BillPro applies the product's percentages when an
 * order gives no amounts) and is always sent as an amount, so the total shown before sending is
 * the total BillPro computes.
 *
 * Prices include tax: the seed's product 1 (44.99, 5 % initial discount, 21 % tax) has
 * `deposit_amount` 42.74 = 44.99 × 0.95, with no tax added. A line's tax is the part of its
 * discounted amount that is tax, and the total is amount − discount + fee. Amounts are integer
 * minor units of the product's currency (common/money.ts).
 */
import type { CustomerRow, MethodInput, ProductRow } from '../../../../electron/common/contract.ts';
import { formatMinorUnits, isTypedAmount, parseTypedAmount, percentOf, splitInclusiveTax, toMinorUnits } from '../../../../electron/common/money.ts';
import type { PurchaseType } from './order-filters.svelte.ts';

export type Unit = NonNullable<ProductRow['scheduled_unit']>;
export const UNITS: readonly Unit[] = ['DAY', 'WEEK', 'MONTH', 'YEAR'];
export type OrderBody = MethodInput<'orders.create'>['order'];

export interface DraftLine {
  key: number;
  product: ProductRow;
  qty: string;
  /** Unit amount as typed; ignored when the product locks its price. */
  amount: string;
  /** null: follows the product's rule as qty and amount change. */
  discount: string | null;
  fee: string | null;
  tax: string | null;
}

export interface Draft {
  type: PurchaseType | null;
  customer: CustomerRow | null;
  lines: DraftLine[];
  // instalment
  deposit: string;
  splitNumber: string;
  interval: string;
  unit: Unit;
  /** YYYY-MM-DD from the date input; sent as DD/MM/YYYY. */
  startDate: string;
  // subscription
  recurringInterval: string;
  invoiceId: string;
  note: string;
}

export function emptyDraft(): Draft {
  return {
    type: null,
    customer: null,
    lines: [],
    deposit: '0',
    splitNumber: '1',
    interval: '1',
    unit: 'MONTH',
    startDate: '',
    recurringInterval: '1',
    invoiceId: '',
    note: '',
  };
}

let nextKey = 1;
export function newLine(product: ProductRow): DraftLine {
  return { key: nextKey++, product, qty: '1', amount: product.price, discount: null, fee: null, tax: null };
}

/** Scheduling fields start from the product, which may lock them. */
export function prefillSchedule(draft: Draft, product: ProductRow): void {
  draft.interval = String(product.scheduled_interval ?? 1);
  draft.unit = product.scheduled_unit ?? 'MONTH';
  draft.splitNumber = String(product.split_number ?? 1);
  draft.deposit = product.deposit_amount ?? '0';
  draft.recurringInterval = String(product.scheduled_interval ?? 1);
}

export function scheduleLocked(draft: Draft): boolean {
  return draft.lines[0]?.product.lock_payment_config ?? false;
}

export function qtyOf(line: DraftLine): number | null {
  return /^\d+$/.test(line.qty.trim()) && Number(line.qty) >= 1 ? Number(line.qty) : null;
}

export function unitCents(line: DraftLine): number | null {
  const currency = line.product.currency;
  return line.product.lock_price ? toMinorUnits(line.product.price, currency) : parseTypedAmount(line.amount, currency);
}

/** An amount in minor units of the line's currency, as BillPro and the form write it. */
export function formatLine(line: DraftLine, minor: number): string {
  return formatMinorUnits(minor, line.product.currency);
}

/** What the product's own rules give for this line, in cents. */
export function productRule(line: DraftLine): { discount: number; fee: number; tax: (base: number) => number } {
  const qty = qtyOf(line) ?? 0;
  const gross = (unitCents(line) ?? 0) * qty;
  const p = line.product;
  const discount = p.discount?.percentage ? percentOf(gross, p.discount.percentage) : 0;
  const fee = p.fee
    ? p.fee.amount !== null && p.fee.amount !== undefined
      ? (toMinorUnits(p.fee.amount, p.currency) ?? 0) * qty
      : percentOf(gross, p.fee.percentage)
    : 0;
  // The price includes tax: the tax is the part of the discounted amount that is tax.
  return { discount, fee, tax: (base) => (p.tax?.percentage ? splitInclusiveTax(base, p.tax.percentage).tax : 0) };
}

export interface LineFigures {
  gross: number;
  discount: number;
  fee: number;
  tax: number;
  total: number;
  /** What each later subscription payment charges for this line (estimate). */
  recurring: number;
}

/** An adjustment as typed: blank counts as 0. */
function typed(value: string, currency?: string | null): number | null {
  return value.trim() === '' ? 0 : parseTypedAmount(value, currency);
}

export function lineFigures(line: DraftLine): LineFigures | null {
  const qty = qtyOf(line);
  const unit = unitCents(line);
  if (qty === null || unit === null) return null;
  const gross = unit * qty;
  const rule = productRule(line);
  const currency = line.product.currency;
  const discount = line.discount === null ? rule.discount : typed(line.discount, currency);
  const fee = line.fee === null ? rule.fee : typed(line.fee, currency);
  if (discount === null || fee === null) return null;
  const tax = line.tax === null ? rule.tax(gross - discount) : typed(line.tax, currency);
  if (tax === null) return null;
  const recurringDiscount = line.product.discount_for_initial_payment_only ? 0 : discount;
  const recurringFee = line.product.fee_for_initial_payment_only ? 0 : fee;
  // Tax is inside the amounts: it is shown, never added.
  return { gross, discount, fee, tax, total: gross - discount + fee, recurring: gross - recurringDiscount + recurringFee };
}

/** The value an adjustment field shows: the typed one, else the product's rule. */
export function adjustmentText(line: DraftLine, which: 'discount' | 'fee' | 'tax'): string {
  const own = line[which];
  if (own !== null) return own;
  const rule = productRule(line);
  if (which === 'discount') return formatLine(line, rule.discount);
  if (which === 'fee') return formatLine(line, rule.fee);
  const gross = (unitCents(line) ?? 0) * (qtyOf(line) ?? 0);
  const discount = line.discount === null ? rule.discount : (typed(line.discount, line.product.currency) ?? 0);
  return formatLine(line, rule.tax(gross - discount));
}

export interface Totals {
  gross: number;
  discount: number;
  fee: number;
  tax: number;
  total: number;
  recurring: number;
}

export function totalsOf(lines: readonly DraftLine[]): Totals | null {
  const totals: Totals = { gross: 0, discount: 0, fee: 0, tax: 0, total: 0, recurring: 0 };
  for (const line of lines) {
    const f = lineFigures(line);
    if (!f) return null;
    totals.gross += f.gross;
    totals.discount += f.discount;
    totals.fee += f.fee;
    totals.tax += f.tax;
    totals.total += f.total;
    totals.recurring += f.recurring;
  }
  return totals;
}

/** The deposit the order will carry: the typed one, or the product's (capped at the total) when locked. */
export function depositCents(draft: Draft, total: number): number | null {
  const currency = draft.lines[0]?.product.currency;
  if (scheduleLocked(draft)) return Math.min(toMinorUnits(draft.lines[0]?.product.deposit_amount ?? '0', currency) ?? 0, total);
  return typed(draft.deposit, currency);
}

/** Instalment amounts as BillPro splits them: even, the last one taking the remainder. */
export function instalments(balance: number, count: number): { regular: number; last: number } {
  const regular = Math.floor(balance / count);
  return { regular, last: balance - regular * (count - 1) };
}

function wholeIn(text: string, min: number, max: number): number | null {
  const t = text.trim();
  if (!/^\d+$/.test(t)) return null;
  const n = Number(t);
  return n >= min && n <= max ? n : null;
}

function localToday(): string {
  const d = new Date();
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
}

export type Errors = Record<string, string[]>;

/** Field messages for one step (1–4), in the keys BillPro uses where it has one. */
export function validate(draft: Draft, step: number): Errors {
  const errors: Errors = {};
  const add = (key: string, message: string) => (errors[key] ??= []).push(message);
  if (step === 1 && !draft.type) add('purchase_type', 'Pick a purchase type.');
  if (step === 2 && !draft.customer) add('customer_id', 'Pick the customer who pays this order.');
  if (step === 3) {
    if (draft.lines.length === 0) add('order_products', 'Add a product.');
    if (draft.type !== 'single_payment' && draft.lines.length > 1) add('order_products', 'This purchase type takes exactly one product.');
    const currencies = new Set(draft.lines.map((l) => l.product.currency));
    if (currencies.size > 1) add('currency', 'All products of one order must be in one currency.');
    for (const line of draft.lines) {
      if (qtyOf(line) === null) add(`line-${line.key}-qty`, 'Enter a whole number of 1 or more.');
      if (!line.product.lock_price && !isTypedAmount(line.amount, line.product.currency)) add(`line-${line.key}-amount`, 'Enter an amount like 20.00.');
      for (const which of ['discount', 'fee', 'tax'] as const) {
        const own = line[which];
        if (own !== null && own.trim() !== '' && !isTypedAmount(own, line.product.currency)) add(`line-${line.key}-${which}`, 'Enter an amount like 5.00 (0 if none).');
      }
      const f = lineFigures(line);
      if (f && f.gross - f.discount < 0) add(`line-${line.key}-discount`, 'The discount is larger than the line amount.');
    }
    const totals = totalsOf(draft.lines);
    if (draft.type === 'instalment' && !scheduleLocked(draft)) {
      if (draft.deposit.trim() !== '' && !isTypedAmount(draft.deposit, draft.lines[0]?.product.currency)) add('initial_amount', 'Enter an amount like 10.00 (0 for none).');
      else if (totals && (depositCents(draft, totals.total) ?? 0) > totals.total) add('initial_amount', 'The deposit cannot be more than the order total.');
      if (wholeIn(draft.splitNumber, 1, 120) === null) add('split_number', 'Enter a whole number from 1 to 120.');
      if (wholeIn(draft.interval, 1, 365) === null) add('scheduled_interval', 'Enter a whole number from 1 to 365.');
    }
    if (draft.type === 'instalment' && draft.startDate && draft.startDate < localToday()) add('start_date', 'Pick today or a later date.');
    if (draft.type === 'subscription' && !scheduleLocked(draft) && wholeIn(draft.recurringInterval, 1, 365) === null) {
      add('recurring_collection_interval', 'Enter a whole number from 1 to 365.');
    }
  }
  if (step === 4 && draft.invoiceId.trim().length > 64) add('invoice_id', 'Keep the invoice ID to 64 characters.');
  return errors;
}

/** Where BillPro's message for a field belongs in the wizard. */
export function stepOf(field: string): number {
  if (field === 'purchase_type') return 1;
  if (field === 'customer_id') return 2;
  if (field === 'invoice_id' || field === 'note') return 4;
  return 3;
}

/** A day from the date input (YYYY-MM-DD) as BillPro takes it and the wizard shows it: DD/MM/YYYY. */
export function dayMonthYear(isoDay: string): string {
  const [y, m, d] = isoDay.split('-');
  return `${d}/${m}/${y}`;
}

/** The `order` sent to `orders.create`. Call only after every step validates. */
export function orderBody(draft: Draft): OrderBody {
  const first = draft.lines[0];
  if (!first || !draft.customer) throw new Error('the order has no product or no customer');
  const locked = scheduleLocked(draft);
  const body: OrderBody = {
    currency: first.product.currency,
    customer_id: draft.customer.id,
    order_products: draft.lines.map((line) => {
      const f = lineFigures(line);
      if (!f) throw new Error('a line is not valid');
      return {
        product_id: line.product.id,
        qty: qtyOf(line) ?? 1,
        ...(line.product.lock_price ? {} : { amount: formatLine(line, unitCents(line) ?? 0) }),
        discount_amount: formatLine(line, f.discount),
        fee_amount: formatLine(line, f.fee),
        tax_amount: formatLine(line, f.tax),
      };
    }),
  };
  if (draft.invoiceId.trim()) body.invoice_id = draft.invoiceId.trim();
  if (draft.note.trim()) body.note = draft.note.trim();
  if (draft.type === 'instalment') {
    if (!locked) {
      body.initial_amount = formatLine(first, parseTypedAmount(draft.deposit.trim() || '0', first.product.currency) ?? 0);
      body.split_number = Number(draft.splitNumber);
      body.scheduled_interval = Number(draft.interval);
      body.scheduled_unit = draft.unit;
    }
    if (draft.startDate) body.start_date = dayMonthYear(draft.startDate);
  }
  if (draft.type === 'subscription' && !locked) body.recurring_collection_interval = Number(draft.recurringInterval);
  return body;
}
