/**
 * The BillPro compatibility check: read-only calls against a live BillPro (first pages, one
 * record of each kind, an id that does not exist), then each assumption of the registry judged
 * held / not held / not checked, with a copyable report of redacted shapes (keys and types, never
 * values) for BillPro support.
 *
 * It never writes: every call is a GET.
 */
import { DeskError, isDeskError } from '../../common/errors.ts';
import type { EndpointName } from '../../common/endpoints.ts';
import { PAYMENT_LINK_FIELDS } from '../../common/enums.ts';
import { isCurrencyCode, percentOf, toMinorUnits } from '../../common/money.ts';
import { readDate, readDayMonthYear, readTimestamp } from '../../common/time.ts';
import { ASSUMPTIONS, type AssumptionId } from './assumptions.ts';
import { BillProClient, isListOrdersUnsupported } from './client.ts';
import { shapeOf, type ReadProblem, type Shape } from './envelope.ts';
import type { BillProConnection, TransportOptions } from './transport.ts';

export type CheckState = 'held' | 'not_held' | 'not_checked';

export interface CheckResult {
  id: AssumptionId;
  assumed: string;
  source: string;
  basis: 'documented' | 'inferred';
  where: string;
  state: CheckState;
  /** What was seen, in words; never a value from BillPro's records. */
  detail: string;
  /** Read failures counted against this assumption while the Desk was in use. */
  runtimeFailures: number;
}

export interface CompatibilityReport {
  ranAt: string;
  results: CheckResult[];
  /** Plain text for BillPro support: the results and the shapes of what BillPro sent. */
  report: string;
}

/** An id no merchant has, for the not-found probe. */
const MISSING_ID = 2_147_483_000;

interface Observation {
  endpoint: EndpointName;
  body: unknown;
}

