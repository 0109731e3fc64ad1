/**
 * The Create order wizard's state class, run in Node against the BillPro sandbox over HTTP: a
 * step only moves on when it is complete, the products offered are the active ones of the chosen
 * type (and a late answer for a type given up never shows), the order BillPro creates has the
 * total the review showed, a refusal lands beside its fields, and a draft left half-way waits for
 * the next visit while a sent one is forgotten.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CustomerRow, OrderRow, ProductRow } from '../../electron/common/contract.ts';
import { DeskError } from '../../electron/common/errors.ts';
import { OrderInput, type Customer, type Product } from '../../electron/common/wire.ts';
import type { BillProClient } from '../../electron/core/billpro/client.ts';
import type { RunningSandbox } from '../../electron/sandbox/server.ts';
import { openSandboxCatalogue, row } from '../support/sandbox-catalogue.ts';
import { toMinorUnits as toCents } from '../../electron/common/money.ts';
import type { PurchaseType } from '../../renderer/src/views/orders/order-filters.svelte.ts';
import { OrderWizard, type WizardDesk } from '../../renderer/src/views/orders/order-wizard.svelte.ts';
import { savedDrafts } from '../../renderer/src/views/orders/saved-drafts.ts';

let sandbox: RunningSandbox;
let client: BillProClient;
let products: Product[];
let customer: Customer;

beforeAll(async () => {
  ({ sandbox, client, products, customer } = await openSandboxCatalogue());
});

afterAll(() => sandbox.close());

/** The Desk as the wizard sees it, answered by the sandbox; `gate` holds an answer back. */
function sandboxDesk(gate?: (type: PurchaseType) => Promise<void>): WizardDesk & { asked: PurchaseType[] } {
  const asked: PurchaseType[] = [];
  return {
    asked,
    async products(type) {
      asked.push(type);
      const rows = products.filter((p) => p.product_type === type && p.product_status === 'active').map((p) => row(p) as ProductRow);
      await gate?.(type);
      return rows;
    },
    async create(type, order) {
      return row(await client.createOrder(type, OrderInput.parse(order))) as OrderRow;
    },
    explain(error) {
      return error instanceof DeskError
        ? { message: error.message, fields: error.fields ?? {} }
        : { message: String(error), fields: {} };
    },
  };
}

/** Next, as the screen does it: show the step the wizard moves to. */
function advance(wizard: OrderWizard): void {
  const move = wizard.next();
  if ('created' in move) throw new Error('Next never creates an order');
  wizard.step = move.step;
}

let profileSeq = 0;
const newProfile = () => `wizard-test-${++profileSeq}`;

