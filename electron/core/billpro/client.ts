/**
 * The typed BillPro API client: one method per row of the endpoint table. Every answer is parsed
 * with the wire.ts schemas; every failure is a DeskError (see http-errors.ts), except a caller's
 * own cancellation, which rejects with the AbortSignal's reason (see transport.ts).
 */
import { z } from 'zod';
import { DeskError } from '../../common/errors.ts';
import { fieldErrorsOf } from '../../common/issues.ts';
import { CREATE_ORDER_ENDPOINT, QUERY } from '../../common/endpoints.ts';
import { readList, readOne, readOneOrAcknowledgement, receivedCount } from './envelope.ts';
import { Transport } from './transport.ts';
import type { BillProConnection, TransportOptions } from './transport.ts';
import {
  CheckoutRenewal,
  Customer,
  CustomerInput,
  Order,
  OrderInput,
  Product,
  ScheduledPayment,
  ScheduledPaymentUpdate,
  toCustomerInput,
} from '../../common/wire.ts';
import type { PurchaseType } from '../../common/wire.ts';

export type BillProClientOptions = TransportOptions;

export interface RequestOptions {
  signal?: AbortSignal | undefined;
}

export interface PageOptions extends RequestOptions {
  /** First page to fetch (1-based), to resume an interrupted sync. */
  startPage?: number;
}

export interface Page<T> {
  page: number;
  items: T[];
}

/** Changes to a customer; `addresses` merges per address, so naming one keeps the other. */
export type CustomerChanges = Partial<Omit<CustomerInput, 'addresses'>> & {
  addresses?: Partial<NonNullable<CustomerInput['addresses']>> | null;
};

const PURCHASE_LABEL: Record<PurchaseType, string> = {
  single_payment: 'single-payment',
  instalment: 'instalment',
  subscription: 'subscription',
  metered: 'metered',
};

/** Errors meaning "this BillPro has no list-orders endpoint" (billpro-api.md §5.5). */
const listOrdersUnsupported = new WeakSet<DeskError>();

/**
 * True when `listOrders` (or its pages) failed because this BillPro has no list-orders endpoint.
 * The Desk then builds its order list from the orders it knows.
 */
export function isListOrdersUnsupported(error: unknown): boolean {
  return error instanceof DeskError && listOrdersUnsupported.has(error);
}

export class BillProClient {
  readonly #transport: Transport;

  constructor(connection: BillProConnection, options: BillProClientOptions = {}) {
    this.#transport = new Transport(connection, options);
  }

  // ------------------------------------------------------------ products

