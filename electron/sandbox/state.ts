/**
 * The sandbox's whole world, in memory: per-profile arrays (ascending id, so a page is one
 * slice) beside id maps (so a lookup is one get), plus the sandbox clock. Ids are unique across
 * the platform, as on BillPro, and always grow, so appending keeps every array sorted.
 */
import { iso } from './dates.ts';
import type { MerchantProfile } from './profiles.ts';
import { Rng } from './prng.ts';
import type { CustomerRecord, OrderRecord, ProductRecord, ScheduledPaymentRecord } from './records.ts';
import type { PhoneRule } from './validation.ts';

export class ProfileData {
  readonly products: ProductRecord[] = [];
  readonly productsById = new Map<number, ProductRecord>();
  readonly customers: CustomerRecord[] = [];
  readonly customersById = new Map<number, CustomerRecord>();
  /** Lower-cased email → customer id: BillPro wants a unique email per merchant. */
  readonly customerEmails = new Map<string, number>();
  readonly orders: OrderRecord[] = [];
  readonly ordersById = new Map<number, OrderRecord>();

  constructor(readonly profile: MerchantProfile) {}
}

/**
 * Sandbox time: starts at a fixed instant (so seeded data is deterministic), runs with the wall
 * clock (so new records get distinct timestamps), and jumps forward on request.
 */
export class SandboxClock {
  private readonly startedAt = performance.now();
  private advancedMs = 0;

  constructor(private readonly startMs: number) {}

  /** The instant seeded data is relative to. */
  get start(): number {
    return this.startMs;
  }

  now(): number {
    return Math.floor(this.startMs + this.advancedMs + (performance.now() - this.startedAt));
  }

  advance(ms: number): void {
    this.advancedMs += ms;
  }
}

type IdKind = 'product' | 'customer' | 'address' | 'order' | 'scheduledPayment';

export class SandboxState {
  readonly profiles = new Map<number, ProfileData>();
  readonly orders = new Map<number, OrderRecord>();
  readonly scheduledPayments = new Map<number, ScheduledPaymentRecord>();
  /** Each order's billing events, in id order. */
  readonly paymentsByOrder = new Map<number, ScheduledPaymentRecord[]>();
  /** Payment-link id → order id. The link id is random and carries no token. */
  readonly paymentLinks = new Map<string, number>();
  /** Order id → when its custom checkout expires (ms). */
  readonly checkoutExpiry = new Map<number, number>();
  readonly clock: SandboxClock;
  /** Runtime randomness (new merchant ids, link ids, checkout ids): seeded, separate from the seed data. */
  readonly rng: Rng;
  /** `http://127.0.0.1:P`, for payment links. */
  origin = '';
  /** When an instalment order's billing events are created (lifecycle.ts scheduleInstalments). */
  instalmentsAt: 'creation' | 'activation' = 'creation';
  /** How customer phones are checked (POST /__sandbox/rules switches it). */
  phoneRule: PhoneRule = 'country';
  private readonly lastIds: Record<IdKind, number> = {
    product: 0,
    customer: 0,
    address: 0,
    order: 0,
    scheduledPayment: 0,
  };

  constructor(profiles: readonly MerchantProfile[], clockStartMs: number, seed: number) {
    for (const profile of profiles) this.profiles.set(profile.id, new ProfileData(profile));
    this.clock = new SandboxClock(clockStartMs);
    this.rng = new Rng(seed, 'runtime');
  }

  nextId(kind: IdKind): number {
    this.lastIds[kind] += 1;
    return this.lastIds[kind];
  }

  nowIso(): string {
    return iso(this.clock.now());
  }

  profile(id: number): ProfileData {
    const data = this.profiles.get(id);
    if (!data) throw new Error(`unknown sandbox profile ${id}`);
    return data;
  }

  addProduct(profileId: number, product: ProductRecord): void {
    const data = this.profile(profileId);
    data.products.push(product);
    data.productsById.set(product.id, product);
  }

  addCustomer(profileId: number, customer: CustomerRecord): void {
    const data = this.profile(profileId);
    data.customers.push(customer);
    data.customersById.set(customer.id, customer);
    data.customerEmails.set(customer.email.toLowerCase(), customer.id);
  }

  addOrder(order: OrderRecord): void {
    const data = this.profile(order.profile_id);
    data.orders.push(order);
    data.ordersById.set(order.id, order);
    this.orders.set(order.id, order);
  }

  addScheduledPayment(payment: ScheduledPaymentRecord): void {
    this.scheduledPayments.set(payment.id, payment);
    const list = this.paymentsByOrder.get(payment.order_id);
    if (list) list.push(payment);
    else this.paymentsByOrder.set(payment.order_id, [payment]);
  }

  paymentsOf(orderId: number): readonly ScheduledPaymentRecord[] {
    return this.paymentsByOrder.get(orderId) ?? [];
  }

  /** A fresh payment link for an order: `http://127.0.0.1:P/pay/<random id>`. */
  newPaymentLink(orderId: number): string {
    const linkId = this.rng.alnumLower(24);
    this.paymentLinks.set(linkId, orderId);
    return `${this.origin}/pay/${linkId}`;
  }

  /** An OPPWA-style checkout id, valid for 25 minutes (billpro-api.md §2.3). */
  newCheckout(orderId: number): { checkoutId: string; expiresAt: number } {
    const checkoutId = `${this.rng.hex(32).toUpperCase()}.uat01-vm-tx02`;
    const expiresAt = this.clock.now() + 25 * 60_000;
    this.checkoutExpiry.set(orderId, expiresAt);
    return { checkoutId, expiresAt };
  }
}
