/**
 * The Orders CSV export, built where the cache is, in one call, in chunks: one statement copies
 * the matching ids in list order into a temp table (the snapshot the file is of), then chunks of
 * `CHUNK_ROWS` of them read exactly the chosen columns (the customer's name and email by its key) and become CSV
 * text, the event loop free between chunks — so a 100k-order export never holds the Desk (and,
 * in the app, the main process) for longer than one chunk. Deleted meanwhile: left out.
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

/** Rows per chunk: ≈ 5–10 ms of work on a busy 2-core machine (docs/performance.md). */
export const CHUNK_ROWS = 500;

export interface CsvChunkOptions {
  /** Rows per chunk (tests use small ones). */
  chunkRows?: number;
  /** Between chunks; by default the event loop's turn (`setImmediate`). */
  pause?: () => Promise<void>;
  signal?: AbortSignal;
  /** Called once the snapshot is taken, with its row count, before the header piece is given. */
  onRows?: (rows: number) => void;
}

const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

/**
 * The CSV in pieces, header first, then one piece per chunk of rows in list order; `rows` on the
 * returned summary counts the rows written. Resolves each piece after yielding the event loop.
 */
export async function* ordersCsvChunks(
  store: Store,
  query: Omit<ListQuery<'orders'>, 'limit' | 'offset'>,
  chosen: readonly OrderCsvColumn[],
  options: CsvChunkOptions = {},
): AsyncGenerator<string, { rows: number }, undefined> {
  const chunkRows = Math.max(1, options.chunkRows ?? CHUNK_ROWS);
  const pause = options.pause ?? nextTurn;
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

  const snapshot = store.cache.snapshot('orders', query);
  let rows = 0;
  try {
    options.onRows?.(snapshot.rows);
    yield csvLines([columns.map((c) => ORDER_CSV_LABELS[c])]);
    for (let from = 0; from < snapshot.rows; from += chunkRows) {
      await pause();
      options.signal?.throwIfAborted();
      const found = store.cache.readSnapshot('orders', snapshot, from, chunkRows, expressions);
      rows += found.length;
      yield csvLines(found.map(toLine));
    }
  } finally {
    // The profile's cache may have closed meanwhile (a switch): its temp table went with it.
    try {
      store.cache.dropSnapshot(snapshot);
    } catch {
      // closed: nothing left to drop
    }
  }
  return { rows };
}

/** The whole export as one text (the contract's answer), built chunk by chunk. */
export async function ordersCsv(
  store: Store,
  query: Omit<ListQuery<'orders'>, 'limit' | 'offset'>,
  chosen: readonly OrderCsvColumn[],
  options: CsvChunkOptions = {},
): Promise<{ csv: string; rows: number }> {
  const parts: string[] = [];
  const chunks = ordersCsvChunks(store, query, chosen, options);
  for (;;) {
    const next = await chunks.next();
    if (next.done) return { csv: parts.join(''), rows: next.value.rows };
    parts.push(next.value);
  }
}
