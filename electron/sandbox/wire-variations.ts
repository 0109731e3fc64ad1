/**
 * Answer-shape variations: the sandbox can answer the way a real BillPro plausibly might where
 * the docs leave a GAP, so tests prove the Desk reads each variant exactly or refuses it loudly.
 * Every option is off by default (the default sandbox follows the seed); none touches state, only
 * the JSON sent. (Paging, ordering and rate-limit variations live in their own options.)
 */
import { PAYMENT_LINK_FIELDS } from '../common/enums.ts';

export interface WireVariations {
  /** `data` wraps every success body as `{"data": …}` (billpro-api.md §5.2). */
  envelope?: 'bare' | 'data';
  /** Every id (`id`, `order_id`, `customer_id` on orders, `product_id` on order lines) as a string. */
  stringIds?: boolean;
  /** Amounts as JSON numbers (`44.99`) instead of strings (billpro-api.md §1.4). */
  numberAmounts?: boolean;
  /** Timestamps without a zone (`2024-02-12T15:12:37.314`); they are UTC. */
  zonelessTimestamps?: boolean;
  /** Timestamps with an offset instead of `Z` (`2024-02-12T16:12:37.314+01:00`): the same instant. */
  offsetTimestamps?: boolean;
  /** The order's payment link under another name (billpro-api.md §5.9). */
  paymentLinkField?: (typeof PAYMENT_LINK_FIELDS)[number];
  /** Orders without `total_amount` (it is not in the documented table). */
  omitTotalAmount?: boolean;
  /** The body of a not-found answer: the sandbox's words, the audit's "Bad Request", or Rails'. */
  notFoundBody?: 'words' | 'bad-request' | 'rails';
  /** Records (by id, any kind) sent with one field set to a value Desk must refuse. */
  breakRecords?: { ids: readonly number[]; field: string; value: unknown };
}

const AMOUNT_KEYS = new Set([
  'price',
  'deposit_amount',
  'amount',
  'discount_amount',
  'fee_amount',
  'tax_amount',
  'initial_amount',
  'monthly_amount',
  'total_to_pay',
  'total_installment_amount',
  'total_discount_amount',
  'total_tax_amount',
  'total_fee_amount',
  'total_amount',
]);
const TIME_KEYS = new Set(['created_at', 'updated_at', 'scheduled_at', 'expires_at']);
/** Keys holding BillPro system ids (not merchant codes such as a product's `product_id`). */
const ID_KEYS = new Set(['id', 'order_id', 'profile_id']);

export function hasVariations(v: WireVariations): boolean {
  return Object.values(v).some((value) => value !== undefined && value !== false && value !== 'bare');
}

/** The success body as this variant of BillPro would send it. */
export function varyBody(value: unknown, v: WireVariations, endpoint: string): unknown {
  const varied = walk(value, v, endpoint, null);
  return v.envelope === 'data' ? { data: varied } : varied;
}

function walk(value: unknown, v: WireVariations, endpoint: string, parentKey: string | null): unknown {
  if (Array.isArray(value)) return value.map((item) => walk(item, v, endpoint, parentKey));
  if (typeof value !== 'object' || value === null) return value;
  const isOrder = parentKey === null && /Order/.test(endpoint) && 'order_type' in value;
  const record = value as Record<string, unknown>;
  const broken = parentKey === null && v.breakRecords?.ids.includes(record.id as number) ? v.breakRecords : null;
  const out: Record<string, unknown> = {};
  for (const [key, inner] of Object.entries(value as Record<string, unknown>)) {
    let next: unknown = walk(inner, v, endpoint, key);
    if (v.stringIds && typeof inner === 'number' && (ID_KEYS.has(key) || (key === 'customer_id' && isOrder) || (key === 'product_id' && parentKey === 'products')))
      next = String(inner);
    if (v.numberAmounts && typeof inner === 'string' && AMOUNT_KEYS.has(key) && /^\d+(\.\d+)?$/.test(inner)) next = Number(inner);
    if (typeof inner === 'string' && TIME_KEYS.has(key) && inner.endsWith('Z')) {
      if (v.zonelessTimestamps) next = inner.slice(0, -1);
      else if (v.offsetTimestamps) next = plusOneHour(inner);
    }
    if (isOrder && key === 'total_amount' && v.omitTotalAmount) continue;
    if (isOrder && key === 'payment_link' && v.paymentLinkField && v.paymentLinkField !== 'payment_link') {
      out[v.paymentLinkField] = next;
      continue;
    }
    out[key] = next;
  }
  if (broken) out[broken.field] = broken.value;
  return out;
}

function plusOneHour(isoZ: string): string {
  const shifted = new Date(new Date(isoZ).getTime() + 3_600_000).toISOString();
  return `${shifted.slice(0, -1)}+01:00`;
}

/** The not-found body for this variant. */
export function notFoundBody(v: WireVariations, what: string, id: string | undefined): unknown {
  switch (v.notFoundBody) {
    case 'bad-request':
      return { error: 'Bad Request' };
    case 'rails':
      return { error: `Couldn't find ${what} with 'id'=${id ?? ''}` };
    default:
      return { error: 'Not found' };
  }
}
