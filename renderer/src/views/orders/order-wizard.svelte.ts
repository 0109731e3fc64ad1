/**
 * The Create order wizard's state: the draft, the step, BillPro's field messages, the active
 * products of the chosen purchase type, and what each button does to them. The screen
 * (`CreateOrder.svelte` and its steps) only renders this and moves focus; the arithmetic and the
 * checks are `order-draft.ts`. A draft left half-way waits in `savedDrafts` for the next visit.
 */
import type { OrderRow, ProductRow } from '../../../../electron/common/contract.ts';
import { humanize } from '../../lib/format.ts';
import { LiveQuery } from '../../lib/live-query.svelte.ts';
import {
  depositCents,
  emptyDraft,
  instalments,
  newLine,
  orderBody,
  prefillSchedule,
  scheduleLocked,
  stepOf,
  totalsOf,
  validate,
  type Draft,
  type Errors,
  type OrderBody,
} from './order-draft.ts';
import type { PurchaseType } from './order-filters.svelte.ts';
import { savedDrafts } from './saved-drafts.ts';

export const STEPS = ['Purchase type', 'Customer', 'Products', 'Review'] as const;
export const LAST_STEP = STEPS.length;

/** BillPro field names the wizard shows beside an input; any other goes in the banner. */
const SHOWN = new Set([
  'purchase_type', 'customer_id', 'order_products', 'currency', 'initial_amount', 'split_number',
  'scheduled_interval', 'scheduled_unit', 'start_date', 'recurring_collection_interval', 'invoice_id', 'note',
]);

/** How the wizard reaches the Desk (the screen passes `call`; a test passes the same). */
export interface WizardDesk {
  /** The active products of a purchase type, by name. */
  products(type: PurchaseType): Promise<ProductRow[]>;
  create(type: PurchaseType, order: OrderBody): Promise<OrderRow>;
  /** Why a call failed, in words; the field messages of a refusal, if any. */
  explain(error: unknown): { message: string; fields: Record<string, string[]> };
}

/** Where the screen goes after a button: a step (focusing its first invalid field, if asked), or the new order. */
export type Move = { step: number; focusError: boolean } | { created: OrderRow };

export class OrderWizard {
  draft = $state<Draft>(emptyDraft());
  step = $state(1);
  errors = $state<Errors>({});
  banner = $state<string | null>(null);
  busy = $state(false);
  /** The product chosen in "Add a product", not added yet. */
  adding = $state('');

  readonly #products: LiveQuery<{ type: PurchaseType; rows: ProductRow[] }>;
  #created = false;

