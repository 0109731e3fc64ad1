/**
 * The columns an Orders CSV export can hold, in the order they are written, with the header a
 * person reads. Plain constants (no schema library) so the renderer can offer the choice.
 */
export const ORDER_CSV_COLUMNS = [
  'invoice_id',
  'order_id',
  'customer_name',
  'customer_email',
  'customer_id',
  'products',
  'type',
  'status',
  'currency',
  'total',
  'discount',
  'fee',
  'tax',
  'created_at',
  'updated_at',
  'changes_waiting',
] as const;
export type OrderCsvColumn = (typeof ORDER_CSV_COLUMNS)[number];

export const ORDER_CSV_LABELS: Record<OrderCsvColumn, string> = {
  invoice_id: 'Invoice ID',
  order_id: 'Order ID',
  customer_name: 'Customer name',
  customer_email: 'Customer email',
  customer_id: 'Customer ID',
  products: 'Products',
  type: 'Type',
  status: 'Status',
  currency: 'Currency',
  total: 'Total',
  discount: 'Discount',
  fee: 'Fee',
  tax: 'Tax',
  created_at: 'Created at',
  updated_at: 'Updated at',
  changes_waiting: 'Changes waiting',
};

/** What an export holds unless the operator chooses otherwise. */
export const DEFAULT_ORDER_CSV_COLUMNS: readonly OrderCsvColumn[] = [
  'invoice_id',
  'order_id',
  'customer_name',
  'customer_email',
  'products',
  'type',
  'status',
  'currency',
  'total',
  'created_at',
];

/** BillPro's codes as words: `single_payment` → "Single payment", `soft-declined` → "Soft declined". */
export function codeLabel(code: string | null | undefined): string {
  if (!code) return '';
  const words = code.replace(/[_-]+/g, ' ').trim().toLowerCase();
  return words.charAt(0).toUpperCase() + words.slice(1);
}