  async listProducts(page = 1, opts: RequestOptions & { productId?: string } = {}): Promise<Product[]> {
    checkPage(page);
    return this.#transport.send({
      endpoint: 'listProducts',
      query: { [QUERY.page]: page, [QUERY.productId]: opts.productId },
      subject: `page ${page} of the products`,
      signal: opts.signal,
      read: (reply, ctx) => readList(reply, 'listProducts', Product, ctx),
    });
  }

  async getProduct(id: number, opts: RequestOptions = {}): Promise<Product> {
    checkId(id, 'product');
    return this.#transport.send({
      endpoint: 'getProduct',
      pathParams: { id },
      subject: `product ${id}`,
      signal: opts.signal,
      read: (reply, ctx) => readOne(reply, 'getProduct', Product, ctx),
    });
  }

  listProductsPages(opts: PageOptions & { productId?: string } = {}): AsyncGenerator<Page<Product>> {
    return pages((page) => this.listProducts(page, opts), opts, 'products');
  }

  // ------------------------------------------------------------ customers

  /** `customerId` filters by the merchant customer_id (not unique: the answer may hold several). */
  async listCustomers(
    params: { page?: number; customerId?: string } = {},
    opts: RequestOptions = {},
  ): Promise<Customer[]> {
    const page = params.page ?? 1;
    checkPage(page);
    return this.#transport.send({
      endpoint: 'listCustomers',
      query: { [QUERY.page]: page, [QUERY.customerId]: params.customerId },
      subject: `page ${page} of the customers`,
      signal: opts.signal,
      read: (reply, ctx) => readList(reply, 'listCustomers', Customer, ctx),
    });
  }

  async getCustomer(id: number, opts: RequestOptions = {}): Promise<Customer> {
    checkId(id, 'customer');
    return this.#transport.send({
      endpoint: 'getCustomer',
      pathParams: { id },
      subject: `customer ${id}`,
      signal: opts.signal,
      read: (reply, ctx) => readOne(reply, 'getCustomer', Customer, ctx),
    });
  }

  async createCustomer(input: CustomerInput, opts: RequestOptions = {}): Promise<Customer> {
    const body = checkInput(CustomerInput, input, 'the new customer');
    return this.#transport.send({
      endpoint: 'createCustomer',
      body,
      subject: 'the new customer',
      signal: opts.signal,
      read: (reply, ctx) => readOne(reply, 'createCustomer', Customer, ctx),
    });
  }

  /**
   * Replaces the customer with `input`. BillPro removes every address not sent (§2.2), so build
   * `input` with `toCustomerInput(customer)` from a fresh GET, or use `patchCustomer`.
   */
  async updateCustomer(id: number, input: CustomerInput, opts: RequestOptions = {}): Promise<Customer> {
    checkId(id, 'customer');
    const body = checkInput(CustomerInput, input, `customer ${id}`);
    return this.#transport.send({
      endpoint: 'updateCustomer',
      pathParams: { id },
      body,
      subject: `customer ${id}`,
      signal: opts.signal,
      read: (reply, ctx) => readOne(reply, 'updateCustomer', Customer, ctx),
    });
  }

  /** Reads the customer afresh, applies `changes` on top and saves, so no address is lost. */
  async patchCustomer(id: number, changes: CustomerChanges, opts: RequestOptions = {}): Promise<Customer> {
    const current = await this.getCustomer(id, opts);
    return this.updateCustomer(id, mergeCustomerInput(toCustomerInput(current), changes), opts);
  }

  listCustomersPages(opts: PageOptions & { customerId?: string } = {}): AsyncGenerator<Page<Customer>> {
    const filter = opts.customerId === undefined ? {} : { customerId: opts.customerId };
    return pages((page) => this.listCustomers({ page, ...filter }, opts), opts, 'customers');
  }

  // ------------------------------------------------------------ orders

  /**
   * ASSUMPTION: BillPro documents no list-orders endpoint (§5.5). When this BillPro answers "not
   * found" here, the error satisfies `isListOrdersUnsupported`.
   */
  async listOrders(page = 1, opts: RequestOptions = {}): Promise<Order[]> {
    checkPage(page);
    try {
      return await this.#transport.send({
        endpoint: 'listOrders',
        query: { [QUERY.page]: page },
        subject: `page ${page} of the orders`,
        signal: opts.signal,
        read: (reply, ctx) => readList(reply, 'listOrders', Order, ctx),
      });
    } catch (error) {
      if (error instanceof DeskError && error.code === 'NOT_FOUND') {
        const unsupported = new DeskError(
          'NOT_FOUND',
          'This BillPro does not offer a list of orders. Desk lists the orders it knows: those created here, opened by number, or seen on a customer.',
          error.status === undefined ? {} : { status: error.status },
        );
        listOrdersUnsupported.add(unsupported);
        throw unsupported;
      }
      throw error;
    }
  }

  listOrdersPages(opts: PageOptions = {}): AsyncGenerator<Page<Order>> {
    return pages((page) => this.listOrders(page, opts), opts, 'orders');
  }

  async getOrder(id: number, opts: RequestOptions = {}): Promise<Order> {
    checkId(id, 'order');
    return this.#transport.send({
      endpoint: 'getOrder',
      pathParams: { id },
      subject: `order ${id}`,
      signal: opts.signal,
      read: (reply, ctx) => readOne(reply, 'getOrder', Order, ctx),
    });
  }

  /** Sent once, never retried: on `outcomeUnknown`, look the order up by its invoice_id first. */
  async createOrder(
    purchaseType: PurchaseType,
    input: OrderInput,
    opts: RequestOptions = {},
  ): Promise<Order> {
    const endpoint = CREATE_ORDER_ENDPOINT[purchaseType];
    if (!endpoint)
      throw new DeskError('BAD_INPUT', `“${String(purchaseType)}” is not a BillPro purchase type.`);
    const subject = `the new ${PURCHASE_LABEL[purchaseType]} order`;
    const body = checkInput(OrderInput, input, subject);
    return this.#transport.send({
      endpoint,
      body,
      subject,
      signal: opts.signal,
      read: (reply, ctx) => readOne(reply, endpoint, Order, ctx),
    });
  }

  /** Pending orders become cancelled; live ones complete (§2.5). */
  async cancelOrder(id: number, opts: RequestOptions = {}): Promise<Order> {
    return this.#changeOrder('cancelOrder', id, opts);
  }

  async pauseOrder(id: number, opts: RequestOptions = {}): Promise<Order> {
    return this.#changeOrder('pauseOrder', id, opts);
  }

  async resumeOrder(id: number, opts: RequestOptions = {}): Promise<Order> {
    return this.#changeOrder('resumeOrder', id, opts);
  }

  /** CardCorp merchants only (§1.8). `orderId` is the order's id (inferred, §2.6). */
  async renewCheckout(orderId: number, opts: RequestOptions = {}): Promise<CheckoutRenewal> {
    checkId(orderId, 'order');
    return this.#transport.send({
      endpoint: 'renewCheckout',
      pathParams: { id: orderId },
      subject: `the checkout of order ${orderId}`,
      signal: opts.signal,
      read: (reply, ctx) => readOne(reply, 'renewCheckout', CheckoutRenewal, ctx),
    });
  }

  /**
   * ASSUMPTION: the answer to cancel/pause/resume is a GAP (§5.12). When it carries no order
   * (empty body or a bare acknowledgement), the order is read afresh with GET.
   */
  async #changeOrder(
    endpoint: 'cancelOrder' | 'pauseOrder' | 'resumeOrder',
    id: number,
    opts: RequestOptions,
  ): Promise<Order> {
    checkId(id, 'order');
    const order = await this.#transport.send({
      endpoint,
      pathParams: { id },
      subject: `order ${id}`,
      signal: opts.signal,
      read: (reply, ctx) => readOneOrAcknowledgement(reply, endpoint, Order, ctx),
    });
    return order ?? this.getOrder(id, opts);
  }

  // ------------------------------------------------------------ scheduled payments

  /**
   * Every scheduled payment of the order. ASSUMPTION: whether this list has pages is a GAP
   * (§2.7), so pages are read until one is empty (a short page may be this server's page size);
   * a server that ignores `page` and sends the whole list each time is recognised by the repeat
   * and read once. At most MAX_LIST_PAGES pages.
   */
  async listScheduledPayments(orderId: number, opts: RequestOptions = {}): Promise<ScheduledPayment[]> {
    checkId(orderId, 'order');
    const all: ScheduledPayment[] = [];
    for await (const { items } of pages(
      (page) =>
        this.#transport.send({
          endpoint: 'listScheduledPayments',
          pathParams: { id: orderId },
          query: { [QUERY.page]: page },
          subject: `the scheduled payments of order ${orderId}`,
          signal: opts.signal,
          read: (reply, ctx) => readList(reply, 'listScheduledPayments', ScheduledPayment, ctx),
        }),
      { ...opts, repeatEnds: true },
      `scheduled payments of order ${orderId}`,
    )) {
      all.push(...items);
    }
    return all;
  }

  /** Skip, cancel, reschedule (`status: 'scheduled'` + `scheduled_at`), change amount or interval. */
  async updateScheduledPayment(
    id: number,
    update: ScheduledPaymentUpdate,
    opts: RequestOptions = {},
  ): Promise<ScheduledPayment> {
    checkId(id, 'scheduled payment');
    const body = checkInput(ScheduledPaymentUpdate, update, `scheduled payment ${id}`);
    if (Object.keys(body).length === 0) {
      throw new DeskError('BAD_INPUT', `Nothing to change on scheduled payment ${id}.`);
    }
    return this.#transport.send({
      endpoint: 'updateScheduledPayment',
      pathParams: { id },
      body,
      subject: `scheduled payment ${id}`,
      signal: opts.signal,
      read: (reply, ctx) => readOne(reply, 'updateScheduledPayment', ScheduledPayment, ctx),
    });
  }
}