export async function checkCompatibility(
  connection: BillProConnection,
  options: { timeoutMs?: number; runtimeFailures?: ReadonlyMap<string, number>; knownOrderId?: number | null; now?: Date } = {},
): Promise<CompatibilityReport> {
  const problems: ReadProblem[] = [];
  const bodies: Observation[] = [];
  const transport: TransportOptions = {
    timeoutMs: options.timeoutMs ?? 15_000,
    maxAttempts: 1,
    onReadProblem: (problem) => problems.push(problem),
    onSuccessBody: (endpoint, text) => {
      try {
        bodies.push({ endpoint, body: JSON.parse(text) as unknown });
      } catch {
        bodies.push({ endpoint, body: undefined });
      }
    },
  };
  const client = new BillProClient(connection, transport);
  const verdicts = new Map<AssumptionId, { state: CheckState; detail: string }>();
  const say = (id: AssumptionId, state: CheckState, detail: string): void => {
    // A "not held" is never softened by a later "held".
    const before = verdicts.get(id);
    if (before?.state === 'not_held' && state !== 'not_held') return;
    verdicts.set(id, { state, detail });
  };
  const calls: { what: string; outcome: string }[] = [];
  const attempt = async <T>(what: string, run: () => Promise<T>): Promise<T | DeskError> => {
    try {
      const value = await run();
      calls.push({ what, outcome: 'read' });
      return value;
    } catch (error) {
      const desk = isDeskError(error) ? error : new DeskError('SERVER', 'unexpected failure');
      calls.push({ what, outcome: `${desk.code}${desk.status ? ` (HTTP ${desk.status})` : ''}` });
      return desk;
    }
  };

  // ---- the read-only calls
  const products = await attempt('GET /products?page=1', () => client.listProducts(1));
  if (products instanceof DeskError) throw products; // no connection at all: the form says why
  const firstProduct = products[0];
  if (firstProduct) {
    const one = await attempt('GET /products/{id}', () => client.getProduct(firstProduct.id));
    say('endpoint.get-product', one instanceof DeskError ? 'not_held' : 'held', one instanceof DeskError ? `answered ${one.code}` : 'read one product');
  } else say('endpoint.get-product', 'not_checked', 'this merchant has no products');

  const customers = await attempt('GET /customers?page=1', () => client.listCustomers({ page: 1 }));
  if (customers instanceof DeskError) say('endpoint.list-customers', 'not_held', `answered ${customers.code}`);
  else if (customers[0]) {
    const one = await attempt('GET /customers/{id}', () => client.getCustomer(customers[0]!.id));
    say('endpoint.list-customers', one instanceof DeskError ? 'not_held' : 'held', one instanceof DeskError ? `reading one customer answered ${one.code}` : 'listed customers and read one');
  } else say('endpoint.list-customers', 'held', 'listed customers (none yet)');

  const orders = await attempt('GET /orders?page=1', () => client.listOrders(1));
  let orderId: number | null = options.knownOrderId ?? null;
  if (orders instanceof DeskError) {
    say(
      'endpoint.list-orders',
      'not_held',
      isListOrdersUnsupported(orders)
        ? 'this BillPro has no list of orders: Desk lists the orders it knows instead'
        : `answered ${orders.code}`,
    );
  } else {
    say('endpoint.list-orders', 'held', 'listed orders');
    orderId = orders[0]?.id ?? orderId;
  }
  if (orderId !== null && orderId > 0) {
    const id = orderId;
    const order = await attempt('GET /orders/{id}', () => client.getOrder(id));
    if (!(order instanceof DeskError)) {
      const payments = await attempt('GET /orders/{id}/scheduled_payments', () => client.listScheduledPayments(id));
      say('endpoint.scheduled-payments', payments instanceof DeskError ? 'not_held' : 'held', payments instanceof DeskError ? `answered ${payments.code}` : 'listed the scheduled payments of an order');
    }
  } else {
    say('endpoint.scheduled-payments', 'not_checked', 'no order known to read');
  }

  const missing = await attempt('GET /orders/{missing id}', () => client.getOrder(MISSING_ID));
  if (missing instanceof DeskError && missing.code === 'NOT_FOUND') say('errors.not-found', 'held', `a missing order answered HTTP ${missing.status ?? '?'}, read as not found`);
  else if (missing instanceof DeskError) say('errors.not-found', 'not_held', `a missing order answered ${missing.code}${missing.status ? ` (HTTP ${missing.status})` : ''}, not recognised as not found`);
  else say('errors.not-found', 'not_held', 'a missing order id was answered with an order');

  // ---- what the answers looked like
  judgeBodies(bodies, say);
  for (const problem of problems) {
    for (const id of problem.assumptions) {
      say(id, 'not_held', `Desk could not read ${problem.subject}${problem.index === null ? '' : ` (item ${problem.index + 1})`}: ${problem.issues.join('; ')}`);
    }
  }
  // A kind that was read without a problem holds its shape assumptions.
  const readKinds = new Set(bodies.map((b) => b.endpoint));
  const shapeHeld = (id: AssumptionId, endpoints: EndpointName[], what: string) => {
    if (endpoints.some((e) => readKinds.has(e))) say(id, 'held', `${what} read without a problem`);
    else say(id, 'not_checked', `no ${what} was read`);
  };
  shapeHeld('product.shape', ['listProducts', 'getProduct'], 'products');
  shapeHeld('customer.shape', ['listCustomers', 'getCustomer'], 'customers');
  shapeHeld('order.shape', ['listOrders', 'getOrder'], 'orders');
  shapeHeld('scheduled-payment.shape', ['listScheduledPayments'], 'scheduled payments');
  for (const id of ['id.integer', 'number.integer', 'enum.status', 'enum.purchase-type', 'money.decimal', 'money.percentage', 'time.iso8601'] as const) {
    if (!verdicts.has(id)) say(id, 'held', 'every record read matched');
  }

  const runtime = options.runtimeFailures ?? new Map<string, number>();
  const results: CheckResult[] = ASSUMPTIONS.map((a) => {
    const verdict = verdicts.get(a.id) ?? { state: 'not_checked' as const, detail: 'nothing in the answers showed it' };
    return { ...a, ...verdict, runtimeFailures: runtime.get(a.id) ?? 0 };
  });
  const ranAt = (options.now ?? new Date()).toISOString();
  return { ranAt, results, report: reportText(ranAt, connection, results, calls, bodies, problems) };
}

type Say = (id: AssumptionId, state: CheckState, detail: string) => void;