  constructor(
    readonly profileId: string,
    private readonly desk: WizardDesk,
  ) {
    const saved = savedDrafts.get(profileId);
    if (saved) {
      this.draft = saved.draft;
      this.step = saved.step;
    }
    this.#products = new LiveQuery({
      profileId,
      collections: [],
      eager: false,
      fetch: async () => {
        const type = this.draft.type;
        if (!type) return { type: 'single_payment' as const, rows: [] };
        return { type, rows: await desk.products(type) };
      },
    });
  }

  // ------------------------------------------------------------ products of the chosen type

  /** The products loaded for the chosen type (none while another type's are shown). */
  get products(): ProductRow[] {
    return this.productsLoaded ? this.#products.value!.rows : [];
  }
  get productsLoaded(): boolean {
    const loaded = this.#products.value;
    return loaded !== null && loaded.type === this.draft.type;
  }
  get productsLoading(): boolean {
    return this.#products.loading;
  }
  get productsError(): string | null {
    return this.#products.error === null ? null : this.desk.explain(this.#products.error).message;
  }

  /** The products step is showing and its products are neither there, on their way, nor failed. */
  get wantsProducts(): boolean {
    return this.step >= 3 && this.draft.type !== null && !this.productsLoaded && !this.productsLoading && this.productsError === null;
  }

  loadProducts(): Promise<void> {
    return this.#products.load();
  }

  // ------------------------------------------------------------ figures

  readonly currency: string | null = $derived(this.draft.lines[0]?.product.currency ?? null);
  /** One order has one currency: once a line is there, a single payment offers only its currency. */
  readonly choosable: ProductRow[] = $derived(
    this.currency && this.draft.type === 'single_payment' ? this.products.filter((p) => p.currency === this.currency) : this.products,
  );
  readonly totals = $derived(totalsOf(this.draft.lines));
  readonly locked = $derived(scheduleLocked(this.draft));
  readonly deposit = $derived(this.totals ? (depositCents(this.draft, this.totals.total) ?? 0) : 0);
  readonly split = $derived(
    this.totals && Number(this.draft.splitNumber) >= 1 ? instalments(this.totals.total - this.deposit, Number(this.draft.splitNumber)) : null,
  );
  readonly customerName: string = $derived(
    this.draft.customer ? `${this.draft.customer.first_name} ${this.draft.customer.last_name}`.trim() || this.draft.customer.email : '',
  );

  /** The message beside a field, if any (field ids are the error keys). */
  err(key: string): string | null {
    return this.errors[key]?.join(' ') ?? null;
  }

  /** A message stays until its field is edited. */
  edited(fieldId: string): void {
    if (fieldId && this.errors[fieldId]) delete this.errors[fieldId];
  }

  // ------------------------------------------------------------ editing

  pickType(type: PurchaseType): void {
    if (this.draft.type !== type) {
      this.draft.type = type;
      this.draft.lines = [];
      this.#products.clear();
    }
    this.errors = {};
  }

  pickCustomer(customer: Draft['customer']): void {
    this.draft.customer = customer;
    if (customer) delete this.errors.customer_id;
  }

  addProduct(): void {
    const product = this.products.find((p) => String(p.id) === this.adding);
    if (!product) return;
    this.draft.lines.push(newLine(product));
    this.adding = '';
    delete this.errors.order_products;
  }

  /** The one product of an instalment, subscription or metered order; its schedule comes with it. */
  chooseOnly(id: string): void {
    const product = this.products.find((p) => String(p.id) === id);
    if (!product) {
      this.draft.lines = [];
      return;
    }
    this.draft.lines = [newLine(product)];
    prefillSchedule(this.draft, product);
    delete this.errors.order_products;
  }

  removeLine(key: number): void {
    this.draft.lines = this.draft.lines.filter((l) => l.key !== key);
  }

  // ------------------------------------------------------------ moving between steps

  /** Next: the current step's messages, or the step after it. */
  next(): Move {
    const found = validate(this.draft, this.step);
    this.errors = found;
    this.banner = null;
    if (Object.keys(found).length) return { step: this.step, focusError: true };
    return { step: this.step + 1, focusError: false };
  }

  /** Create the order: every step is checked first; BillPro's refusal goes beside its fields. */
  async submit(): Promise<Move | null> {
    if (this.busy) return null;
    this.banner = null;
    for (let s = 1; s <= LAST_STEP; s++) {
      const found = validate(this.draft, s);
      if (Object.keys(found).length) {
        this.errors = found;
        return { step: s, focusError: true };
      }
    }
    this.busy = true;
    try {
      const order = await this.desk.create(this.draft.type!, orderBody(this.draft));
      this.#created = true;
      return { created: order };
    } catch (error) {
      const { message, fields } = this.desk.explain(error);
      if (Object.keys(fields).length) {
        this.errors = fields;
        const other = Object.entries(fields).filter(([k]) => !SHOWN.has(k));
        this.banner =
          `BillPro refused the order: the messages are beside the fields they concern; nothing you typed is lost.` +
          (other.length ? ` ${other.map(([k, m]) => `${humanize(k)}: ${m.join(', ')}`).join('; ')}.` : '');
        const first = Math.min(...Object.keys(fields).filter((k) => SHOWN.has(k)).map(stepOf), LAST_STEP);
        return { step: first, focusError: true };
      }
      this.banner = `The order was not created: ${message} Nothing you typed is lost; try again.`;
      return null;
    } finally {
      this.busy = false;
    }
  }

  /** Start over with an empty draft. */
  discard(): void {
    this.draft = emptyDraft();
    this.errors = {};
    this.banner = null;
    this.#products.clear();
  }

  /** The screen closes: keep a draft begun and not sent for the next visit; forget a sent one. */
  leave(): void {
    if (this.#created) savedDrafts.delete(this.profileId);
    else if (this.draft.type || this.draft.customer) savedDrafts.set(this.profileId, { draft: $state.snapshot(this.draft) as Draft, step: this.step });
  }
}
