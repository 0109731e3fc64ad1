/**
 * Every assumption the client makes about BillPro, in one registry: its id, what is assumed and
 * the doc it comes from. The compatibility check (compatibility.ts) tests each one against a
 * live BillPro; runtime read failures are counted against the same ids (read-problems.ts), so
 * "Desk could not read X" always points at the line below that was wrong.
 *
 * Correcting one against the real API is an edit where its `where` says.
 */

export interface Assumption {
  id: string;
  /** What Desk takes for granted, in a sentence. */
  assumed: string;
  /** Where it comes from: the seed, a docs.bill.pro page (via billpro-api.md), or our inference. */
  source: string;
  /** 'documented' when a BillPro page states it; 'inferred' when it is our own reading. */
  basis: 'documented' | 'inferred';
  /** The code that encodes it. */
  where: string;
}

export const ASSUMPTIONS = [
  {
    id: 'envelope.bare',
    assumed: 'Lists are bare JSON arrays and records bare objects; a {"data": …} or {"<root>": …} wrapper is also read.',
    source: 'seed: product list response is a bare array; billpro-api.md §5.2 (envelopes GAP)',
    basis: 'documented',
    where: 'core/billpro/envelope.ts ENVELOPE_ROOTS',
  },
  {
    id: 'pagination.page-size',
    assumed: 'A list page holds up to 25 records; a shorter page is the last one.',
    source: 'billpro-api.md §1.5 (list customers: "up to 25 customers per page")',
    basis: 'documented',
    where: 'common/endpoints.ts DEFAULT_PAGE_SIZE',
  },
  {
    id: 'id.integer',
    assumed: 'Ids are positive whole numbers (a numeric string such as "12" is read as 12).',
    source: 'seed: "id": 1; billpro-api.md §3',
    basis: 'documented',
    where: 'common/wire.ts Id',
  },
  {
    id: 'money.decimal',
    assumed: 'Amounts are non-negative decimals, as strings ("44.99") or numbers (20), never in exponent notation.',
    source: 'seed: "price": "44.99"; billpro-api.md §1.4 (strings and numbers in one example)',
    basis: 'documented',
    where: 'common/money.ts readAmount, common/wire.ts Money',
  },
  {
    id: 'money.percentage',
    assumed: 'Discount, tax and fee percentages are decimals from 0 to 100 ("21.00").',
    source: 'seed: "percentage": "21.00"',
    basis: 'documented',
    where: 'common/wire.ts Percentage',
  },
  {
    id: 'money.currency',
    assumed: 'Currencies are ISO 4217 codes ("GBP"); amounts have that currency\'s decimals.',
    source: 'seed: "currency": "GBP"; billpro-api.md §1.7',
    basis: 'documented',
    where: 'common/money.ts isCurrencyCode, minorUnitDigits',
  },
  {
    id: 'money.prices-include-tax',
    assumed: 'Product prices include tax: the first payment is price − discount (+ fee), with no tax added.',
    source: 'seed: product 1 price 44.99, discount 5 %, tax 21 %, deposit_amount 42.74 = 44.99 × 0.95',
    basis: 'documented',
    where: 'renderer/src/views/orders/order-draft.ts, sandbox/pricing.ts',
  },
  {
    id: 'time.iso8601',
    assumed: 'Timestamps are ISO 8601 date-times ("2024-02-12T15:12:37.314Z").',
    source: 'seed: "created_at": "2024-02-12T15:12:37.314Z"',
    basis: 'documented',
    where: 'common/time.ts readTimestamp',
  },
  {
    id: 'time.zoneless-is-utc',
    assumed: 'A timestamp without a zone is UTC.',
    source: 'billpro-api.md §1.7 (docs.bill.pro/docs/utc-time-and-scheduling: BillPro stores UTC)',
    basis: 'inferred',
    where: 'common/time.ts readTimestamp',
  },
  {
    id: 'time.date-only-format',
    assumed: 'Date-only fields (date_of_birth, start_date) are DD/MM/YYYY; YYYY-MM-DD is also read.',
    source: 'seed: "date_of_birth": "12/05/1995"; billpro-api.md §1.7 (start_date format GAP)',
    basis: 'documented',
    where: 'common/time.ts readDate',
  },
  {
    id: 'number.integer',
    assumed: 'Counts and intervals are whole numbers, as numbers or strings ("scheduled_interval": "1").',
    source: 'seed: "scheduled_interval": "1"',
    basis: 'documented',
    where: 'common/wire.ts IntLike',
  },
  {
    id: 'enum.status',
    assumed: 'Order and scheduled-payment statuses are the documented lower-case words (pending, active, …).',
    source: 'billpro-api.md §4 (docs.bill.pro/docs/order-status, billing-event-status)',
    basis: 'documented',
    where: 'common/enums.ts',
  },
  {
    id: 'enum.purchase-type',
    assumed: 'Purchase types are single_payment, instalment, subscription, metered.',
    source: 'seed: "product_type": "subscription"; billpro-api.md §3.3',
    basis: 'documented',
    where: 'common/enums.ts PURCHASE_TYPES',
  },
  {
    id: 'product.shape',
    assumed: 'A product has the fields of the seed\'s example (id, product_id, currency, price, product_type, …); name is optional.',
    source: 'seed: product list response',
    basis: 'documented',
    where: 'common/wire.ts Product',
  },
  {
    id: 'customer.shape',
    assumed: 'A customer read with GET has id, customer_id, names, email, timestamps and a list of typed addresses.',
    source: 'billpro-api.md §2.2, §3.2 (GET format GAP)',
    basis: 'inferred',
    where: 'common/wire.ts Customer',
  },
  {
    id: 'order.shape',
    assumed: 'An order has the fields of the Get order attribute table (id, order_type, status, customer_id, …).',
    source: 'billpro-api.md §3.3 (docs.bill.pro/reference-link/get-order)',
    basis: 'documented',
    where: 'common/wire.ts Order',
  },
  {
    id: 'order.total-amount',
    assumed: 'An order\'s grand total is total_amount (else total_to_pay); without either it is shown as unknown.',
    source: 'billpro-api.md §3.3: total_amount is not in the documented table',
    basis: 'inferred',
    where: 'common/wire.ts Order.total_amount',
  },
  {
    id: 'order.payment-link-field',
    assumed: 'The payment link is the order field payment_link (payment_url, payment_link_url, checkout_url, link also read).',
    source: 'billpro-api.md §3.6, §5.9 (field name GAP)',
    basis: 'inferred',
    where: 'common/enums.ts PAYMENT_LINK_FIELDS',
  },
  {
    id: 'scheduled-payment.shape',
    assumed: 'A scheduled payment has id, order_id, status, amount and scheduled_at.',
    source: 'billpro-api.md §3.5 (field names GAP)',
    basis: 'inferred',
    where: 'common/wire.ts ScheduledPayment',
  },
  {
    id: 'endpoint.get-product',
    assumed: 'GET /products/{id} reads one product.',
    source: 'billpro-api.md §2.1 (path inferred)',
    basis: 'inferred',
    where: 'common/endpoints.ts getProduct',
  },
  {
    id: 'endpoint.list-customers',
    assumed: 'GET /customers?page=N lists customers; GET /customers/{id} reads one.',
    source: 'billpro-api.md §2.2 (paths inferred)',
    basis: 'inferred',
    where: 'common/endpoints.ts listCustomers, getCustomer',
  },
  {
    id: 'endpoint.list-orders',
    assumed: 'GET /orders?page=N lists orders; when BillPro has no such list, Desk lists the orders it knows.',
    source: 'billpro-api.md §5.5 (no list-orders endpoint documented)',
    basis: 'inferred',
    where: 'common/endpoints.ts listOrders',
  },
  {
    id: 'endpoint.scheduled-payments',
    assumed: 'GET /orders/{id}/scheduled_payments lists an order\'s scheduled payments.',
    source: 'billpro-api.md §2.7, §5.6 (path GAP)',
    basis: 'inferred',
    where: 'common/endpoints.ts listScheduledPayments',
  },
  {
    id: 'errors.not-found',
    assumed: 'A missing record answers 404, or 400/422 saying "not found"/"Couldn\'t find", or a bare 422 "Bad Request" on a read.',
    source: 'billpro-api.md §1.6 (docs.review audit: not-found returns 422 "Bad Request")',
    basis: 'inferred',
    where: 'core/billpro/http-errors.ts meansNotFound',
  },
] as const satisfies readonly Assumption[];