function judgeBodies(bodies: readonly Observation[], say: Say): void {
  const records = (o: Observation): Record<string, unknown>[] => {
    const inner = unwrap(o.body);
    const list = Array.isArray(inner) ? inner : [inner];
    return list.filter(isRecord);
  };
  for (const o of bodies) {
    const listEndpoint = /^list/.test(o.endpoint);
    if (listEndpoint) {
      if (Array.isArray(o.body)) say('envelope.bare', 'held', 'lists came as bare JSON arrays');
      else if (isRecord(o.body)) say('envelope.bare', 'not_held', `${o.endpoint} came wrapped in {${Object.keys(o.body).join(', ')}}; Desk reads the wrapper`);
      const inner = unwrap(o.body);
      if (Array.isArray(inner) && inner.length > 25) say('pagination.page-size', 'not_held', `a page held ${inner.length} records, more than 25`);
      else if (Array.isArray(inner)) say('pagination.page-size', 'held', 'no page held more than 25 records');
    }
  }
  const all = bodies.flatMap((o) => records(o).map((r) => ({ endpoint: o.endpoint, record: r })));
  let stringIds = 0;
  let zoneless = 0;
  let zoned = 0;
  for (const { record } of all) {
    if (typeof record.id === 'string') stringIds += 1;
    for (const key of ['created_at', 'updated_at', 'scheduled_at']) {
      const value = record[key];
      if (typeof value !== 'string') continue;
      const read = readTimestamp(value);
      if (read?.zoneless) zoneless += 1;
      else if (read) zoned += 1;
    }
    if (typeof record.currency === 'string' && !isCurrencyCode(record.currency))
      say('money.currency', 'not_held', `a currency was not an upper-case ISO 4217 code (${String(record.currency).length} characters); Desk reads lower case as the same code`);
  }
  if (stringIds > 0) say('id.integer', 'not_held', `${stringIds} record ids came as strings; Desk reads numeric strings as numbers`);
  if (zoneless > 0) say('time.zoneless-is-utc', 'not_checked', `${zoneless} timestamps came without a zone; Desk reads them as UTC — ask BillPro to confirm`);
  else if (zoned > 0) say('time.zoneless-is-utc', 'held', 'every timestamp carried its zone');
  if (all.some((r) => typeof r.record.currency === 'string') && !all.some((r) => typeof r.record.currency === 'string' && !isCurrencyCode(r.record.currency)))
    say('money.currency', 'held', 'every currency was an ISO 4217 code');

  const birthDates = all.map((r) => r.record.date_of_birth).filter((v): v is string => typeof v === 'string');
  if (birthDates.length === 0) say('time.date-only-format', 'not_checked', 'no customer read had a date of birth');
  else if (birthDates.every((d) => readDayMonthYear(d))) say('time.date-only-format', 'held', 'dates of birth came as DD/MM/YYYY');
  else if (birthDates.every((d) => readDate(d))) say('time.date-only-format', 'not_held', 'dates of birth came as YYYY-MM-DD; Desk reads them');
  else say('time.date-only-format', 'not_held', 'a date of birth was neither DD/MM/YYYY nor YYYY-MM-DD');

  const orders = all.filter((r) => r.endpoint === 'getOrder' || r.endpoint === 'listOrders').map((r) => r.record);
  if (orders.length === 0) {
    say('order.total-amount', 'not_checked', 'no order was read');
    say('order.payment-link-field', 'not_checked', 'no order was read');
  } else {
    const withTotal = orders.filter((o) => o.total_amount !== undefined && o.total_amount !== null).length;
    if (withTotal === orders.length) say('order.total-amount', 'held', 'every order read had total_amount');
    else say('order.total-amount', 'not_held', `${orders.length - withTotal} of ${orders.length} orders had no total_amount; Desk shows their total as unknown unless total_to_pay is given`);
    const fields = new Set(orders.flatMap((o) => PAYMENT_LINK_FIELDS.filter((f) => typeof o[f] === 'string' && o[f] !== '')));
    if (fields.has('payment_link')) say('order.payment-link-field', 'held', 'orders carried payment_link');
    else if (fields.size > 0) say('order.payment-link-field', 'not_held', `the payment link came as ${[...fields].join(', ')}; Desk reads it`);
    else say('order.payment-link-field', 'not_checked', 'no order read had a payment link under any known name');
  }

  // Prices include tax: the seed's deposit_amount is price − discount, with no tax added.
  const priced = all
    .map((r) => r.record)
    .filter((p) => p.product_type === 'subscription' && typeof p.deposit_amount !== 'undefined' && isRecord(p.tax) && isRecord(p.discount));
  let inclusive = 0;
  let exclusive = 0;
  for (const p of priced) {
    const price = toMinorUnits(p.price as string);
    const deposit = toMinorUnits(p.deposit_amount as string);
    const discount = (p.discount as Record<string, unknown>).percentage as string | undefined;
    const tax = (p.tax as Record<string, unknown>).percentage as string | undefined;
    if (price === null || deposit === null || !discount || !tax) continue;
    const net = price - percentOf(price, discount);
    if (deposit === net) inclusive += 1;
    else if (deposit === net + percentOf(net, tax)) exclusive += 1;
  }
  if (exclusive > 0) say('money.prices-include-tax', 'not_held', `${exclusive} products' deposit adds tax on top of the price: Desk's totals before sending would be low`);
  else if (inclusive > 0) say('money.prices-include-tax', 'held', `${inclusive} products' deposit equals price less discount, tax included`);
  else say('money.prices-include-tax', 'not_checked', 'no subscription product with a discount, a tax and a deposit to compare');
}

