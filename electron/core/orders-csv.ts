/**
 * The Orders CSV export, built where the cache is, in one call: one SQL statement reads exactly
 * the chosen columns of every matching order in list order (the customer's name and email by
 * its key), instead of a page of a thousand whole orders per IPC call, each page an ever-deeper
 * OFFSET whose rows are parsed, validated and sent on their own.
 */
import { csvLines, type CsvCell } from '../common/csv.ts';
import { codeLabel, ORDER_CSV_COLUMNS, ORDER_CSV_LABELS, type OrderCsvColumn } from '../common/order-csv.ts';
import type { ListQuery, Store } from './store/index.ts';

type SqlRow = Record<string, unknown>;

/**
 * Where a column comes from: an indexed column of `t` (the orders table), a field of the stored
 * order (all such fields are read with one `json_extract`, so each row's JSON is parsed once),
 * or the order's customer (name and email in one lookup by key).
 */
type ColumnSource =
  | { sql: string; cell?: (value: unknown) => CsvCell }
  | { path: string; fallback?: string; cell?: (value: unknown, productName: (id: number) => string | null) => CsvCell }
  | { customer: 'name' | 'email' };

const text = (value: unknown): CsvCell => (typeof value === 'string' || typeof value === 'number' ? value : '');
const label = (value: unknown): CsvCell => codeLabel(typeof value === 'string' ? value : null);
const SEPARATOR = '\u001f';
const CUSTOMER_SQL = `(SELECT coalesce(c.first_name, '') || ' ' || coalesce(c.last_name, '') || char(31) || coalesce(c.email, '')
  FROM customers c WHERE c.id = t.customer_id)`;

/** Product lines as "Name × 2; Other"; the name from the order, else the cached product. */
function productsCell(value: unknown, productName: (id: number) => string | null): CsvCell {
  if (typeof value !== 'string') return '';
  let lines: unknown;
  try {
    lines = JSON.parse(value);
  } catch {
    return '';
  }
  if (!Array.isArray(lines)) return '';
  return lines
    .map((line: unknown) => {
      if (typeof line !== 'object' || line === null) return '';
      const { product_id: id, name, qty } = line as { product_id?: unknown; name?: unknown; qty?: unknown };
      const label = typeof name === 'string' && name ? name : typeof id === 'number' ? (productName(id) ?? `Product ${id}`) : '';
      const count = Number(qty ?? 1);
      return count > 1 ? `${label} × ${count}` : label;
    })
    .filter((label) => label !== '')
    .join('; ');
}

const SOURCES: Record<OrderCsvColumn, ColumnSource> = {
  invoice_id: { sql: 't.invoice_id' },
  order_id: { sql: 't.id' },
  customer_name: { customer: 'name' },
  customer_email: { customer: 'email' },
  customer_id: { sql: 't.customer_id' },
  products: { path: 'products', cell: productsCell },
  type: { sql: 't.order_type', cell: label },
  status: { sql: 't.status', cell: label },
  currency: { sql: 't.currency' },
  // ASSUMPTION (as wire.ts and the list's Total column): the grand total, else the total to pay.
  total: { path: 'total_amount', fallback: 'total_to_pay' },
  discount: { path: 'total_discount_amount' },
  fee: { path: 'total_fee_amount' },
  tax: { path: 'total_tax_amount' },
  created_at: { path: 'created_at' },
  updated_at: { path: 'updated_at' },
  changes_waiting: { sql: 't.pending' },
};

const CHUNK = 5_000;

export function ordersCsv(
  store: Store,
  query: Omit<ListQuery<'orders'>, 'limit' | 'offset'>,
  chosen: readonly OrderCsvColumn[],
): { csv: string; rows: number } {
  // Always in the documented order, each once, whatever order they were ticked in.
  const columns = ORDER_CSV_COLUMNS.filter((c) => chosen.includes(c));
  const products = new Map<number, string | null>();
  const productName = (id: number): string | null => {
    if (!products.has(id)) {
      const p = store.cache.get('products', id)?.entity;
      products.set(id, p ? (p.name ?? p.product_id) : null);
    }
    return products.get(id) ?? null;
  };
  const sqlColumns = columns.filter((c) => 'sql' in SOURCES[c]);
  const paths = columns.flatMap((c) => {
    const source = SOURCES[c];
    return 'path' in source ? [source.path, ...(source.fallback ? [source.fallback] : [])] : [];
  });
  const wantsCustomer = columns.some((c) => 'customer' in SOURCES[c]);
  const expressions = [
    ...sqlColumns.map((c) => (SOURCES[c] as { sql: string }).sql),
    // Two or more paths make json_extract answer a JSON array of their values.
    ...(paths.length ? [`json_extract(t.json, ${[...paths, ...(paths.length === 1 ? ['$.id'] : [])].map((p) => `'$.${p.replace(/^\$\./, '')}'`).join(', ')})`] : []),
    ...(wantsCustomer ? [CUSTOMER_SQL] : []),
  ];
  const found: SqlRow[] = store.cache.project('orders', query, expressions);
  const jsonAt = sqlColumns.length;
  const customerAt = jsonAt + (paths.length ? 1 : 0);

  const toLine = (row: SqlRow): CsvCell[] => {
    let fields: unknown[] = [];
    if (paths.length) {
      try {
        const parsed: unknown = JSON.parse(String(row[`c${jsonAt}`]));
        if (Array.isArray(parsed)) fields = parsed;
      } catch {
        fields = [];
      }
    }
    const [name = '', email = ''] = wantsCustomer ? String(row[`c${customerAt}`] ?? '').split(SEPARATOR) : [];
    return columns.map((column) => {
      const source = SOURCES[column];
      if ('customer' in source) return source.customer === 'name' ? name.trim() : email;
      if ('sql' in source) {
        const value = row[`c${sqlColumns.indexOf(column)}`];
        return source.cell ? source.cell(value) : text(value);
      }
      const raw = fields[paths.indexOf(source.path)] ?? (source.fallback ? fields[paths.indexOf(source.fallback)] : undefined);
      // Nested values (products) come back as JSON text inside the array: give the cell a string.
      const value = typeof raw === 'object' && raw !== null ? JSON.stringify(raw) : raw;
      return source.cell ? source.cell(value, productName) : text(value);
    });
  };

  const parts: string[] = [csvLines([columns.map((c) => ORDER_CSV_LABELS[c])])];
  for (let start = 0; start < found.length; start += CHUNK) {
    parts.push(csvLines(found.slice(start, start + CHUNK).map(toLine)));
  }
  return { csv: parts.join(''), rows: found.length };
}
