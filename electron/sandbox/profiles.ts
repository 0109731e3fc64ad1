/**
 * The sandbox's merchant profiles and which token reaches which. The layout is fixed so tests
 * and the "Try the sandbox" flow can rely on it: token 0 → profile 1, token 1 → profiles 1 and
 * 2 (must send profile_id), token 2 → profile 3.
 */

/** CardCorp merchants get custom checkouts; Stripe merchants do not (billpro-api.md §1.8). */
export type Processor = 'cardcorp' | 'stripe';

export interface MerchantProfile {
  id: number;
  name: string;
  processor: Processor;
  /** Acceptance currencies; orders in any other currency are refused. */
  currencies: readonly string[];
  /** Where this merchant's customers mostly live, weighted. */
  customerCountries: readonly (readonly [string, number])[];
}

export const MERCHANT_PROFILES: readonly MerchantProfile[] = [
  {
    id: 1,
    name: 'Examply Ltd',
    processor: 'cardcorp',
    currencies: ['GBP', 'EUR'],
    customerCountries: [
      ['GB', 60],
      ['IE', 10],
      ['ES', 8],
      ['FR', 8],
      ['DE', 8],
      ['NL', 6],
    ],
  },
  {
    id: 2,
    name: 'Northwind Fitness',
    processor: 'stripe',
    currencies: ['EUR'],
    customerCountries: [
      ['IE', 30],
      ['ES', 20],
      ['DE', 20],
      ['NL', 15],
      ['IT', 15],
    ],
  },
  {
    id: 3,
    name: 'Lumen Studio',
    processor: 'cardcorp',
    currencies: ['USD'],
    customerCountries: [['US', 100]],
  },
];

/** Profiles reached by each sandbox token, in token order. */
export const TOKEN_PROFILES: readonly (readonly number[])[] = [[1], [1, 2], [3]];

/** Sizes of the small fixed data sets of profiles 2 and 3 (profile 1 follows the options). */
export const FIXED_PROFILE_SIZES: Readonly<
  Record<number, { products: number; customers: number; orders: number }>
> = {
  2: { products: 10, customers: 30, orders: 60 },
  3: { products: 8, customers: 20, orders: 40 },
};
