/**
 * How the Desk names things to a person, the same in every list, title and Activity line
 * (issue 13 item 10): an order is named by its invoice id, or "Order 99620" without one; a
 * payload field by its label ("Postal code", not `postal_code`).
 */

/** "Order INV-2041", or "Order 99620" when BillPro's order has no invoice id. */
export function orderName(order: { id: number; invoice_id?: string | null }): string {
  if (order.invoice_id) return `Order ${order.invoice_id}`;
  return order.id > 0 ? `Order ${order.id}` : 'New order';
}

/** The same name inside a sentence: "Mark order INV-2041 as complete". */
export function orderNameInSentence(order: { id: number; invoice_id?: string | null }): string {
  const name = orderName(order);
  return name.charAt(0).toLowerCase() + name.slice(1);
}

/** What a list column headed "Invoice ID" shows: the invoice id, else the order's name. */
export function orderInvoiceOrName(order: { id: number; invoice_id?: string | null }): string {
  return order.invoice_id || orderName(order);
}

/** Labels of the payload fields a person may see or edit. */
export const FIELD_LABELS: Readonly<Record<string, string>> = {
  first_name: 'First name',
  last_name: 'Last name',
  email: 'Email',
  phone: 'Phone',
  date_of_birth: 'Date of birth',
  name: 'Name',
  registration_number: 'Registration number',
  web_url: 'Website',
  vat: 'VAT number',
  description: 'Description',
  street: 'Street',
  city: 'City',
  state: 'State or county',
  country: 'Country',
  postal_code: 'Postal code',
  invoice_id: 'Invoice ID',
  note: 'Note',
  qty: 'Quantity',
  amount: 'Amount',
  initial_amount: 'Initial amount',
  status: 'Status',
  scheduled_at: 'Scheduled at',
  scheduled_interval: 'Interval',
  scheduled_duration_unit: 'Interval unit',
};

/**
 * A field key as a person reads it: `order_products[0].qty` → "Quantity", `postal_code` →
 * "Postal code", an unknown `some_key` → "Some key".
 */
export function fieldLabel(key: string): string {
  const last = key.replace(/\[(\d+)\]/g, '.$1').split('.').filter((s) => !/^\d+$/.test(s)).at(-1) ?? key;
  return FIELD_LABELS[last] ?? last.replace(/_/g, ' ').replace(/^\w/, (c) => c.toUpperCase());
}
