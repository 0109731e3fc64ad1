/**
 * Seeded products: every purchase type, locked and unlocked prices and payment configurations,
 * groups, taxes, discounts and fees, and some inactive products. Products are UI-only on
 * BillPro, so the seed is the sandbox's whole catalogue.
 */
import type { DurationUnit, PurchaseType } from '../common/wire.ts';
import { DAY_MS, iso } from './dates.ts';
import { formatMinor, percentOf } from './money.ts';
import type { MerchantProfile } from './profiles.ts';
import type { Rng } from './prng.ts';
import type { AdjustmentRecord, ProductRecord } from './records.ts';
import type { SandboxState } from './state.ts';

interface Theme {
  names: Record<PurchaseType, readonly string[]>;
  groups: Record<PurchaseType, readonly (string | null)[]>;
}

const THEMES: Readonly<Record<number, Theme>> = {
  1: {
    names: {
      subscription: [
        'Gold Membership',
        'Silver Membership',
        'Pro Plan',
        'Team Plan',
        'Business Support Plan',
        'Student Plan',
        'Family Plan',
        'Monthly Coffee Box',
        'Platinum Membership',
        'Starter Plan',
      ],
      single_payment: [
        'Strategy Workshop',
        'Pottery Starter Kit',
        'Photography Masterclass',
        'Bookkeeping Consultation',
        'Gift Card',
        'Design Review',
        'Wine Tasting Evening',
        'Cooking Class',
        'Office Chair',
        'Desk Lamp',
      ],
      instalment: [
        'Coding Bootcamp',
        'Marketing Diploma',
        'Leadership Course',
        'Language Course',
        'Accounting Certificate',
        'UX Design Course',
      ],
      metered: ['Cloud Storage Usage', 'SMS Credits', 'API Calls', 'Print Credits', 'Meeting Room Hours'],
    },
    groups: {
      subscription: ['Memberships', 'Memberships', 'Plans', null],
      single_payment: ['Workshops', 'Kits', 'Gift cards', null],
      instalment: ['Courses', 'Courses', null],
      metered: ['Usage', null],
    },
  },
  2: {
    names: {
      subscription: [
        'Monthly Gym Membership',
        'Off-Peak Membership',
        'Annual Pass',
        'Swim Club',
        'Kids Club',
      ],
      single_payment: ['Personal Training Pack', 'Day Pass', 'Fitness Assessment', 'Branded Water Bottle'],
      instalment: ['12-Week Transformation Programme', 'Instructor Certification'],
      metered: ['Towel Service', 'Sauna Sessions'],
    },
    groups: {
      subscription: ['Memberships', null],
      single_payment: ['Passes', 'Shop'],
      instalment: ['Programmes'],
      metered: ['Extras'],
    },
  },
  3: {
    names: {
      subscription: ['Print Club', 'Photo Editing Plan', 'Archive Storage'],
      single_payment: ['Portrait Session', 'Headshot Session', 'Framed Print', 'Photo Book'],
      instalment: ['Wedding Photography Package', 'Photography Course'],
      metered: ['Studio Hire', 'Retouching Hours'],
    },
    groups: {
      subscription: ['Plans'],
      single_payment: ['Sessions', 'Prints'],
      instalment: ['Packages'],
      metered: ['Studio'],
    },
  },
};

const PRICE_RANGES: Record<PurchaseType, readonly [number, number]> = {
  single_payment: [1500, 45000],
  subscription: [500, 12000],
  instalment: [30000, 300000],
  metered: [10, 2500],
};

const TYPE_ORDER: readonly PurchaseType[] = ['subscription', 'single_payment', 'instalment', 'metered'];

const DISCOUNTS = [
  { name: 'Discount 5%', percentage: '5.00', description: 'Five Percent New Customer Discount' },
  { name: 'Welcome 10%', percentage: '10.00', description: 'Ten percent off the first order' },
  { name: 'Spring 15%', percentage: '15.00', description: 'Spring promotion' },
];