function unwrap(body: unknown): unknown {
  if (!isRecord(body)) return body;
  for (const [key, value] of Object.entries(body)) {
    if (key === 'id') return body;
    if (Array.isArray(value) || (isRecord(value) && Object.keys(body).length === 1)) return value;
  }
  return body;
}

function reportText(
  ranAt: string,
  connection: BillProConnection,
  results: readonly CheckResult[],
  calls: readonly { what: string; outcome: string }[],
  bodies: readonly Observation[],
  problems: readonly ReadProblem[],
): string {
  let host = 'unknown host';
  try {
    const url = new URL(connection.baseUrl);
    host = `${url.host}${url.pathname}`;
  } catch {
    // an unparsable base URL is reported as unknown
  }
  const label: Record<CheckState, string> = { held: 'HELD', not_held: 'NOT HELD', not_checked: 'NOT CHECKED' };
  const lines = [
    'BillPro Desk compatibility report',
    `Checked: ${ranAt}`,
    `API: ${host}${connection.profileId ? ` (profile_id ${connection.profileId})` : ''}`,
    '',
    'Calls (read-only):',
    ...calls.map((c) => `  ${c.what}: ${c.outcome}`),
    '',
    'Assumptions:',
    ...results.map(
      (r) =>
        `  [${label[r.state]}] ${r.id}: ${r.assumed}\n      seen: ${r.detail}\n      source: ${r.source}${r.runtimeFailures ? `\n      read failures while in use: ${r.runtimeFailures}` : ''}`,
    ),
    '',
    'Shapes of what BillPro sent (keys and types only, no values):',
  ];
  const seen = new Set<EndpointName>();
  for (const o of bodies) {
    if (seen.has(o.endpoint)) continue;
    seen.add(o.endpoint);
    lines.push(`  ${o.endpoint}: ${JSON.stringify(firstShape(o.body))}`);
  }
  if (problems.length) {
    lines.push('', 'Records Desk could not read:');
    for (const p of problems.slice(0, 20)) lines.push(`  ${p.subject}${p.index === null ? '' : ` item ${p.index + 1}`}: ${p.issues.join('; ')}\n      shape: ${JSON.stringify(p.shape)}`);
  }
  return lines.join('\n');
}

/** The shape of a list's first record (or of the record), with the envelope noted. */
function firstShape(body: unknown): Shape {
  if (Array.isArray(body)) return body.length ? [shapeOf(body[0])] : 'array(0)';
  if (isRecord(body) && !('id' in body)) {
    const out: Record<string, Shape> = {};
    for (const [key, value] of Object.entries(body)) out[key] = Array.isArray(value) ? (value.length ? [shapeOf(value[0])] : 'array(0)') : shapeOf(value);
    return out;
  }
  return shapeOf(body);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