describe('OrderWizard', () => {
  it('walks the four steps, refusing to move on from an incomplete one, and creates the order whose total it showed', async () => {
    const desk = sandboxDesk();
    const wizard = new OrderWizard(newProfile(), desk);
    expect(wizard.step).toBe(1);

    expect(wizard.next()).toEqual({ step: 1, focusError: true });
    expect(wizard.err('purchase_type')).toBe('Pick a purchase type.');
    wizard.pickType('instalment');
    expect(wizard.err('purchase_type')).toBeNull();
    advance(wizard);
    expect(wizard.step).toBe(2);

    expect(wizard.next()).toEqual({ step: 2, focusError: true });
    wizard.pickCustomer(row(customer) as CustomerRow);
    expect(wizard.err('customer_id')).toBeNull();
    advance(wizard);
    expect(wizard.step).toBe(3);

    // The products step asks for the type's products once.
    expect(wizard.wantsProducts).toBe(true);
    await wizard.loadProducts();
    expect(wizard.wantsProducts).toBe(false);
    expect(desk.asked).toEqual(['instalment']);
    expect(wizard.products.length).toBeGreaterThan(0);
    expect(wizard.products.every((p) => p.product_type === 'instalment' && p.product_status === 'active')).toBe(true);

    expect(wizard.next()).toEqual({ step: 3, focusError: true });
    expect(wizard.err('order_products')).toBe('Add a product.');
    const product = wizard.products.find((p) => !p.lock_payment_config && !p.lock_price)!;
    wizard.chooseOnly(String(product.id));
    expect(wizard.draft.lines.map((l) => l.product.id)).toEqual([product.id]);
    expect(wizard.draft.splitNumber).toBe(String(product.split_number ?? 1)); // the schedule comes from the product
    wizard.draft.lines[0]!.qty = '2';
    advance(wizard);
    expect(wizard.step).toBe(4);

    const shown = wizard.totals!.total;
    const move = await wizard.submit();
    expect(move && 'created' in move).toBe(true);
    const created = (move as { created: OrderRow }).created;
    expect(toCents(created.total_amount)).toBe(shown);
    expect(created.customer_id).toBe(customer.id);
    expect(wizard.busy).toBe(false);
  });

  it('a type given up while its products load never shows its products', async () => {
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    const desk = sandboxDesk((type) => (type === 'single_payment' ? held : Promise.resolve()));
    const wizard = new OrderWizard(newProfile(), desk);
    wizard.pickType('single_payment');
    wizard.step = 3;
    const late = wizard.loadProducts();
    wizard.pickType('subscription'); // the operator goes back and changes the type
    release();
    await late;
    expect(wizard.productsLoaded).toBe(false);
    expect(wizard.products).toEqual([]);
    expect(wizard.wantsProducts).toBe(true);
    await wizard.loadProducts();
    expect(wizard.products.length).toBeGreaterThan(0);
    expect(wizard.products.every((p) => p.product_type === 'subscription')).toBe(true);
  });

  it('a single payment offers only products in the currency of its first line', async () => {
    const wizard = new OrderWizard(newProfile(), sandboxDesk());
    wizard.pickType('single_payment');
    await wizard.loadProducts();
    const first = wizard.products[0]!;
    wizard.adding = String(first.id);
    wizard.addProduct();
    expect(wizard.adding).toBe('');
    expect(wizard.currency).toBe(first.currency);
    expect(wizard.choosable.length).toBeGreaterThan(0);
    expect(wizard.choosable.every((p) => p.currency === first.currency)).toBe(true);
    wizard.removeLine(wizard.draft.lines[0]!.key);
    expect(wizard.draft.lines).toEqual([]);
    expect(wizard.choosable).toHaveLength(wizard.products.length);
  });

  it("puts BillPro's refusal beside its field, on that field's step, and keeps the draft", async () => {
    const wizard = new OrderWizard(newProfile(), sandboxDesk());
    wizard.pickType('single_payment');
    wizard.pickCustomer({ ...(row(customer) as CustomerRow), id: 987_654_321 }); // not a customer BillPro knows
    await wizard.loadProducts();
    wizard.adding = String(wizard.products[0]!.id);
    wizard.addProduct();
    wizard.step = 4;
    const move = await wizard.submit();
    expect(move).toEqual({ step: 2, focusError: true });
    expect(wizard.err('customer_id')).toBeTruthy();
    expect(wizard.banner).toMatch(/^BillPro refused the order: the messages are beside the fields they concern/);
    expect(wizard.draft.lines).toHaveLength(1);
    // Editing the field clears its message.
    wizard.edited('customer_id');
    expect(wizard.err('customer_id')).toBeNull();
  });

  it('keeps a draft left half-way for the next visit to the same profile only, and forgets one that was sent', async () => {
    const profileId = newProfile();
    const first = new OrderWizard(profileId, sandboxDesk());
    first.pickType('metered');
    first.step = 2;
    first.leave();
    const again = new OrderWizard(profileId, sandboxDesk());
    expect(again.draft.type).toBe('metered');
    expect(again.step).toBe(2);
    expect(new OrderWizard(newProfile(), sandboxDesk()).draft.type).toBeNull();

    again.discard();
    expect(again.draft.type).toBeNull();
    again.leave(); // nothing begun: nothing kept
    expect(savedDrafts.get(profileId)?.draft.type).toBe('metered'); // the earlier one stays until replaced or sent

    again.pickType('single_payment');
    again.pickCustomer(row(customer) as CustomerRow);
    await again.loadProducts();
    again.adding = String(again.products[0]!.id);
    again.addProduct();
    const move = await again.submit();
    expect(move && 'created' in move).toBe(true);
    again.leave();
    expect(savedDrafts.has(profileId)).toBe(false);
  });
});
