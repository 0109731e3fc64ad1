/**
 * The sandbox's seeded world: products, customers and orders per merchant profile, all from
 * one seed, so the same seed always gives the same data (and the same ids). Profile 1 follows
 * the size options; profiles 2 and 3 get small fixed sets.
 */
import { FIXED_PROFILE_SIZES, MERCHANT_PROFILES } from './profiles.ts';
import { Rng } from './prng.ts';
import { seedProducts } from './seed-catalogue.ts';
import { seedCustomers } from './seed-customers.ts';
import { seedOrders } from './seed-orders.ts';
import type { SandboxState } from './state.ts';

export interface SeedSizes {
  products: number;
  customers: number;
  orders: number;
}

export const DEFAULT_SEED_SIZES: SeedSizes = { products: 40, customers: 200, orders: 600 };

export function seedSandbox(state: SandboxState, seed: number, sizes: SeedSizes): void {
  const sizeOf = (profileId: number): SeedSizes => FIXED_PROFILE_SIZES[profileId] ?? sizes;
  // One stream per profile and kind: a profile's data does not change when another one grows.
  const stream = (profileId: number, kind: string): Rng => new Rng(seed, `profile-${profileId}-${kind}`);
  for (const profile of MERCHANT_PROFILES)
    seedProducts(state, profile, sizeOf(profile.id).products, stream(profile.id, 'products'));
  for (const profile of MERCHANT_PROFILES)
    seedCustomers(state, profile, sizeOf(profile.id).customers, stream(profile.id, 'customers'));
  for (const profile of MERCHANT_PROFILES)
    seedOrders(state, profile, sizeOf(profile.id).orders, stream(profile.id, 'orders'));
}