const TAXES: Readonly<Record<string, readonly { name: string; percentage: string; description: string }[]>> =
  {
    GBP: [{ name: 'VAT UK', percentage: '20.00', description: 'UK Value Added Tax 20%' }],
    EUR: [
      { name: 'VAT Spain', percentage: '21.00', description: 'Spain Value Added Tax 21%' },
      { name: 'VAT Ireland', percentage: '23.00', description: 'Ireland Value Added Tax 23%' },
      { name: 'VAT Germany', percentage: '19.00', description: 'Germany Value Added Tax 19%' },
    ],
    USD: [{ name: 'Sales Tax', percentage: '7.25', description: 'State sales tax 7.25%' }],
  };

function adjustment(
  base: { name: string; percentage?: string; amount?: string; description: string },
  createdMs: number,
): AdjustmentRecord {
  const stamp = iso(createdMs);
  return { ...base, created_at: stamp, updated_at: stamp };
}

function paymentConfig(
  type: PurchaseType,
  rng: Rng,
): { interval: number | null; unit: DurationUnit | null; split: number | null } {
  switch (type) {
    case 'subscription': {
      const [interval, unit] = rng.weighted<readonly [number, DurationUnit]>([
        [[1, 'MONTH'], 55],
        [[1, 'WEEK'], 8],
        [[2, 'WEEK'], 10],
        [[3, 'MONTH'], 12],
        [[1, 'YEAR'], 15],
      ]);
      return { interval, unit, split: null };
    }
    case 'instalment': {
      const [interval, unit] = rng.weighted<readonly [number, DurationUnit]>([
        [[1, 'MONTH'], 70],
        [[2, 'WEEK'], 20],
        [[3, 'MONTH'], 10],
      ]);
      return {
        interval,
        unit,
        split: unit === 'MONTH' && interval === 3 ? rng.int(2, 4) : rng.pick([3, 4, 6, 10, 12]),
      };
    }
    case 'metered':
      return rng.chance(0.5)
        ? { interval: 1, unit: 'MONTH', split: null }
        : { interval: null, unit: null, split: null };
    case 'single_payment':
      return { interval: null, unit: null, split: null };
  }
}

/**
 * Product 1 of profile 1 is the seed's documented example, key for key and value for value
 * (seed/billpro-get-started.txt, "Get the API response"): no name, description, split_number or
 * fee, because the documented product has none.
 */
function documentedProduct(state: SandboxState): ProductRecord {
  return {
    id: state.nextId('product'),
    product_id: 'E2824181D8',
    currency: 'GBP',
    price: '44.99',
    product_type: 'subscription',
    product_status: 'active',
    lock_price: true,
    lock_payment_config: false,
    product_group: 'Memberships',
    scheduled_interval: '1',
    scheduled_unit: 'MONTH',
    fee_for_initial_payment_only: true,
    discount_for_initial_payment_only: true,
    deposit_amount: '42.74',
    created_at: '2024-02-12T15:12:37.314Z',
    discount: {
      name: 'Discount 5%',
      percentage: '5.00',
      description: 'Five Percent New Customer Discount',
      created_at: '2022-05-05T15:23:16.666Z',
      updated_at: '2022-06-14T10:45:13.933Z',
    },
    tax: {
      name: 'VAT Spain',
      percentage: '21.00',
      description: 'Spain Value Added Tax 21%',
      created_at: '2022-05-05T15:18:09.958Z',
      updated_at: '2022-05-08T16:06:29.185Z',
    },
  };
}

/** One product in this many has no name, like the documented one: the product_id path runs. */
const NAMELESS_EVERY = 6;