export type AssumptionId = (typeof ASSUMPTIONS)[number]['id'];

const IDS = new Set<string>(ASSUMPTIONS.map((a) => a.id));

export function isAssumptionId(value: unknown): value is AssumptionId {
  return typeof value === 'string' && IDS.has(value);
}

/** The shape assumption of what an endpoint returns, for failures no finer id explains. */
export function shapeAssumptionOf(endpoint: string): AssumptionId {
  if (/Product/.test(endpoint)) return 'product.shape';
  if (/Customer/.test(endpoint)) return 'customer.shape';
  if (/ScheduledPayment/.test(endpoint)) return 'scheduled-payment.shape';
  return 'order.shape';
}

/** Which assumption a failing field breaks, from its name (when the schema did not say). */
export function assumptionOfField(path: readonly PropertyKey[], endpoint: string): AssumptionId {
  const last = String(path[path.length - 1] ?? '');
  if (last === 'status') return 'enum.status';
  if (last === 'product_type' || last === 'order_type') return 'enum.purchase-type';
  if (last === 'id') return 'id.integer';
  // product_id of a product and customer_id of a customer are merchant codes, not ids.
  if (last.endsWith('_id') && /Order|ScheduledPayment/.test(endpoint)) return 'id.integer';
  return shapeAssumptionOf(endpoint);
}