/** `changes` on top of `current`; an address not named in `changes.addresses` is kept. */
export function mergeCustomerInput(current: CustomerInput, changes: CustomerChanges): CustomerInput {
  const { addresses: addressChanges, ...rest } = changes;
  const merged: CustomerInput = { ...current, ...definedOnly(rest) };
  if (addressChanges === null) merged.addresses = null;
  else if (addressChanges !== undefined)
    merged.addresses = { ...current.addresses, ...definedOnly(addressChanges) };
  return merged;
}

/** A per-entity list (scheduled payments of one order) longer than this is not believed. */
const MAX_LIST_PAGES = 400;

/**
 * Pages until one is empty: only an empty page (BillPro sends no paging metadata, §1.5) ends a
 * list, since a short page may be this server's page size. A page repeating the previous one
 * means the server ignores `page`: an error, or the end when `repeatEnds` (a list small enough
 * to come whole). At most MAX_LIST_PAGES pages for a per-entity list.
 */
async function* pages<T extends { id: number }>(
  fetchPage: (page: number) => Promise<T[]>,
  opts: PageOptions & { repeatEnds?: boolean },
  what: string,
): AsyncGenerator<Page<T>> {
  let page = opts.startPage ?? 1;
  checkPage(page);
  let previous: string | null = null;
  for (;;) {
    opts.signal?.throwIfAborted();
    const items = await fetchPage(page);
    if (receivedCount(items) === 0) return;
    const ids = items.map((item) => item.id).join(',');
    if (ids === previous) {
      if (opts.repeatEnds) return;
      throw new DeskError(
        'SERVER',
        `BillPro sent the same ${what} for page ${page} as for page ${page - 1}, so Desk stopped reading the list there.`,
      );
    }
    if (opts.repeatEnds && page >= MAX_LIST_PAGES) {
      throw new DeskError('SERVER', `BillPro's list of ${what} went on past page ${MAX_LIST_PAGES}, so Desk stopped reading it.`);
    }
    yield { page, items };
    previous = ids;
    page += 1;
  }
}

function checkId(id: number, what: string): void {
  if (!Number.isInteger(id) || id <= 0) {
    throw new DeskError('BAD_INPUT', `“${String(id)}” is not a ${what} id: BillPro ids are whole numbers.`);
  }
}

function checkPage(page: number): void {
  if (!Number.isInteger(page) || page < 1) {
    throw new DeskError('BAD_INPUT', `Page ${String(page)} does not exist: pages count from 1.`);
  }
}

/** Caught here, a wrong input costs no request; the message names the fields like BillPro would. */
function checkInput<S extends z.ZodType>(schema: S, input: unknown, subject: string): z.output<S> {
  const parsed = schema.safeParse(input);
  if (parsed.success) return parsed.data;
  const fields = fieldErrorsOf(parsed.error.issues);
  const summary = Object.entries(fields)
    .map(([key, messages]) => `${key}: ${messages.join(', ')}`)
    .join('; ');
  throw new DeskError('BAD_INPUT', `Desk cannot send ${subject} to BillPro: ${summary}.`, { fields });
}

function definedOnly<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}