export function seedProducts(state: SandboxState, profile: MerchantProfile, count: number, rng: Rng): void {
  const theme = THEMES[profile.id] ?? THEMES[1]!;
  const now = state.clock.start;
  // Ascending creation times, so ids and created_at agree; the catalogue predates the orders.
  const times = Array.from(
    { length: count },
    () => now - rng.int(560, 900) * DAY_MS - rng.int(0, DAY_MS),
  ).sort((a, b) => a - b);
  const usedNames = new Map<string, number>();

  times.forEach((createdMs, index) => {
    if (profile.id === 1 && index === 0) {
      state.addProduct(profile.id, documentedProduct(state));
      return;
    }
    // The first four cover every type and stay active, so each type can always be ordered.
    const type =
      index < TYPE_ORDER.length
        ? TYPE_ORDER[index]!
        : rng.weighted<PurchaseType>([
            ['subscription', 35],
            ['single_payment', 35],
            ['instalment', 18],
            ['metered', 12],
          ]);
    const baseName = rng.pick(theme.names[type]);
    const seen = usedNames.get(baseName) ?? 0;
    usedNames.set(baseName, seen + 1);
    const name = seen === 0 ? baseName : `${baseName} ${seen + 1}`;
    const currency =
      profile.currencies.length > 1 && rng.chance(0.3) ? profile.currencies[1]! : profile.currencies[0]!;
    const [low, high] = PRICE_RANGES[type];
    const price =
      type === 'metered'
        ? rng.int(low, high)
        : Math.round(rng.int(low, high) / 100) * 100 - (rng.chance(0.6) ? 1 : 0);
    const config = paymentConfig(type, rng);
    const discount = rng.chance(0.25)
      ? adjustment(rng.pick(DISCOUNTS), createdMs - rng.int(1, 90) * DAY_MS)
      : null;
    const taxChoice = TAXES[currency] ?? [];
    const tax =
      taxChoice.length > 0 && rng.chance(0.7)
        ? adjustment(rng.pick(taxChoice), createdMs - rng.int(1, 90) * DAY_MS)
        : null;
    const fee = rng.chance(0.15)
      ? adjustment(
          rng.chance(0.5)
            ? {
                name: 'Setup fee',
                amount: formatMinor(rng.pick([200, 500, 1000])),
                description: 'One-off setup fee',
              }
            : { name: 'Card fee', percentage: '1.50', description: 'Card processing fee' },
          createdMs - rng.int(1, 90) * DAY_MS,
        )
      : null;
    const discountForInitialOnly = type !== 'single_payment' && rng.chance(0.5);
    let deposit: string | null = null;
    if (type === 'instalment')
      deposit = rng.chance(0.2) ? '0.00' : formatMinor(Math.round((price * rng.int(10, 25)) / 100));
    // As the documented product: the first payment is the price less the discount, tax included.
    if (type === 'subscription')
      deposit = formatMinor(price - (discount?.percentage ? percentOf(price, discount.percentage) : 0));

    const nameless = index % NAMELESS_EVERY === NAMELESS_EVERY - 1;
    const product: ProductRecord = {
      id: state.nextId('product'),
      product_id: rng.hex(10).toUpperCase(),
      // ASSUMPTION: a product without a name omits the key, as the documented product does.
      ...(nameless ? {} : { name }),
      description: rng.chance(0.7) ? `${name} from ${profile.name}` : null,
      currency,
      price: formatMinor(price),
      product_type: type,
      product_status: index >= TYPE_ORDER.length && rng.chance(0.1) ? 'inactive' : 'active',
      lock_price: rng.chance(0.3),
      lock_payment_config: type !== 'single_payment' && rng.chance(0.25),
      product_group: rng.pick(theme.groups[type]),
      scheduled_interval: config.interval === null ? null : String(config.interval),
      scheduled_unit: config.unit,
      split_number: config.split,
      fee_for_initial_payment_only: type !== 'single_payment' && rng.chance(0.5),
      discount_for_initial_payment_only: discountForInitialOnly,
      deposit_amount: deposit,
      created_at: iso(createdMs),
      discount,
      tax,
      fee,
    };
    state.addProduct(profile.id, product);
  });
}
