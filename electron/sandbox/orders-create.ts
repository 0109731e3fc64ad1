/**
 * The four create-order endpoints (billpro-api.md §2.3): one validation, parameterised by the
 * purchase type the endpoint creates. Every refusal is a 422 field body in Rails' style.
 */
import { DURATION_UNITS, type DurationUnit, type PurchaseType } from '../common/wire.ts';
import type { ApiContext, ApiHandler } from './api-context.ts';
import { parseDayMonthYear } from './dates.ts';
import { isObject, type JsonObject } from './http.ts';
import { readMinor } from './money.ts';
import { buildOrder } from './order-builder.ts';
import { scheduleInstalments } from './lifecycle.ts';
import { priceLine, totalsOf, type LineRequest } from './pricing.ts';
import type { OrderRecord, ProductRecord } from './records.ts';
import {
  BLANK,
  FieldErrors,
  INVALID,
  NOT_A_NUMBER,
  NOT_INCLUDED,
  readOptionalText,
  readRequiredText,
} from './validation.ts';

const LOCKED_CONFIG = "cannot be changed: the product's payment configuration is locked";

export function createOrderHandler(type: PurchaseType): ApiHandler {
  return (context) => createOrder(context, type);
}

/** A whole number (or its string); null when absent. Reports Rails' numericality messages. */
function readWhole(
  source: JsonObject,
  key: string,
  errors: FieldErrors,
  min: number,
  path = key,
): number | null {
  const value = source[key];
  if (value === undefined || value === null || value === '') return null;
  const number = typeof value === 'string' && /^-?\d+$/.test(value.trim()) ? Number(value) : value;
  if (typeof number !== 'number' || !Number.isFinite(number)) {
    errors.add(path, NOT_A_NUMBER);
    return null;
  }
  if (!Number.isInteger(number)) {
    errors.add(path, 'must be an integer');
    return null;
  }
  if (number < min) {
    errors.add(path, `must be greater than or equal to ${min}`);
    return null;
  }
  return number;
}

/** Money in cents (number or numeric string); null when absent. */
function readMoney(source: JsonObject, key: string, errors: FieldErrors, path = key): number | null {
  const value = source[key];
  if (value === undefined || value === null || value === '') return null;
  const cents = readMinor(value);
  if (cents === null) {
    errors.add(path, NOT_A_NUMBER);
    return null;
  }
  if (cents < 0) {
    errors.add(path, 'must be greater than or equal to 0');
    return null;
  }
  return cents;
}

function readBoolean(source: JsonObject, key: string, errors: FieldErrors): boolean {
  const value = source[key];
  if (value === undefined || value === null) return false;
  if (value === true || value === 'true' || value === 1 || value === '1') return true;
  if (value === false || value === 'false' || value === 0 || value === '0') return false;
  errors.add(key, INVALID);
  return false;
}

function readUnit(source: JsonObject, key: string, errors: FieldErrors): DurationUnit | null {
  const text = readOptionalText(source, key, errors);
  if (text === null) return null;
  const unit = DURATION_UNITS.find((u) => u === text.toUpperCase());
  if (!unit) errors.add(key, NOT_INCLUDED);
  return unit ?? null;
}

function readLines(
  body: JsonObject,
  type: PurchaseType,
  context: ApiContext,
  errors: FieldErrors,
): LineRequest[] {
  const items = body.order_products;
  if (items === undefined || items === null || (Array.isArray(items) && items.length === 0)) {
    errors.add('order_products', BLANK);
    return [];
  }
  if (!Array.isArray(items)) {
    errors.add('order_products', INVALID);
    return [];
  }
  if (type !== 'single_payment' && items.length !== 1) {
    errors.add('order_products', `must contain exactly one product for a ${type} order`);
  }
  const lines: LineRequest[] = [];
  for (const item of items) {
    if (!isObject(item)) {
      errors.add('order_products', INVALID);
      continue;
    }
    const itemErrors = new FieldErrors();
    const productId = readWhole(item, 'product_id', itemErrors, 1, 'product_id');
    const qty = readWhole(item, 'qty', itemErrors, 1, 'qty') ?? 1;
    const amount = readMoney(item, 'amount', itemErrors);
    const discount = readMoney(item, 'discount_amount', itemErrors);
    const fee = readMoney(item, 'fee_amount', itemErrors);
    const tax = readMoney(item, 'tax_amount', itemErrors);
    for (const [field, messages] of Object.entries(itemErrors.toJSON())) {
      for (const message of messages) errors.add('order_products', `${field} ${message}`);
    }
    if (productId === null) {
      if (item.product_id === undefined || item.product_id === null)
        errors.add('order_products', `product_id ${BLANK}`);
      continue;
    }
    const product = context.data.productsById.get(productId);
    if (!product) {
      errors.add('order_products', `product ${productId} does not exist`);
      continue;
    }
    if (product.product_status !== 'active')
      errors.add('order_products', `product ${productId} is not active`);
    if (product.product_type !== type) {
      errors.add('order_products', `product type ${product.product_type} does not match ${type} order`);
    }
    if (product.lock_price && amount !== null && amount !== readMinor(product.price)) {
      errors.add('order_products', `amount of product ${productId} cannot differ from its locked price`);
    }
    const line: LineRequest = {
      product,
      qty,
      amount: amount ?? undefined,
      discount: discount ?? undefined,
      fee: fee ?? undefined,
      tax: tax ?? undefined,
    };
    if (priceLine(line).total < 0)
      errors.add('order_products', `discount_amount of product ${productId} exceeds its amount`);
    lines.push(line);
  }
  return lines;
}

