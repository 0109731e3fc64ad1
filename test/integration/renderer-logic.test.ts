/**
 * The renderer's own logic, run in Node: the Create order arithmetic must give the total BillPro
 * computes (checked against the sandbox over HTTP, product by product), the customer form must
 * round-trip a customer without losing an address, and CSV exports must be safe to open.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CustomerRow, ProductRow } from '../../electron/common/contract.ts';
import type { BillProClient } from '../../electron/core/billpro/client.ts';
import { OrderInput, type Customer, type Product } from '../../electron/common/wire.ts';
import type { RunningSandbox } from '../../electron/sandbox/server.ts';
import { openSandboxCatalogue, row } from '../support/sandbox-catalogue.ts';
import { toCsv } from '../../renderer/src/lib/csv.ts';
import { formatMinorUnits as formatCents, toMinorUnits as toCents } from '../../electron/common/money.ts';
import { emptyDraft, newLine, orderBody, prefillSchedule, totalsOf } from '../../renderer/src/views/orders/order-draft.ts';
import {
  dayMonthYearToIso,
  emptyForm,
  formOf,
  phoneAdvice,
  phoneHint,
  toInput,
  validate,
} from '../../renderer/src/views/customers/customer-form.ts';
import { loadPhoneTools } from '../../renderer/src/views/customers/phone.ts';

let sandbox: RunningSandbox;
let client: BillProClient;
let products: Product[];
let customer: Customer;

beforeAll(async () => {
  ({ sandbox, client, products, customer } = await openSandboxCatalogue());
});

afterAll(() => sandbox.close());

describe('Create order arithmetic', () => {
  it('shows before sending exactly the total BillPro computes, for every active product', async () => {
    const active = products.filter((p) => p.product_status === 'active');
    expect(active.length).toBeGreaterThan(10);
    const future = new Date(Date.now() + 20 * 86_400_000);
    let checked = 0;
    for (const [i, product] of active.entries()) {
      const draft = emptyDraft();
      draft.type = product.product_type;
      draft.customer = row(customer) as CustomerRow;
      const line = newLine(row(product) as ProductRow);
      line.qty = String((i % 3) + 1);
      if (!product.lock_price) line.amount = formatCents((toCents(product.price) ?? 0) + 137);
      draft.lines = [line];
      if (product.product_type === 'single_payment') {
        // A second line of another single-payment product in the same currency, where one exists.
        const other = active.find((p) => p.id !== product.id && p.product_type === 'single_payment' && p.currency === product.currency);
        if (other) draft.lines.push(newLine(row(other) as ProductRow));
      } else {
        prefillSchedule(draft, row(product) as ProductRow);
        draft.startDate = future.toISOString().slice(0, 10);
      }
      const shown = totalsOf(draft.lines);
      expect(shown, product.product_id).not.toBeNull();
      // Parsed as the Desk parses the renderer's input, then sent as the Desk sends it.
      const created = await client.createOrder(product.product_type, OrderInput.parse({ ...orderBody(draft), invoice_id: `CALC-${i}` }));
      expect(toCents(created.total_amount), `total of ${product.product_type} order for ${product.product_id}`).toBe(shown!.total);
      checked += 1;
    }
    expect(checked).toBe(active.length);
  });
});

describe('customer form', () => {
  it('starts an edit from every current value and sends both addresses back', async () => {
    const withTwo = (await client.listCustomers({ page: 1 })).find(
      (c) => c.addresses.some((a) => a.address_type === 'billing') && c.addresses.some((a) => a.address_type === 'shipping'),
    );
    expect(withTwo).toBeTruthy();
    const input = toInput(formOf(row(withTwo!) as CustomerRow));
    expect(input.first_name).toBe(withTwo!.first_name);
    expect(input.email).toBe(withTwo!.email);
    const billing = withTwo!.addresses.find((a) => a.address_type === 'billing')!;
    const shipping = withTwo!.addresses.find((a) => a.address_type === 'shipping')!;
    expect(input.addresses?.billing_address).toMatchObject({ street: billing.street, city: billing.city, country: billing.country });
    expect(input.addresses?.shipping_address).toMatchObject({ street: shipping.street, city: shipping.city, country: shipping.country });
    // BillPro accepts the form's body unchanged: nothing is lost or reshaped on the way.
    const saved = await client.updateCustomer(withTwo!.id, input);
    expect(saved.addresses.map((a) => a.address_type).sort()).toEqual(['billing', 'shipping']);
  });

  it('mirrors BillPro\'s checks before sending', () => {
    const form = emptyForm();
    form.email = 'not-an-email';
    form.date_of_birth = '2999-01-01';
    const errors = validate(form, new Date('2026-11-25T00:00:00Z'));
    expect(Object.keys(errors)).toEqual(expect.arrayContaining(['first_name', 'last_name', 'email', 'date_of_birth']));
    const ok = { ...form, first_name: 'Dana', last_name: 'Borys', email: 'dana@example.com', date_of_birth: '1995-05-12' };
    ok.billing = { street: '28 Milsom St', city: 'Bath', state: '', postal_code: 'BA1 1DG', country: 'GB' };
    ok.phone = '+44770000000000';
    // The phone is never refused here: BillPro's rule decides (phoneAdvice only warns).
    expect(validate(ok)).toEqual({});
  });

  it('never refuses a phone, warns with an example for the billing country, and is quiet when it looks valid', async () => {
    const tools = await loadPhoneTools();
    expect(tools).not.toBeNull();
    const form = { ...emptyForm(), first_name: 'Dana', last_name: 'Borys', email: 'dana@example.com' };
    form.billing = { street: '28 Milsom St', city: 'Bath', state: '', postal_code: 'BA1 1DG', country: 'GB' };
    const example = tools!.example('GB');
    expect(example).toMatch(/^\+44 7\d{3} \d{6}$/);
    expect(phoneHint(form, tools)).toContain(`e.g. ${example}`);
    // Ofcom's drama range: outside libphonenumber's GB ranges, maybe taken by BillPro.
    form.phone = '+447700900123';
    expect(validate(form)).toEqual({});
    expect(phoneAdvice(form, tools)).toMatch(/does not look like a United Kingdom number \(like \+44 .*\)\. You can still save/);
    form.phone = '+447911123456';
    expect(phoneAdvice(form, tools)).toBeNull();
    form.billing = { street: '', city: '', state: '', postal_code: '', country: '' };
    form.phone = '07911 123456';
    expect(phoneAdvice(form, tools)).toMatch(/start with \+ and the country code/);
    expect(phoneHint(form, tools)).toMatch(/International format with the country code, e\.g\. \+44/);
  });

  it('reads BillPro\'s DD/MM/YYYY dates and refuses impossible ones', () => {
    expect(dayMonthYearToIso('12/05/1995')).toBe('1995-05-12');
    expect(dayMonthYearToIso('31/02/2024')).toBeNull();
    expect(dayMonthYearToIso('1995-05-12')).toBeNull();
  });
});

describe('CSV export', () => {
  it('quotes separators and guards cells a spreadsheet would run as formulas', () => {
    const csv = toCsv(['name', 'note', 'amount'], [
      ['Borys, Dana', 'said "hi"', '-12.50'],
      ['=HYPERLINK("x")', '+cmd', '@sum'],
    ]);
    expect(csv).toBe('name,note,amount\r\n"Borys, Dana","said ""hi""",-12.50\r\n"\'=HYPERLINK(""x"")",\'+cmd,\'@sum\r\n');
  });
});