/** The value the order uses: the request's, unless the product locks its payment configuration. */
function configured<T>(
  requested: T | null,
  fromProduct: T | null,
  product: ProductRecord | undefined,
  key: string,
  errors: FieldErrors,
): T | null {
  if (requested === null) return fromProduct;
  if (product?.lock_payment_config && requested !== fromProduct) {
    errors.add(key, LOCKED_CONFIG);
    return fromProduct;
  }
  return requested;
}

function createOrder(context: ApiContext, type: PurchaseType): OrderRecord {
  const { state, data, body } = context;
  const errors = new FieldErrors();
  const profile = data.profile;

  const currencyText = readRequiredText(body, 'currency', errors);
  const currency = currencyText?.toUpperCase() ?? null;
  if (currency !== null && !profile.currencies.includes(currency)) errors.add('currency', NOT_INCLUDED);

  const customerId = readWhole(body, 'customer_id', errors, 1);
  if (customerId === null) {
    if (!errors.has('customer_id')) errors.add('customer_id', BLANK);
  } else if (!data.customersById.has(customerId)) {
    errors.add('customer_id', 'must exist');
  }

  const invoiceId = readOptionalText(body, 'invoice_id', errors);
  const note = readOptionalText(body, 'note', errors);
  const description = readOptionalText(body, 'description', errors);
  readOptionalText(body, 'redirect_url', errors);
  readOptionalText(body, 'failed_redirect_url', errors);
  readBoolean(body, 'create_registration', errors);
  const createCheckout = readBoolean(body, 'create_checkout', errors);
  if (createCheckout && profile.processor === 'stripe') {
    errors.add('create_checkout', 'is not available for Stripe merchants');
  }

  const lines = readLines(body, type, context, errors);
  // ASSUMPTION: BillPro refuses an order whose currency is not its products' (no doc says how;
  // an order in one currency charging a product priced in another would be a silent conversion).
  const mismatched = lines.filter((line) => currency !== null && line.product.currency.toUpperCase() !== currency);
  if (mismatched.length > 0)
    errors.add('currency', `must be the currency of its products (${[...new Set(mismatched.map((l) => l.product.currency))].join(', ')})`);
  const product = lines.length === 1 ? lines[0]?.product : undefined;
  const productInterval = product?.scheduled_interval ? Number(product.scheduled_interval) : null;

  let scheduledUnit: DurationUnit | null = null;
  let scheduledInterval: number | null = null;
  let splitNumber: number | null = null;
  let initialAmount: number | null = null;
  let startDate: string | null = null;
  let recurringInterval: number | null = null;

  if (type === 'instalment') {
    splitNumber = configured(
      readWhole(body, 'split_number', errors, 1),
      product?.split_number ?? 1,
      product,
      'split_number',
      errors,
    );
    scheduledUnit = configured(
      readUnit(body, 'scheduled_unit', errors),
      product?.scheduled_unit ?? 'MONTH',
      product,
      'scheduled_unit',
      errors,
    );
    scheduledInterval = configured(
      readWhole(body, 'scheduled_interval', errors, 1),
      productInterval ?? 1,
      product,
      'scheduled_interval',
      errors,
    );
    const total = totalsOf(lines.map(priceLine)).total;
    const requestedDeposit = readMoney(body, 'initial_amount', errors);
    if (requestedDeposit !== null && lines.length > 0 && requestedDeposit > total) {
      errors.add('initial_amount', 'must be less than or equal to the order total');
    }
    // The product's deposit, unless the order's price leaves less than it to pay.
    initialAmount = requestedDeposit ?? Math.min(readMinor(product?.deposit_amount) ?? 0, total);
    // ASSUMPTION: start_date is DD/MM/YYYY like date_of_birth (the documented value was cut off,
    // billpro-api.md §5.10) and may not be in the past.
    startDate = readOptionalText(body, 'start_date', errors);
    if (startDate !== null) {
      const startMs = parseDayMonthYear(startDate);
      const today = Math.floor(state.clock.now() / 86_400_000) * 86_400_000;
      if (startMs === null) errors.add('start_date', INVALID);
      else if (startMs < today) errors.add('start_date', "can't be in the past");
    }
  } else if (type === 'subscription') {
    scheduledUnit = configured(
      readUnit(body, 'scheduled_unit', errors),
      product?.scheduled_unit ?? 'MONTH',
      product,
      'scheduled_unit',
      errors,
    );
    recurringInterval = configured(
      readWhole(body, 'recurring_collection_interval', errors, 1),
      productInterval ?? 1,
      product,
      'recurring_collection_interval',
      errors,
    );
  } else if (type === 'metered') {
    scheduledUnit = product?.scheduled_unit ?? null;
  }

  errors.check();
  const order = buildOrder(state, {
    profileId: profile.id,
    type,
    customerId: customerId!,
    currency: currency!,
    invoiceId,
    note,
    description,
    lines,
    initialAmount,
    splitNumber,
    scheduledUnit,
    scheduledInterval,
    startDate,
    recurringInterval,
    createCheckout,
    status: 'pending',
    source: 2,
    paymentMethod: 'ECOM',
    createdAtMs: state.clock.now(),
  });
  state.addOrder(order);
  if (type === 'instalment' && state.instalmentsAt === 'creation') scheduleInstalments(state, order, state.clock.now());
  return order;
}
